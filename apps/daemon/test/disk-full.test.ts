import type { IncomingEvent } from '@once/protocol';
import {
  createDaemonClient,
  expectExactTranscript,
  mountTmpfs,
  offsetsOf,
  openEventStream,
  readConversation,
  readUntilTurnEnds,
  startDaemon,
  stopLeftoverDaemons,
  whyNoMount,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { expectSendRefused, historyOf, waitForLog } from './storage-checks.ts';

// Each test mounts an 8 MiB tmpfs as the daemon's data dir and fills it with a filler file.
const DISK_BYTES = 8 * 1024 * 1024;
const QUICK_DEMO = ['--demo-delay-ms', '1', '--demo-tokens', '20'];
// About 400 tokens 10 ms apart: the answer streams for about four seconds.
const SLOW_DEMO = ['--demo-delay-ms', '10', '--demo-tokens', '400'];

const noMount = await whyNoMount();
const title = (name: string) => (noMount === undefined ? name : `${name} (skipped: ${noMount})`);

afterEach(stopLeftoverDaemons);

describe.skipIf(noMount !== undefined)(title('a daemon whose data dir fills up'), () => {
  it('refuses a send with 507 storage_full while reads keep working, takes it once space returns, and keeps every committed event', async () => {
    await using disk = await mountTmpfs(DISK_BYTES);
    await using daemon = await startDaemon({ dataDir: disk.directory, flags: QUICK_DEMO });
    const client = createDaemonClient(daemon.url);
    const conversationId = await client.createConversation();
    await client.sendMessage(conversationId, 'Before the disk fills.');
    const before = await readConversation(client, conversationId);

    await disk.fill();
    await expectSendRefused(client, conversationId, 'storage_full', disk.directory);
    // Nothing half-written: the snapshot, history and a live stream are what they were.
    expect(await client.getSnapshot(conversationId)).toStrictEqual(before.snapshot);
    expect(await historyOf(client, conversationId)).toStrictEqual(before.events);
    const replayed = await readConversation(client, conversationId);
    expect(replayed.events).toStrictEqual(before.events);
    const created = await client.request('POST', '/v1/conversations', { body: {} });
    expect(created.status).toBe(507);
    expect((await client.request('GET', '/v1/health')).status).toBe(200);

    // Space returns: the next send works, no restart, at the offset right after the last one.
    await disk.free();
    const { userMessageId } = await client.sendMessage(conversationId, 'After the space returned.');
    const after = await readConversation(client, conversationId, 2);
    expect(after.events.slice(0, before.events.length)).toStrictEqual(before.events);
    const firstNew = after.events[before.events.length];
    expect(firstNew?.offset).toBe(before.snapshot.offset + 1);
    expect(firstNew).toMatchObject({ type: 'message_open', messageId: userMessageId });
    expectExactTranscript(conversationId, after.events, after.snapshot);
    expect(after.snapshot.messages.map((message) => message.status)).toStrictEqual([
      'complete',
      'complete',
      'complete',
      'complete',
    ]);

    // Nothing committed is damaged: a restart on the same dir serves the same conversation.
    await daemon.kill('SIGKILL');
    await daemon.restart();
    expect(await client.getSnapshot(conversationId)).toStrictEqual(after.snapshot);
    expect(await historyOf(client, conversationId)).toStrictEqual(after.events);
  }, 60_000);

  it('keeps running when the disk fills mid-turn, shows only committed events, and closes the message once space returns', async () => {
    await using disk = await mountTmpfs(DISK_BYTES);
    await using daemon = await startDaemon({ dataDir: disk.directory, flags: SLOW_DEMO });
    const client = createDaemonClient(daemon.url);
    const conversationId = await client.createConversation();
    await client.sendMessage(conversationId, 'Tell me a long story.');
    await using stream = await openEventStream(client.eventsUrl(conversationId));
    const received: IncomingEvent[] = [];
    // The user message (5 events), turn_start, activity, message_open, then text.
    while (received.filter((event) => event.type === 'block_delta').length < 15) {
      const message = await stream.next();
      if (message?.event !== undefined) received.push(message.event);
    }

    await disk.fill();
    await waitForLog(daemon, 'a turn failed');
    await expectSendRefused(client, conversationId, 'storage_full', disk.directory);
    expect((await client.request('GET', '/v1/health')).status).toBe(200);
    // What the live stream showed was committed, and what is committed reads back whole.
    const committed = await historyOf(client, conversationId);
    expect(offsetsOf(committed)).toStrictEqual(committed.map((_, index) => index + 1));
    expect(committed.slice(0, received.length)).toStrictEqual(received);
    const stalled = await client.getSnapshot(conversationId);
    expect(stalled.offset).toBe(committed.length);
    expect(stalled.messages.map((message) => message.status)).toStrictEqual(['complete', 'streaming']);

    // Space returns: the daemon closes the message on its own, as recovery closes one.
    await disk.free();
    const closed = await readUntilTurnEnds(stream, received, () => client.getSnapshot(conversationId));
    expectExactTranscript(conversationId, received, closed);
    expect(received.slice(0, committed.length)).toStrictEqual(committed);
    const assistant = closed.messages[1];
    expect(assistant?.status).toBe('interrupted');
    expect(assistant?.blocks).toStrictEqual(
      stalled.messages[1]?.blocks.map((block) => ({ ...block, status: 'closed' })),
    );
    expect(received.filter((event) => event.type === 'turn_end').map((event) => event.data)).toMatchObject([
      { reason: 'interrupted' },
    ]);

    // New sends work again without a restart, and a restart finds everything intact.
    await client.sendMessage(conversationId, 'And now?');
    const answered = await readUntilTurnEnds(stream, received, () => client.getSnapshot(conversationId), 2);
    expectExactTranscript(conversationId, received, answered);
    expect(answered.messages.at(-1)?.status).toBe('complete');
    await stream.close();
    await daemon.kill('SIGKILL');
    await daemon.restart();
    expect(await client.getSnapshot(conversationId)).toStrictEqual(answered);
    expect(await historyOf(client, conversationId)).toStrictEqual(received);
  }, 90_000);

  it('will not start on a full data dir: it exits at once with one line naming the directory', async () => {
    await using disk = await mountTmpfs(DISK_BYTES);
    await disk.fill();
    const started = startDaemon({ dataDir: disk.directory });
    await expect(started).rejects.toThrow(/exited before it was ready \(exit code 2\)/);
    const output = String(await started.catch((error: Error) => error.message))
      .split('\n')
      .slice(1);
    expect(output).toStrictEqual([
      `once: The disk holding the data directory ${disk.directory} is full; Once writes its event log there. Free some space there (or pass another --data-dir) and start it again.`,
    ]);
    await disk.free();
    await using daemon = await startDaemon({ dataDir: disk.directory });
    expect((await createDaemonClient(daemon.url).request('GET', '/v1/health')).status).toBe(200);
  }, 60_000);
});
