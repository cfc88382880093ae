import {
  JSONParseError,
  parseJsonEventStream,
  TypeValidationError,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from 'ai';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uiMessageStream } from '../../test/ui-message-streams.ts';
import { parseUIMessageChunks } from './parse-ui-message-chunks.ts';

/** `text` as a byte stream cut at `cuts` (byte offsets), as a socket may deliver it. */
function bytesOf(text: string, cuts: readonly number[] = []): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces = [0, ...points, bytes.length]
    .slice(1)
    .map((end, index, ends) => bytes.slice(ends[index - 1] ?? 0, end));
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
}

async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const values: T[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) values.push(next.value);
  return values;
}

const sse = (chunks: readonly unknown[]) =>
  `${chunks.map((chunk) => `data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\n\n`).join('')}data: [DONE]\n\n`;

describe('parseUIMessageChunks', () => {
  it('reads every stream, however its bytes are cut, as the AI SDK’s own parser does', async () => {
    await fc.assert(
      fc.asyncProperty(uiMessageStream, fc.array(fc.nat(), { maxLength: 8 }), async (chunks, cuts) => {
        const text = `: keep-alive\n\n${sse(chunks)}`;
        const ours = await readAll(parseUIMessageChunks(bytesOf(text, cuts)));
        const theirs = await readAll(parseJsonEventStream({ stream: bytesOf(text), schema: uiMessageChunkSchema }));
        expect(ours).toEqual(theirs.map((result) => (result.success ? result.value : result)));
        expect(ours).toEqual(chunks);
      }),
      { numRuns: 100 },
    );
  });

  it.each<[string, string, unknown]>([
    ['a delta whose text is no string', '{"type":"text-delta","id":"0","delta":42}', TypeValidationError],
    ['a chunk of no known type', '{"type":"surprise"}', TypeValidationError],
    ['a finish with a reason the SDK does not know', '{"type":"finish","finishReason":"bored"}', TypeValidationError],
    ['a start whose message id is no string', '{"type":"start","messageId":7}', TypeValidationError],
    ['a text end whose id is no string', '{"type":"text-end","id":null}', TypeValidationError],
    ['a line that is no JSON', '{"type":"text-delta",', JSONParseError],
  ])('refuses %s, after the chunks before it, even those that arrived in the same read', async (_name, line, error) => {
    const before: UIMessageChunk[] = [
      { type: 'start' },
      { type: 'text-start', id: '0' },
      { type: 'text-delta', id: '0', delta: 'Partly' },
    ];
    const reader = parseUIMessageChunks(bytesOf(sse([...before, line]))).getReader();
    expect((await reader.read()).value).toEqual(before[0]);
    expect((await reader.read()).value).toEqual(before[1]);
    expect((await reader.read()).value).toEqual(before[2]);
    await expect(reader.read()).rejects.toBeInstanceOf(error);
  });
});
