import { type ConversationState, createConversationState, reduce } from '@once/core';
import { createMessageWriter } from '@once/producer';
import {
  type ConversationId,
  type IncomingEvent,
  type JsonObject,
  type MessageSnapshot,
  newId,
  type Offset,
  type TurnId,
} from '@once/protocol';
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { convertArrayToReadableStream } from 'ai/test';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BlockDraft, messageOf } from '../../test/snapshots.ts';
import { contentOf, uiMessageStream } from '../../test/ui-message-streams.ts';
import { createUIChunkWriter } from '../ui-message/create-ui-chunk-writer.ts';
import { toUIMessages } from '../ui-message/to-ui-messages.ts';
import type { UIPartEvent } from '../ui-message/ui-part-events.ts';
import { createUIChunkProjector } from './create-ui-chunk-projector.ts';

/**
 * A Once conversation stream of one assistant message, written from a UI message stream
 * the way the daemon writes an AI SDK route's answer: blocks through the message writer,
 * step starts and data parts as app events in the same log. With `cutAt`, the stream
 * stops after that many chunks and the message ends `interrupted`, as after a daemon crash.
 */
async function onceStreamOf(chunks: readonly UIMessageChunk[], cutAt: number | undefined): Promise<IncomingEvent[]> {
  const conversationId = newId() as ConversationId;
  const drafts: Record<string, unknown>[] = [];
  const writer = createMessageWriter(
    { conversationId, role: 'assistant', turnId: newId() as TurnId },
    { append: async (written) => void drafts.push(...written) },
  );
  const emit = (type: string, data: JsonObject) =>
    drafts.push({
      stream: 'conversation',
      conversationId,
      type,
      ts: '2026-11-23T21:00:00.000Z',
      data,
      unknownType: true,
    });
  const chunkWriter = createUIChunkWriter({ writer, emit });
  for (const chunk of cutAt === undefined ? chunks : chunks.slice(0, cutAt)) chunkWriter.write(chunk);
  if (cutAt === undefined) {
    chunkWriter.settle();
    const ending = chunkWriter.ending ?? { status: 'complete' };
    await writer.complete(ending.status, 'error' in ending ? { error: ending.error } : {});
  } else {
    await writer.complete('interrupted');
  }
  return drafts.map((draft, index) => ({ ...draft, offset: (index + 1) as Offset }) as unknown as IncomingEvent);
}

/** Every state of the conversation, one per event, with the app events up to it. */
function foldStates(events: readonly IncomingEvent[]): { message?: MessageSnapshot; partEvents: UIPartEvent[] }[] {
  const first = events[0] as { conversationId: ConversationId };
  let state: ConversationState = createConversationState(first.conversationId);
  const partEvents: UIPartEvent[] = [];
  return events.map((event) => {
    state = reduce(state, event);
    if ('unknownType' in event) partEvents.push({ type: event.type, data: event.data });
    const message = state.messages[0];
    return { ...(message === undefined ? {} : { message }), partEvents: [...partEvents] };
  });
}

/** The message the AI SDK's own reader makes of the chunks. */
async function readByAiSdk(chunks: readonly UIMessageChunk[]): Promise<UIMessage> {
  let last: UIMessage | undefined;
  // A start-step alone makes readUIMessageStream emit no state; a closing metadata chunk makes it emit its last one.
  const nudge: UIMessageChunk = { type: 'message-metadata', messageMetadata: { end: true } };
  for await (const message of readUIMessageStream({ stream: convertArrayToReadableStream([...chunks, nudge]) })) {
    last = message;
  }
  return last as UIMessage;
}

const scenario = fc.record({
  chunks: uiMessageStream,
  /** Where a daemon crash cuts the stream, as a fraction of it; undefined: it ends as it says. */
  cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  /** The states (as fractions of the stream) a client happens to look at. */
  looks: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
  /** Where a fresh projector takes over, as a fraction of the looks. */
  resumeAt: fc.double({ min: 0, max: 1, noNaN: true }),
  readEvents: fc.boolean(),
});

