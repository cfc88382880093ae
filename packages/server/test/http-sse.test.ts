import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, startApi } from './support/api-fixture.ts';
import { openSse, type SseFrame } from './support/sse-reader.ts';

let api: ApiFixture;
beforeEach(async () => {
  api = await startApi({ heartbeatMs: 50 });
});
afterEach(async () => {
  await api.close();
});

const isEvent = (frame: SseFrame) => frame.id !== undefined;
const isReady = (frame: SseFrame) => frame.event === 'ready';
const eventsOf = (frames: readonly SseFrame[]) => frames.filter(isEvent);
const offsetsOf = (frames: readonly SseFrame[]) => eventsOf(frames).map((frame) => Number(frame.id));

/** A conversation with one answered turn; returns its id and head. */
async function answeredConversation(): Promise<{ id: string; head: number }> {
  const id = await api.createConversation();
  await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'Hello there' } });
  await api.settled(id);
  return { id, head: await api.conversationHead(id) };
}

describe('SSE over a real socket', () => {
  it('frames each event as id, event and one data line holding the envelope, then one ready with the head', async () => {
    const { id, head } = await answeredConversation();
    await using stream = await openSse(`${api.url}/v1/conversations/${id}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const ready = await stream.until(isReady);
    expect(ready.id).toBeUndefined();
    expect(JSON.parse(ready.data ?? '')).toEqual({ offset: head });
    const events = eventsOf(stream.frames);
    expect(offsetsOf(stream.frames)).toEqual(Array.from({ length: head }, (_, index) => index + 1));
    for (const frame of events) {
      const lines = frame.raw.split('\n');
      expect(lines.map((line) => line.split(':')[0])).toEqual(['id', 'event', 'data']);
      const envelope = JSON.parse(frame.data ?? '');
      expect(envelope).toMatchObject({ offset: Number(frame.id), type: frame.event, conversationId: id });
    }
    const page = await api.request('GET', `/v1/conversations/${id}/events?limit=1000`);
    expect(events.map((frame) => JSON.parse(frame.data ?? ''))).toEqual(page.body.events);

    // Live events follow on the same connection; ready is not sent again.
    await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'And again' } });
    await stream.until((frame) => frame.event === 'turn_end');
    expect(stream.frames.filter(isReady)).toHaveLength(1);
    const offsets = offsetsOf(stream.frames);
    expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, index) => index + 1));
  });

  it('resumes after Last-Event-ID, and ?after= wins when both are sent', async () => {
    const { id, head } = await answeredConversation();
    await using resumed = await openSse(`${api.url}/v1/conversations/${id}/events`, { 'last-event-id': '2' });
    await resumed.until(isReady);
    expect(offsetsOf(resumed.frames)[0]).toBe(3);

    await using both = await openSse(`${api.url}/v1/conversations/${id}/events?after=5`, { 'last-event-id': '2' });
    const ready = await both.until(isReady);
    expect(offsetsOf(both.frames)).toEqual(Array.from({ length: head - 5 }, (_, index) => index + 6));
    expect(JSON.parse(ready.data ?? '')).toEqual({ offset: head });
  });

  it('with live=tail sends only events committed after it connected', async () => {
    const { id, head } = await answeredConversation();
    await using stream = await openSse(`${api.url}/v1/conversations/${id}/events?live=tail`);
    const ready = await stream.until(isReady);
    expect(JSON.parse(ready.data ?? '')).toEqual({ offset: head });
    expect(eventsOf(stream.frames)).toEqual([]);

    await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'Only this' } });
    await stream.until((frame) => frame.event === 'turn_end');
    expect(offsetsOf(stream.frames)[0]).toBe(head + 1);
  });

  it('answers a cursor beyond the head with reset carrying the head, then closes', async () => {
    const { id, head } = await answeredConversation();
    await using stream = await openSse(`${api.url}/v1/conversations/${id}/events?after=${head + 50}`);
    expect(stream.status).toBe(200);
    const reset = await stream.until((frame) => frame.event === 'reset');
    expect(reset.id).toBeUndefined();
    expect(JSON.parse(reset.data ?? '')).toEqual({ offset: head });
    expect(await stream.ended()).toBe(true);
    expect(eventsOf(stream.frames)).toEqual([]);
    expect(stream.frames.filter(isReady)).toEqual([]);

    await using account = await openSse(`${api.url}/v1/account/events`, { 'last-event-id': '99' });
    const accountReset = await account.until((frame) => frame.event === 'reset');
    expect(JSON.parse(accountReset.data ?? '')).toEqual({ offset: await api.accountHead() });
    expect(await account.ended()).toBe(true);
  });

  it('sends a heartbeat comment on a quiet stream, naming the last offset the connection wrote', async () => {
    const id = await api.createConversation();
    await using stream = await openSse(`${api.url}/v1/conversations/${id}/events`);
    await stream.until(isReady);
    const first = await stream.until((frame) => frame.comment !== undefined);
    expect(first.raw).toMatch(/^:/);
    expect(first.id).toBeUndefined();
    expect(first.comment).toBe('sent 0');
    const sent = await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'Hello' } });
    expect(sent.status).toBe(202);
    const { offset } = await api.settled(id);
    const later = await stream.until((frame) => frame.comment === `sent ${offset}`);
    expect(later.comment).toBe(`sent ${offset}`);
  });

  it('writes events that are ready together in few socket writes (100 events arrive in fewer than 100 pieces)', async () => {
    const id = await api.createConversation();
    const writer = api.assistantWriter(id);
    const block = writer.openBlock({ blockType: 'text' });
    for (let index = 0; index < 97; index += 1) writer.appendDelta(block, { text: `${index} ` });
    await writer.complete('complete');
    const head = await api.conversationHead(id);
    expect(head).toBe(101);

    await using sse = await openSse(`${api.url}/v1/conversations/${id}/events`);
    await sse.until(isReady);
    expect(offsetsOf(sse.frames)).toHaveLength(101);
    expect(sse.chunks).toBeLessThan(100);
  });
});
