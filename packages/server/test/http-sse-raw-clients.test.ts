import { watchEventSource } from '@once/testing';
import { EventSource } from 'eventsource';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEAD_TIMEOUT_MS } from '../src/event-stream/event-stream-server.ts';
import { DEFAULT_ACCOUNT } from '../src/index.ts';
import { type ApiFixture, startApi } from './support/api-fixture.ts';
import { connectRaw, getHead } from './support/raw-connection.ts';
import { parseFrames } from './support/sse-reader.ts';

// Real clients on the raw-socket path (event-stream/event-stream-server.ts).
let api: ApiFixture;
beforeEach(async () => {
  api = await startApi();
});
afterEach(async () => {
  await api.close();
});

describe('clients of raw-socket event streams', () => {
  it('a plain EventSource reads the account stream raw, and resumes by itself when the stream ends', async () => {
    // Its first request is this test's first connection: nothing for fetch to reuse.
    const source = new EventSource(`${api.url}/v1/account/events`);
    using _ = { [Symbol.dispose]: () => source.close() };
    const offsets: number[] = [];
    const watch = watchEventSource(source, (message) => offsets.push(Number(message.lastEventId)));
    const { until } = watch;
    await until(() => watch.readies === 1);
    for (let index = 0; index < 3; index += 1) await api.service.create(DEFAULT_ACCOUNT, `first ${index}`);
    let head = await api.accountHead();
    await until(() => offsets.length === head);

    // As a stopping daemon does: the stream ends, the client comes back with Last-Event-ID.
    api.endStreams();
    await until(() => watch.readies === 2);
    for (let index = 0; index < 2; index += 1) await api.service.create(DEFAULT_ACCOUNT, `second ${index}`);
    head = await api.accountHead();
    await until(() => offsets.length >= head);

    expect(offsets).toEqual(Array.from({ length: head }, (_, index) => index + 1));
    expect(await api.streamsOpened()).toEqual({ socket: 2, http: 0 });
  });

  it('closing the server ends raw streams, and connections still sending their first head, at once', async () => {
    await using stream = await connectRaw(api.url);
    await stream.write(getHead('/v1/account/events'));
    await stream.until((text) => text.includes('event: ready\n'));
    await using slow = await connectRaw(api.url);
    await slow.write('GET /v1/acc');
    const started = performance.now();
    // node:http does not know these connections: Fastify's close would wait for them forever.
    await api.app.close();
    expect(performance.now() - started).toBeLessThan(HEAD_TIMEOUT_MS);
    await stream.closed();
    await slow.closed();
    expect(slow.received).toBe('');
  });

  it('a client that stops reading gets every event once it reads again', async () => {
    const id = await api.createConversation();
    const writer = api.assistantWriter(id);
    const block = writer.openBlock({ blockType: 'text' });
    // About 35 MB of frames: far more than the socket buffers on both sides hold.
    const text = 'x'.repeat(1000);
    for (let index = 0; index < 16_000; index += 1) writer.appendDelta(block, { text });
    await writer.complete('complete');
    const head = await api.conversationHead(id);

    await using raw = await connectRaw(api.url);
    raw.pause();
    await raw.write(getHead(`/v1/conversations/${id}/events`));
    // The daemon writes until the socket is full, then waits for it to drain: it holds at
    // most one batch (500 events) beyond what the kernel's buffers took, never the stream.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await api.streamsOpened()).toEqual({ socket: 1, http: 0 });
    const sentWhilePaused = await api.eventsSent();
    expect(sentWhilePaused).toBeGreaterThan(0);
    expect(sentWhilePaused).toBeLessThan(head / 2);
    raw.resume();
    // Ready comes last, once the replay caught up.
    await raw.untilTail((tail) => tail.includes('event: ready\n'), 20_000);
    const { received } = raw;
    const body = received.slice(received.indexOf('\r\n\r\n') + 4);
    const offsets = parseFrames(body)
      .filter((frame) => frame.id !== undefined)
      .map((frame) => Number(frame.id));
    expect(offsets).toEqual(Array.from({ length: head }, (_, index) => index + 1));
  }, 30_000);
});