describe('createUIChunkProjector', () => {
  it('streams a message, looked at any states, into exactly what toUIMessages gives for it; a fresh projector resumes at any of them', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ chunks, cut, looks, resumeAt, readEvents }) => {
        const cutAt = cut === undefined ? undefined : Math.round(cut * chunks.length);
        const states = foldStates(await onceStreamOf(chunks, cutAt));
        const last = states.at(-1) as { message: MessageSnapshot; partEvents: UIPartEvent[] };
        const seen = [...looks.map((look) => Math.floor(look * (states.length - 1))).sort((a, b) => a - b)];
        const events = (at: number) => (readEvents ? (states[at]?.partEvents ?? []) : undefined);
        const expected = toUIMessages([last.message], readEvents ? last.partEvents : undefined)[0] as UIMessage;

        const whole = createUIChunkProjector(last.message.id);
        const streamed: UIMessageChunk[] = [];
        const resumed = createUIChunkProjector(last.message.id);
        const resumedChunks: UIMessageChunk[] = [];
        const takeOver = Math.floor(resumeAt * seen.length);
        for (const [index, at] of [...seen, states.length - 1].entries()) {
          const message = states[at]?.message;
          if (message === undefined) continue;
          streamed.push(...whole.next(message, events(at)));
          if (index >= takeOver) resumedChunks.push(...resumed.next(message, events(at)));
        }

        for (const chunks of [streamed, resumedChunks]) {
          const shown = await readByAiSdk(structuredClone(chunks));
          expect(shown.id).toBe(last.message.id);
          expect(contentOf(shown)).toEqual(contentOf(expected));
          // Every text and reasoning part starts once.
          const starts = chunks.filter((chunk) => chunk.type === 'text-start' || chunk.type === 'reasoning-start');
          expect(new Set(starts.map((chunk) => chunk.id)).size).toBe(starts.length);
        }
        expect(whole.diverged).toBe(false);
        expect(whole.ended).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('returns the same chunks when told only of the text appended since the last look, whenever it takes that path', async () => {
    let shortcuts = 0;
    await fc.assert(
      fc.asyncProperty(scenario, fc.boolean(), async ({ chunks, cut, looks, readEvents }, dense) => {
        const cutAt = cut === undefined ? undefined : Math.round(cut * chunks.length);
        const events = await onceStreamOf(chunks, cutAt);
        const states = foldStates(events);
        // Some looks, or every state (one event apart: the daemon's reader keeping up).
        const seen = dense
          ? states.map((_, index) => index)
          : [...new Set([...looks.map((look) => Math.floor(look * (states.length - 1))), states.length - 1])];
        seen.sort((a, b) => a - b);
        const partEvents = (at: number) => (readEvents ? (states[at]?.partEvents ?? []) : undefined);
        const { id } = (states.at(-1) as { message: MessageSnapshot }).message;
        const plain = createUIChunkProjector(id);
        const told = createUIChunkProjector(id);
        let previous = -1;
        for (const at of seen) {
          const message = states[at]?.message;
          if (message === undefined) continue;
          const expected = plain.next(message, partEvents(at));
          // What a reader that folded the events since its last look knows without comparing.
          const between = events.slice(previous + 1, at + 1);
          previous = at;
          const deltas = between.every(
            (event) =>
              event.type === 'block_delta' &&
              'text' in (event.data as object) &&
              (event as { blockIndex: number }).blockIndex === message.blocks.length - 1,
          );
          const text = between.map((event) => (event.data as { text?: string }).text ?? '').join('');
          const shortcut = deltas && between.length > 0 ? told.appended(message, text) : undefined;
          if (shortcut !== undefined) shortcuts += 1;
          expect(shortcut === undefined ? told.next(message, partEvents(at)) : [shortcut]).toEqual(expected);
        }
        expect(told.ended).toBe(plain.ended);
      }),
      { numRuns: 300 },
    );
    // The shortcut was taken, not only refused.
    expect(shortcuts).toBeGreaterThan(0);
  });

  it('takes no shortcut when the text told does not fit the message: a closed block, a duplicate, a new block', () => {
    const open = messageOf('assistant', [{ type: 'text', status: 'open', text: 'Hello' }], 'streaming');
    const projector = createUIChunkProjector(open.id);
    projector.next(open);
    const grown = (text: string, extra: Partial<MessageSnapshot> = {}) =>
      ({ ...open, blocks: [{ ...open.blocks[0], text }], ...extra }) as MessageSnapshot;

    // A delta the reducer dropped as a duplicate leaves the text as it was.
    expect(projector.appended(grown('Hello'), ' wor')).toBeUndefined();
    expect(projector.appended(grown('Hello wor'), ' wor')).toEqual({ type: 'text-delta', id: 'text-0', delta: ' wor' });
    const closed = {
      ...open,
      blocks: [{ ...open.blocks[0], text: 'Hello world', status: 'closed' }],
    } as MessageSnapshot;
    expect(projector.appended(closed, 'ld')).toBeUndefined();
    const second = {
      ...open,
      blocks: [open.blocks[0], { type: 'text', status: 'open', text: 'x', index: 1 }],
    } as MessageSnapshot;
    expect(projector.appended(second, 'x')).toBeUndefined();
    expect(projector.appended(grown('Hello world', { status: 'complete' }), 'ld')).toBeUndefined();
    // Refusals changed nothing: the whole comparison still sends what is new.
    expect(projector.next(closed)).toEqual([
      { type: 'text-delta', id: 'text-0', delta: 'ld' },
      { type: 'text-end', id: 'text-0' },
    ]);
  });

  it('shows a native Once turn seen a few times as toUIMessages does: thinking, a denied call, an error, a surface, steps', async () => {
    const blocks: BlockDraft[] = [
      { type: 'thinking', status: 'closed', text: 'The user wants files.' },
      {
        type: 'tool_use',
        status: 'closed',
        toolName: 'rm',
        toolUseId: 'call-1',
        partialJson: '{"path":"/"}',
        input: { path: '/' },
      },
      {
        type: 'tool_result',
        status: 'closed',
        toolUseId: 'call-1',
        text: '',
        result: { denied: true, error: 'No.' },
        isError: true,
      },
      { type: 'surface', status: 'closed', surfaceId: 'card-1', surfaceType: 'card', data: { title: 'Files' } },
      { type: 'tool_use', status: 'closed', toolName: 'ls', toolUseId: 'call-2', partialJson: '{}', input: {} },
      { type: 'tool_result', status: 'closed', toolUseId: 'call-2', text: 'Permission denied', isError: true },
      { type: 'text', status: 'closed', text: 'I could not list them.' },
    ];
    const final = messageOf('assistant', blocks, 'complete');
    // The same message at three moments: two blocks in, with the call's JSON half streamed, then whole.
    const early = {
      ...final,
      status: 'streaming',
      blocks: [final.blocks[0], { ...final.blocks[1], status: 'open', partialJson: '{"pa', input: undefined }],
    } as MessageSnapshot;
    const middle = { ...final, status: 'streaming', blocks: final.blocks.slice(0, 5) } as MessageSnapshot;
    const projector = createUIChunkProjector(final.id);
    const chunks = [early, middle, final].flatMap((message) => projector.next(message));

    const shown = await readByAiSdk(chunks);
    expect(contentOf(shown)).toEqual(contentOf(toUIMessages([final])[0] as UIMessage));
    expect(chunks.filter((chunk) => chunk.type === 'tool-input-delta')).toEqual([
      { type: 'tool-input-delta', toolCallId: 'call-1', inputTextDelta: '{"pa' },
    ]);
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('says a message diverged when its text no longer starts with what was streamed, and rebuilds it whole', () => {
    const streaming = messageOf('assistant', [{ type: 'text', status: 'open', text: 'Hello wor' }], 'streaming');
    const projector = createUIChunkProjector(streaming.id);
    expect(projector.next(streaming)).toEqual([
      { type: 'start', messageId: streaming.id },
      { type: 'start-step' },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Hello wor' },
    ]);
    const restored = { ...streaming, blocks: [{ ...streaming.blocks[0], text: 'Hello' }] } as MessageSnapshot;

    expect(projector.next(restored)).toEqual([]);
    expect(projector.diverged).toBe(true);
    expect(projector.rebuild(restored)).toEqual([
      { type: 'start', messageId: streaming.id },
      { type: 'start-step' },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Hello' },
    ]);
    expect(projector.diverged).toBe(false);
  });

  it('ends the stream as the Chat should show it: finish, interrupted, abort on cancel, error with its text', () => {
    const ends = (status: MessageSnapshot['status'], extra: Partial<MessageSnapshot> = {}) => {
      const message = { ...messageOf('assistant', [], status), ...extra };
      return createUIChunkProjector(message.id).next(message).at(-1);
    };
    expect(ends('complete', { stopReason: 'max_tokens' })).toEqual({ type: 'finish', finishReason: 'length' });
    expect(ends('interrupted')).toEqual({ type: 'finish', finishReason: 'interrupted' });
    expect(ends('cancelled')).toMatchObject({ type: 'abort' });
    expect(ends('error', { error: { code: 'provider_error', message: 'The model is down.' } })).toEqual({
      type: 'error',
      errorText: 'The model is down.',
    });
  });
});
