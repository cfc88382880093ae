import { type ConversationId, type IncomingEvent, parseIncomingEvent, toOffset } from '@once/protocol';
import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../src/create-http-transport.ts';
import { createConversation, DEMO_FLAGS, sendDirect, waitUntilQuiet } from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

/** The events a transport yields after `after` up to `ready`, and the bytes it read for them. */
async function readUntilReady(
  baseUrl: string,
  conversationId: ConversationId,
  after: number,
  compact: boolean,
): Promise<{ events: IncomingEvent[]; bytes: number }> {
  let bytes = 0;
  const countingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.body === null) return response;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: response.status, headers: response.headers });
  };
  const transport = createHttpTransport({ baseUrl, fetch: countingFetch, compact });
  const controller = new AbortController();
  const events: IncomingEvent[] = [];
  try {
    for await (const item of transport.events(
      { stream: 'conversation', conversationId },
      toOffset(after),
      controller.signal,
    )) {
      if (item.kind === 'event') events.push(item.event);
      if (item.kind === 'events') events.push(...item.events);
      if (item.kind === 'ready') break;
    }
  } finally {
    controller.abort();
  }
  return { events, bytes };
}

describe('the HTTP transport on the compact wire form', () => {
  it('yields exactly the events of the full form, from the start and from cursors mid-answer, in fewer bytes', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    await sendDirect(daemon.url, conversationId, 'Tell me about durable streams.');
    const served = await waitUntilQuiet(daemon.url, conversationId);
    const page = (await (await fetch(`${daemon.url}/v1/conversations/${conversationId}/events?limit=1000`)).json()) as {
      events: unknown[];
    };
    const stored = page.events.map((event) => parseIncomingEvent(event));
    expect(stored).toHaveLength(served.offset);

    const full = await readUntilReady(daemon.url, conversationId, 0, false);
    const compact = await readUntilReady(daemon.url, conversationId, 0, true);
    expect(full.events).toEqual(stored);
    expect(compact.events).toEqual(stored);
    expect(compact.bytes).toBeLessThan(full.bytes * 0.7);

    for (const cursor of [1, 5, Math.floor(served.offset / 2), served.offset - 1]) {
      const resumed = await readUntilReady(daemon.url, conversationId, cursor, true);
      expect(resumed.events).toEqual(stored.slice(cursor));
    }
  }, 60_000);
});
