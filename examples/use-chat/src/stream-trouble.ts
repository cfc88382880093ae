import type { UIMessage } from 'ai';

/** The end of a useChat request as `onFinish` reports it (the fields this page reads). */
export interface RequestEnd {
  readonly message: UIMessage;
  readonly isAbort: boolean;
  readonly isError: boolean;
  readonly finishReason?: string | undefined;
}

/**
 * True when a response ended early: no `finish` chunk, not stopped, not failed, and the
 * message it streamed still has a part in the middle of streaming. A body that ends with
 * its connection (no length, no chunking) looks complete to fetch when the connection
 * closes, so this is the only sign of such a drop.
 */
export function endedEarly(end: RequestEnd): boolean {
  return !end.isAbort && !end.isError && end.finishReason === undefined && end.message.parts.some(isStreaming);
}

function isStreaming(part: UIMessage['parts'][number]): boolean {
  if ('state' in part) return part.state === 'streaming' || part.state === 'input-streaming';
  return false;
}

/**
 * True for the errors of a lost connection: fetch rejects with a `TypeError` when it
 * cannot connect or the body breaks off, whatever the browser's wording.
 */
export function isConnectionLost(error: unknown): boolean {
  return error instanceof TypeError;
}
