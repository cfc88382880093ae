import {
  type ConversationId,
  type IncomingEvent,
  type MessageEvent,
  type MessageSnapshot,
  newId,
  OnceError,
  type TurnId,
} from '@once/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMessageWriter, resumeMessageWriter } from '../src/index.ts';
import { recordAppends } from './recorded-appends.ts';

const conversationId = newId() as ConversationId;
const turnId = newId() as TurnId;
const assistant = { conversationId, role: 'assistant', turnId } as const;

const scoped = (events: readonly IncomingEvent[]) => events.filter((event): event is MessageEvent => 'seq' in event);
const seqsByBlock = (events: readonly IncomingEvent[]) => {
  const seqs: Record<number, number[]> = {};
  for (const event of scoped(events)) {
    seqs[event.blockIndex] = [...(seqs[event.blockIndex] ?? []), event.seq];
  }
  return seqs;
};
const deltas = (events: readonly IncomingEvent[]) =>
  events
    .filter((event) => event.type === 'block_delta')
    .map((event) => [(event as MessageEvent).blockIndex, event.data]);

describe('MessageWriter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('numbers each block’s events 1, 2, 3, … and the message’s own events under block -1', async () => {
    const log = recordAppends(conversationId);
    const writer = createMessageWriter(assistant, { append: log.append });
    const text = writer.openBlock({ blockType: 'text' });
    for (const word of ['one ', 'two ', 'three']) writer.appendDelta(text, { text: word });
    writer.closeBlock(text);
    const tool = writer.openBlock({ blockType: 'tool_use', toolName: 'clock', toolUseId: 'toolu_1' });
    writer.appendDelta(tool, { partialJson: '{"timeZone":' });
    writer.appendDelta(tool, { partialJson: '"UTC"}' });
    writer.closeBlock(tool, { input: { timeZone: 'UTC' } });
    await writer.complete('complete');

    expect([text, tool]).toEqual([0, 1]);
    expect(seqsByBlock(log.events())).toEqual({ '-1': [1, 2], 0: [1, 2, 3, 4, 5], 1: [1, 2, 3, 4] });
    expect(new Set(scoped(log.events()).map((event) => event.messageId))).toEqual(new Set([writer.messageId]));
  });

  it('ends with exactly one message_complete whose message equals the fold of the events', async () => {
    const log = recordAppends(conversationId);
    const writer = createMessageWriter(assistant, { append: log.append });
    const text = writer.openBlock({ blockType: 'text' });
    writer.appendDelta(text, { text: 'It is ' });
    writer.appendDelta(text, { text: 'noon.' });
    writer.closeBlock(text);
    const surface = writer.openBlock({ blockType: 'surface', surfaceId: 'card_1', surfaceType: 'card' });
    writer.appendDelta(surface, { patch: { title: 'Clock' } });
    const returned = await writer.complete('complete', {
      stopReason: 'end_turn',
      usage: { inputTokens: 3, outputTokens: 4 },
    });

    const completes = log.events().filter((event) => event.type === 'message_complete');
    expect(completes).toHaveLength(1);
    expect(log.events().at(-1)?.type).toBe('message_complete');
    const folded = log.fold().messages[0] as MessageSnapshot;
    expect(folded).toMatchObject({
      status: 'complete',
      stopReason: 'end_turn',
      usage: { inputTokens: 3, outputTokens: 4 },
    });
    expect(folded.blocks.map((block) => ('text' in block ? block.text : block.type))).toEqual([
      'It is noon.',
      'surface',
    ]);
    expect(completes[0]?.data).toMatchObject({ status: 'complete', message: folded });
    expect((completes[0]?.data as { message?: MessageSnapshot } | undefined)?.message).toEqual(folded);
    expect(returned).toEqual(folded);
    expect(writer.completed).toBe(true);
  });

  it('closes blocks still open when the message completes', async () => {
    const log = recordAppends(conversationId);
    const writer = createMessageWriter(assistant, { append: log.append });
    const text = writer.openBlock({ blockType: 'text' });
    writer.appendDelta(text, { text: 'Half a sent' });
    writer.openBlock({ blockType: 'tool_use', toolName: 'clock', toolUseId: 'toolu_2' });
    const message = await writer.complete('cancelled');

    expect(message.blocks.map((block) => block.status)).toEqual(['closed', 'closed']);
    expect(message.blocks[0]).toMatchObject({ text: 'Half a sent' });
    const tail = log.events().slice(-3);
    expect(tail.map((event) => [event.type, (event as MessageEvent).blockIndex])).toEqual([
      ['block_close', 0],
      ['block_close', 1],
      ['message_complete', -1],
    ]);
    expect(log.fold().messages[0]).toEqual(message);
  });

  it('refuses every write after complete, and writes nothing for them', async () => {
    const log = recordAppends(conversationId);
    const writer = createMessageWriter(assistant, { append: log.append });
    const text = writer.openBlock({ blockType: 'text' });
    await writer.complete('complete');
    const written = log.events().length;

    const refusals = [
      () => writer.openBlock({ blockType: 'text' }),
      () => writer.appendDelta(text, { text: 'late' }),
      () => writer.closeBlock(text),
    ];
    for (const refused of refusals) expect(refused).toThrow(/already complete/);
    await expect(writer.complete('complete')).rejects.toBeInstanceOf(OnceError);
    expect(log.events()).toHaveLength(written);
  });

  it('refuses a delta or close for a block that is not open at once, also when deltas are coalesced', async () => {
    vi.useFakeTimers();
    for (const coalesceMs of [0, 50]) {
      const log = recordAppends(conversationId);
      const writer = createMessageWriter(assistant, { append: log.append, coalesceMs });
      const text = writer.openBlock({ blockType: 'text' });
      writer.closeBlock(text);
      expect(() => writer.appendDelta(text, { text: 'too late' }), `coalesceMs ${coalesceMs}`).toThrow(/block 0/);
      expect(() => writer.appendDelta(7, { text: 'nowhere' }), `coalesceMs ${coalesceMs}`).toThrow(/block 7/);
      expect(() => writer.closeBlock(text), `coalesceMs ${coalesceMs}`).toThrow(/block 0/);
      await vi.advanceTimersByTimeAsync(100);
      const message = await writer.complete('complete');
      expect(message.blocks).toEqual([{ index: 0, type: 'text', status: 'closed', text: '' }]);
      expect(deltas(log.events())).toEqual([]);
    }
  });

  it('reports a failed append on flush and refuses to write after it', async () => {
    const writer = createMessageWriter(assistant, {
      append: async () => {
        throw new Error('disk full');
      },
    });
    await expect(writer.flush()).rejects.toMatchObject({ code: 'unavailable' });
    expect(() => writer.openBlock({ blockType: 'text' })).toThrow(/failed/);
  });

  it('with coalesceMs merges consecutive text deltas of one block into one event', async () => {
    vi.useFakeTimers();
    const log = recordAppends(conversationId);
    const writer = createMessageWriter(assistant, { append: log.append, coalesceMs: 50 });
    const text = writer.openBlock({ blockType: 'text' });
    for (const word of ['Hel', 'lo, ', 'world']) writer.appendDelta(text, { text: word });
    expect(deltas(log.events())).toEqual([]);

    await vi.advanceTimersByTimeAsync(50);
    expect(deltas(log.events())).toEqual([[0, { text: 'Hello, world' }]]);

    writer.appendDelta(text, { text: '!' });
    await vi.advanceTimersByTimeAsync(50);
    expect(deltas(log.events())).toEqual([
      [0, { text: 'Hello, world' }],
      [0, { text: '!' }],
    ]);
    const tool = writer.openBlock({ blockType: 'tool_use', toolName: 'clock', toolUseId: 'toolu_3' });
    writer.appendDelta(tool, { partialJson: '{"timeZone"' });
    writer.appendDelta(tool, { partialJson: ':"UTC"}' });
    const message = await writer.complete('complete');
    expect(deltas(log.events()).slice(2)).toEqual([[1, { partialJson: '{"timeZone":"UTC"}' }]]);
    expect(
      message.blocks.map((block) =>
        'text' in block ? block.text : block.type === 'tool_use' ? block.partialJson : block.type,
      ),
    ).toEqual(['Hello, world!', '{"timeZone":"UTC"}']);
    expect(seqsByBlock(log.events())).toEqual({ '-1': [1, 2], 0: [1, 2, 3, 4], 1: [1, 2, 3] });
  });

  it("with coalesceMs 'batch' holds a block's deltas until sendHeldDeltas or another event, and no timer sends them", async () => {
    const log = recordAppends(conversationId);
    const writer = createMessageWriter(assistant, { append: log.append, coalesceMs: 'batch' });
    const text = writer.openBlock({ blockType: 'text' });
    for (const word of ['Hel', 'lo, ', 'world']) writer.appendDelta(text, { text: word });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(deltas(log.events())).toEqual([]);

    writer.sendHeldDeltas();
    // Written now: an event the caller writes next (not through the writer) follows them.
    expect(deltas(log.events())).toEqual([[0, { text: 'Hello, world' }]]);
    writer.sendHeldDeltas();
    writer.appendDelta(text, { text: '!' });
    writer.sendHeldDeltas();
    writer.appendDelta(text, { text: ' Bye' });
    writer.closeBlock(text);
    const message = await writer.complete('complete');
    expect(deltas(log.events())).toEqual([
      [0, { text: 'Hello, world' }],
      [0, { text: '!' }],
      [0, { text: ' Bye' }],
    ]);
    expect(message.blocks).toMatchObject([{ text: 'Hello, world! Bye' }]);
    expect(log.events().map((event) => event.type)).toEqual([
      'message_open',
      'block_open',
      'block_delta',
      'block_delta',
      'block_delta',
      'block_close',
      'message_complete',
    ]);
  });

  it('with coalesceMs never merges across blocks, and passes surface patches through one by one', async () => {
    vi.useFakeTimers();
    const log = recordAppends(conversationId);
    const writer = createMessageWriter(assistant, { append: log.append, coalesceMs: 50 });
    const first = writer.openBlock({ blockType: 'text' });
    const second = writer.openBlock({ blockType: 'thinking' });
    const surface = writer.openBlock({ blockType: 'surface', surfaceId: 'card_1', surfaceType: 'card' });
    writer.appendDelta(first, { text: 'a' });
    writer.appendDelta(second, { text: 'b' });
    writer.appendDelta(first, { text: 'c' });
    writer.appendDelta(surface, { patch: { count: 1 } });
    writer.appendDelta(surface, { patch: { label: 'x' } });
    writer.appendDelta(first, { text: 'd' });
    await vi.advanceTimersByTimeAsync(50);

    expect(deltas(log.events())).toEqual([
      [0, { text: 'a' }],
      [1, { text: 'b' }],
      [0, { text: 'c' }],
      [2, { patch: { count: 1 } }],
      [2, { patch: { label: 'x' } }],
      [0, { text: 'd' }],
    ]);
    const message = await writer.complete('complete');
    expect(
      message.blocks.map((block) =>
        'text' in block ? block.text : block.type === 'surface' ? block.data : block.type,
      ),
    ).toEqual(['acd', 'b', { count: 1, label: 'x' }]);
  });

  it('resumeMessageWriter continues a message from its snapshot with the next seq of each block', async () => {
    const log = recordAppends(conversationId);
    const writer = createMessageWriter(assistant, { append: log.append });
    const text = writer.openBlock({ blockType: 'text' });
    writer.appendDelta(text, { text: 'Before the crash, ' });
    await writer.flush();
    const streaming = log.fold().messages[0] as MessageSnapshot;
    expect(streaming.status).toBe('streaming');

    const resumed = resumeMessageWriter(streaming, { append: log.append });
    expect(resumed.messageId).toBe(writer.messageId);
    resumed.appendDelta(text, { text: 'after it.' });
    const message = await resumed.complete('interrupted');

    expect(seqsByBlock(log.events())).toEqual({ '-1': [1, 2], 0: [1, 2, 3, 4] });
    const folded = log.fold();
    expect(folded.resync).toBeUndefined();
    expect(folded.messages).toEqual([message]);
    expect(message).toMatchObject({
      status: 'interrupted',
      blocks: [{ status: 'closed', text: 'Before the crash, after it.' }],
    });
  });
});
