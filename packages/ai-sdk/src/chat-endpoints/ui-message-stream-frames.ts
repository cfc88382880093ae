import type { UIMessageChunk } from 'ai';

/**
 * The UI message stream on the wire, as the AI SDK's own routes write it
 * (`createUIMessageStreamResponse`): its headers (`UI_MESSAGE_STREAM_HEADERS` of `ai`),
 * one `data:` line per chunk, comment lines to keep idle connections open,
 * `data: [DONE]` at the end. Its parser reads only `data:` lines, and one that is not a
 * chunk is an error: nothing else is ever sent.
 */

/** One chunk. */
export function chunkFrame(chunk: UIMessageChunk): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The end of a stream whose turn ended. */
export const DONE_FRAME = 'data: [DONE]\n\n';

/** Keeps proxies and the client from giving up on a quiet stream; parsers skip it. */
export const KEEP_ALIVE_FRAME = ': keep-alive\n\n';
