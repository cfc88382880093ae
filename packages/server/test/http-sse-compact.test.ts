import { expandCompactDelta, isCompactDelta, type RawEnvelope } from '@once/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, startApi } from './support/api-fixture.ts';
import { openSse, type SseFrame } from './support/sse-reader.ts';

let api: ApiFixture;
beforeEach(async () => {
  api = await startApi();
});
afterEach(async () => {
  await api.close();
});

const isReady = (frame: SseFrame) => frame.event === 'ready';

/** A conversation with two answered turns; returns its id and every event as the JSON page gives it. */
async function answeredConversation(): Promise<{ id: string; events: RawEnvelope[] }> {
  const id = await api.createConversation();
  for (const content of ['Hello there', 'And again']) {
    await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content } });
    await api.settled(id);
  }
  const page = await api.request('GET', `/v1/conversations/${id}/events?limit=1000`);
  return { id, events: page.body.events as RawEnvelope[] };
}

/** The events of a compact stream's frames, expanded as a client does, and the bytes they took. */
function readCompact(frames: readonly SseFrame[]): { events: RawEnvelope[]; short: number; bytes: number } {
  let previous: RawEnvelope | undefined;
  let short = 0;
  let bytes = 0;
  const events: RawEnvelope[] = [];
  for (const frame of frames) {
    if (frame.data === undefined || frame.event === 'ready') continue;
    bytes += frame.raw.length + 2;
    if (frame.event === undefined && isCompactDelta(frame.data)) {
      short += 1;
      previous = expandCompactDelta(previous, JSON.parse(frame.data));
    } else {
      previous = JSON.parse(frame.data) as RawEnvelope;
      expect(Number(frame.id)).toBe(previous.offset);
    }
    events.push(previous);
  }
  return { events, short, bytes };
}

describe('the compact wire form (?format=compact)', () => {
  it('sends the same events in fewer bytes, block deltas as short frames without id or event lines', async () => {
    const { id, events } = await answeredConversation();
    await using full = await openSse(`${api.url}/v1/conversations/${id}/events`);
    await full.until(isReady);
    await using compact = await openSse(`${api.url}/v1/conversations/${id}/events?format=compact`);
    await compact.until(isReady);

    const read = readCompact(compact.frames);
    expect(read.events).toEqual(events);
    const deltas = events.filter((event) => event.type === 'block_delta').length;
    expect(read.short).toBeGreaterThan(0);
    expect(read.short).toBeLessThanOrEqual(deltas);
    const fullBytes = full.frames
      .filter((frame) => frame.id !== undefined)
      .reduce((sum, frame) => sum + frame.raw.length + 2, 0);
    expect(read.bytes).toBeLessThan(fullBytes);
  });

  it('decodes from any cursor: the first event of a connection is always a full envelope', async () => {
    const { id, events } = await answeredConversation();
    for (let cursor = 0; cursor < events.length; cursor += 1) {
      await using stream = await openSse(`${api.url}/v1/conversations/${id}/events?format=compact&after=${cursor}`);
      await stream.until(isReady);
      const first = stream.frames.find((frame) => frame.data !== undefined && frame.event !== 'ready');
      expect(first?.id).toBe(String(cursor + 1));
      expect(readCompact(stream.frames).events).toEqual(events.slice(cursor));
    }
  });

  it('follows live commits in the compact form on the same connection', async () => {
    const { id, events } = await answeredConversation();
    await using stream = await openSse(`${api.url}/v1/conversations/${id}/events?format=compact&live=tail`);
    await stream.until(isReady);
    await api.request('POST', `/v1/conversations/${id}/messages`, { body: { content: 'Once more' } });
    await stream.until((frame) => frame.event === 'turn_end');
    const page = await api.request('GET', `/v1/conversations/${id}/events?after=${events.length}&limit=1000`);
    const live = readCompact(stream.frames);
    expect(live.events).toEqual(page.body.events);
    // Built as the commits came (the log hands its own events over as objects), not only on replay.
    expect(live.short).toBeGreaterThan(0);
  });

  it('refuses a format it does not know with a sentence naming the accepted ones, on streams and pages', async () => {
    const id = await api.createConversation();
    const response = await fetch(`${api.url}/v1/conversations/${id}/events?format=tiny`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      'format accepts only "full" or "compact"',
    );
    const page = await api.request('GET', `/v1/conversations/${id}/events?format=tiny`);
    expect(page.status).toBe(400);
  });
});
