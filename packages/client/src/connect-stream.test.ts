import { createMessageStore } from '@once/core';
import { describe, expect, it, vi } from 'vitest';
import { createManualTimers } from '../test/manual-timers.ts';
import {
  activityAt,
  CONVERSATION_ID,
  createScriptedTransport,
  emptySnapshot,
  orphanDeltaAt,
} from '../test/scripted-transport.ts';
import { connectStream } from './connect-stream.ts';
import type { NetworkEvents } from './network-status.ts';

const HEARTBEAT_MS = 1_000;

function setUp(options: { network?: NetworkEvents } = {}) {
  const timers = createManualTimers();
  const transport = createScriptedTransport(emptySnapshot(5));
  const store = createMessageStore({ conversationId: CONVERSATION_ID });
  const connection = connectStream({
    transport,
    store,
    timers,
    random: () => 0.5,
    heartbeatMs: HEARTBEAT_MS,
    backoff: { initialMs: 100, maxMs: 800 },
    ...options,
  });
  const streamNumber = async (count: number) => {
    await vi.waitFor(() => expect(transport.streams).toHaveLength(count));
    const stream = transport.streams[count - 1];
    if (stream === undefined) throw new Error('unreachable');
    return stream;
  };
  return { timers, transport, store, connection, streamNumber };
}

describe('connectStream', () => {
  it('bootstraps from the snapshot, goes live on ready, and resumes after the last applied offset', async () => {
    const { transport, store, connection, streamNumber } = setUp();
    const first = await streamNumber(1);
    expect(first.afterOffset).toBe(5);
    expect(connection.state.getSnapshot().status).toBe('connecting');
    first.push(activityAt(6), { kind: 'ready', offset: 6 as never }, activityAt(7));
    await vi.waitFor(() => expect(store.getSnapshot().offset).toBe(7));
    expect(connection.state.getSnapshot().status).toBe('live');

    first.fail(new TypeError('socket hang up'));
    const second = await streamNumber(2);
    expect(second.afterOffset).toBe(7);
    expect(transport.snapshotsServed()).toBe(1);
    expect(connection.state.getSnapshot()).toMatchObject({ status: 'reconnecting', lastError: expect.any(TypeError) });
    connection.close();
    await connection.done;
  });

  it('reconnects when the stream is silent for two heartbeat intervals, not before, and at most half an interval later', async () => {
    const { timers, connection, streamNumber } = setUp();
    const first = await streamNumber(1);
    first.push({ kind: 'ready', offset: 5 as never });
    await vi.waitFor(() => expect(connection.state.getSnapshot().status).toBe('live'));
    for (let beat = 0; beat < 10; beat += 1) {
      timers.advance(HEARTBEAT_MS);
      first.push({ kind: 'heartbeat' });
      await readByTheLoop();
    }
    // However many items arrive, the watchdog keeps one timer.
    expect(timers.pending()).toHaveLength(1);
    timers.advance(2 * HEARTBEAT_MS - 1);
    expect(first.signal.aborted).toBe(false);
    timers.advance(HEARTBEAT_MS / 2 + 1);
    expect(first.signal.aborted).toBe(true);
    const second = await streamNumber(2);
    expect(second.afterOffset).toBe(5);
    connection.close();
    await connection.done;
  });

  it('backs off exponentially while attempts make no progress, and at once after progress', async () => {
    const { timers, connection, streamNumber } = setUp();
    (await streamNumber(1)).fail(new TypeError('connection refused'));
    await vi.waitFor(() => expect(timers.pending()).toEqual([75]));
    timers.advance(75);
    (await streamNumber(2)).fail(new TypeError('connection refused'));
    await vi.waitFor(() => expect(timers.pending()).toEqual([150]));
    timers.advance(150);
    const third = await streamNumber(3);
    third.push(activityAt(6));
    third.fail(new TypeError('socket hang up'));
    await streamNumber(4);
    expect(connection.state.getSnapshot().failures).toBe(0);
    connection.close();
    await connection.done;
  });

  it('resumes after its own offset on an offset gap, and refetches the snapshot on a sequence gap or a reset', async () => {
    const { timers, transport, store, connection, streamNumber } = setUp();
    (await streamNumber(1)).push(activityAt(6), activityAt(9));
    expect((await streamNumber(2)).afterOffset).toBe(6);
    expect(store.getSnapshot().resync).toMatchObject({ reason: 'offset_gap', afterOffset: 6 });

    transport.setSnapshot(emptySnapshot(20));
    (transport.streams[1] ?? expect.unreachable()).push(activityAt(7), orphanDeltaAt(8));
    expect((await streamNumber(3)).afterOffset).toBe(20);
    expect(transport.snapshotsServed()).toBe(2);
    expect(store.getSnapshot().resync).toBeUndefined();

    transport.setSnapshot(emptySnapshot(3));
    (transport.streams[2] ?? expect.unreachable()).push({ kind: 'reset', offset: 3 as never });
    // A reset that applied nothing counts as no progress: it waits the first backoff step.
    await vi.waitFor(() => expect(timers.pending()).toEqual([75]));
    timers.advance(75);
    expect((await streamNumber(4)).afterOffset).toBe(3);
    expect(transport.snapshotsServed()).toBe(3);
    connection.close();
    await connection.done;
  });

  it('resumes after its own offset when a heartbeat names an event it never got, and not otherwise', async () => {
    const { transport, store, connection, streamNumber } = setUp();
    const first = await streamNumber(1);
    first.push(activityAt(6), { kind: 'heartbeat', sent: 6 as never }, { kind: 'heartbeat' });
    await vi.waitFor(() => expect(store.getSnapshot().offset).toBe(6));
    // The last event (7) is lost on the way; nothing follows it but a heartbeat.
    first.push({ kind: 'heartbeat', sent: 7 as never });
    expect((await streamNumber(2)).afterOffset).toBe(6);
    expect(transport.snapshotsServed()).toBe(1);
    connection.close();
    await connection.done;
  });

  it('waits while offline and comes back when online', async () => {
    const network = new EventTarget() as unknown as NetworkEvents & EventTarget;
    const { connection, streamNumber } = setUp({ network });
    const first = await streamNumber(1);
    network.dispatchEvent(new Event('offline'));
    expect(first.signal.aborted).toBe(true);
    await vi.waitFor(() => expect(connection.state.getSnapshot().status).toBe('offline'));
    network.dispatchEvent(new Event('online'));
    const second = await streamNumber(2);
    second.push({ kind: 'ready', offset: 5 as never });
    await vi.waitFor(() => expect(connection.state.getSnapshot().status).toBe('live'));
    connection.close();
    await connection.done;
  });

  it('closes cleanly: aborts the stream, leaves no timer, and ends closed', async () => {
    const { timers, connection, streamNumber } = setUp();
    const first = await streamNumber(1);
    connection.close();
    await connection.done;
    expect(first.signal.aborted).toBe(true);
    expect(timers.pending()).toEqual([]);
    expect(connection.state.getSnapshot().status).toBe('closed');
  });

  it('stops for good on an error retrying cannot fix, and says why', async () => {
    const { connection, streamNumber } = setUp();
    const { OnceError } = await import('@once/protocol');
    (await streamNumber(1)).fail(new OnceError('unauthorized', 'That token is not known to this daemon.'));
    await connection.done;
    expect(connection.state.getSnapshot()).toMatchObject({
      status: 'closed',
      lastError: { code: 'unauthorized' },
    });
  });
});

/** Waits until the connection loop has taken what was pushed (every microtask has run). */
function readByTheLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
