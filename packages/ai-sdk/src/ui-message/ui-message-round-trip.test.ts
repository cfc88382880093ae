import { createMessageWriter } from '@once/producer';
import { type ConversationEventDraft, type ConversationId, type JsonObject, newId, type TurnId } from '@once/protocol';
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { convertArrayToReadableStream } from 'ai/test';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentOf, uiMessageStream } from '../../test/ui-message-streams.ts';
import { createUIChunkWriter } from './create-ui-chunk-writer.ts';
import { toUIMessages } from './to-ui-messages.ts';
import type { UIPartEvent } from './ui-part-events.ts';

/** Writes the chunks into a Once message on an in-memory log; returns the message as toUIMessages reads it back. */
async function throughOnce(chunks: readonly UIMessageChunk[]) {
  const log: ConversationEventDraft[] = [];
  const events: UIPartEvent[] = [];
  const writer = createMessageWriter(
    { conversationId: newId() as ConversationId, role: 'assistant', turnId: newId() as TurnId },
    {
      append: async (drafts) => {
        log.push(...drafts);
      },
    },
  );
  const chunkWriter = createUIChunkWriter({
    writer,
    emit: (type: string, data: JsonObject) => events.push({ type, data }),
  });
  for (const chunk of chunks) chunkWriter.write(chunk);
  chunkWriter.settle();
  const ending = chunkWriter.ending ?? { status: 'error', error: { code: 'provider_error', message: 'no end' } };
  const snapshot = await writer.complete(ending.status, {
    ...('stopReason' in ending && ending.stopReason !== undefined ? { stopReason: ending.stopReason } : {}),
    ...('error' in ending ? { error: ending.error } : {}),
  });
  const [message] = toUIMessages([snapshot], events);
  return { snapshot, message: message as UIMessage, events, log };
}

/** The message the AI SDK's own reader makes of the chunks. */
async function throughAiSdk(chunks: readonly UIMessageChunk[]): Promise<UIMessage | undefined> {
  let last: UIMessage | undefined;
  // readUIMessageStream emits a state only on chunks that change what it shows, and a
  // start-step alone does not; a closing metadata chunk makes it emit its final state.
  const nudge: UIMessageChunk = { type: 'message-metadata', messageMetadata: { end: true } };
  // A copy: the reader keeps data chunks as parts and updates them in place.
  const stream = convertArrayToReadableStream([...structuredClone(chunks), nudge]);
  for await (const message of readUIMessageStream({ stream })) {
    last = message;
  }
  return last;
}

describe('a UI message stream written through Once', () => {
  it('reads back as the UIMessage the AI SDK builds from the same stream', async () => {
    await fc.assert(
      fc.asyncProperty(uiMessageStream, async (chunks) => {
        const once = await throughOnce(chunks);
        const expected = await throughAiSdk(chunks);
        expect(contentOf(once.message)).toEqual(contentOf(expected as UIMessage));
        expect(once.message.id).toBe(once.snapshot.id);
        expect(once.message.role).toBe('assistant');
      }),
      { numRuns: 300 },
    );
  });

  it('ends the message as the stream said: finish → complete, abort → cancelled, error → error with its text', async () => {
    await fc.assert(
      fc.asyncProperty(uiMessageStream, async (chunks) => {
        const { snapshot } = await throughOnce(chunks);
        const last = chunks.at(-1);
        if (last?.type === 'finish') expect(snapshot.status).toBe('complete');
        if (last?.type === 'abort') expect(snapshot.status).toBe('cancelled');
        if (last?.type === 'error') {
          expect(snapshot.status).toBe('error');
          expect(snapshot.error?.message).toBe(last.errorText);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a data part sent again under its id is one part: its first place, its last data', async () => {
    const chunks: UIMessageChunk[] = [
      { type: 'start' },
      { type: 'data-weather', id: 'w', data: { status: 'loading' } },
      { type: 'text-start', id: '0' },
      { type: 'text-delta', id: '0', delta: 'Sunny.' },
      { type: 'text-end', id: '0' },
      { type: 'data-weather', id: 'w', data: { status: 'done', celsius: 21 } },
      { type: 'finish', finishReason: 'stop' },
    ];
    const { message, events, snapshot } = await throughOnce(chunks);

    expect(message.parts).toEqual([
      { type: 'data-weather', id: 'w', data: { status: 'done', celsius: 21 } },
      { type: 'text', text: 'Sunny.', state: 'done' },
    ]);
    // Both values are in the log, in order, as app-defined events a reader folds.
    expect(events).toEqual([
      {
        type: 'data_weather',
        data: { messageId: snapshot.id, beforeBlock: 0, name: 'weather', id: 'w', data: { status: 'loading' } },
      },
      {
        type: 'data_weather',
        data: {
          messageId: snapshot.id,
          beforeBlock: 1,
          name: 'weather',
          id: 'w',
          data: { status: 'done', celsius: 21 },
        },
      },
    ]);
    expect(snapshot.stopReason).toBe('end_turn');
  });

  it('a delta for a text part that never started is refused with a sentence naming it', async () => {
    await expect(throughOnce([{ type: 'start' }, { type: 'text-delta', id: 'x', delta: 'hi' }])).rejects.toThrow(
      'text-delta for "x" came before its start.',
    );
  });
});
