import type { Offset } from '@once/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createManualTimers } from '../test/manual-timers.ts';
import {
  activityAt,
  CONVERSATION_ID,
  createScriptedTransport,
  emptySnapshot,
  orphanDeltaAt,
} from '../test/scripted-transport.ts';
import { openConversation } from './conversation-client.ts';
import { createDeliveryLog } from './delivery-log.ts';

function open(transport = createScriptedTransport(emptySnapshot(5))) {
  const conversation = openConversation(CONVERSATION_ID, {
    transport,
    timers: createManualTimers(),
    random: () => 0.5,
    now: () => 0,
  });
  return { transport, conversation };
}

describe('conversation.deliveries', () => {
  it('counts every delivery, the duplicates the store ignored, and where each attempt resumed', async () => {
    const { transport, conversation } = open();
    await vi.waitFor(() => expect(transport.streams).toHaveLength(1));
    // 6 and 7 are new; 6 again and 5 (the snapshot's own offset) are duplicate deliveries.
    transport.streams[0]?.push(activityAt(6), activityAt(6), activityAt(7), activityAt(5));
    await vi.waitFor(() => expect(conversation.deliveries.getSnapshot().received).toBe(4));
    // The socket breaks: the next attempt resumes after 7, without a snapshot.
    transport.streams[0]?.fail(new TypeError('fetch failed'));
    await vi.waitFor(() => expect(transport.streams).toHaveLength(2));
    transport.streams[1]?.push(activityAt(8));
    await vi.waitFor(() => expect(conversation.deliveries.getSnapshot().received).toBe(5));

    const log = conversation.deliveries.getSnapshot();
    expect({ applied: log.applied, duplicates: log.duplicates, refused: log.refused }).toEqual({
      applied: 3,
      duplicates: 2,
      refused: 0,
    });
    expect(log.recent.map(({ event, outcome }) => `${event.offset} ${outcome}`)).toEqual([
      '6 applied',
      '6 duplicate',
      '7 applied',
      '5 duplicate',
      '8 applied',
    ]);
    expect(log.resumes).toEqual([
      { afterOffset: 5, snapshot: true },
      { afterOffset: 7, snapshot: false },
    ]);
    expect(transport.streams.map((stream) => stream.afterOffset)).toEqual([5, 7]);
    conversation.close();
    await conversation.closed;
  });

  it('counts a refused event apart, and marks the attempt that refetched the snapshot', async () => {
    const { transport, conversation } = open();
    await vi.waitFor(() => expect(transport.streams).toHaveLength(1));
    transport.setSnapshot(emptySnapshot(9));
    // 7 refers to a message never opened: refused, so the next attempt refetches.
    transport.streams[0]?.push(activityAt(6), orphanDeltaAt(7));
    await vi.waitFor(() => expect(transport.streams).toHaveLength(2));

    const log = conversation.deliveries.getSnapshot();
    expect({ received: log.received, applied: log.applied, duplicates: log.duplicates, refused: log.refused }).toEqual({
      received: 2,
      applied: 1,
      duplicates: 0,
      refused: 1,
    });
    expect(log.resumes).toEqual([
      { afterOffset: 5, snapshot: true },
      { afterOffset: 9, snapshot: true },
    ]);
    conversation.close();
    await conversation.closed;
  });

  it('tells a watcher of each change, and keeps a new state object only after one', async () => {
    const { transport, conversation } = open();
    await vi.waitFor(() => expect(transport.streams).toHaveLength(1));
    const seen: number[] = [];
    const stop = conversation.deliveries.subscribe(() => seen.push(conversation.deliveries.getSnapshot().received));
    const before = conversation.deliveries.getSnapshot();
    expect(conversation.deliveries.getSnapshot()).toBe(before);
    transport.streams[0]?.push(activityAt(6), activityAt(7));
    await vi.waitFor(() => expect(seen).toEqual([1, 2]));
    stop();
    transport.streams[0]?.push(activityAt(8));
    await vi.waitFor(() => expect(conversation.deliveries.getSnapshot().received).toBe(3));
    expect(seen).toEqual([1, 2]);
    conversation.close();
    await conversation.closed;
  });
});

describe('createDeliveryLog', () => {
  it('keeps the last `limit` deliveries, oldest first, and says how many earlier ones it no longer shows', () => {
    const log = createDeliveryLog(3);
    for (let offset = 1; offset <= 5; offset += 1) {
      const item = activityAt(offset);
      if (item.kind === 'event') log.delivered(item.event, 'applied');
    }
    log.following(0 as Offset, true);
    const state = log.getSnapshot();
    expect(state.recent.map(({ event }) => event.offset)).toEqual([3, 4, 5]);
    expect({ received: state.received, earlier: state.earlier, earlierResumes: state.earlierResumes }).toEqual({
      received: 5,
      earlier: 2,
      earlierResumes: 0,
    });
  });

  it('refuses a limit that could keep nothing', () => {
    expect(() => createDeliveryLog(0)).toThrow('A delivery log keeps at least 1 item; got 0.');
  });
});
