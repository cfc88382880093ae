import { describe, expect, it } from 'vitest';
import { readSseItems } from './read-sse-items.ts';
import type { TransportItem } from './transport.ts';

const CONVERSATION = '019a5b1e-2f00-7c3a-9b1d-4e5f60718293';

function activityFrame(offset: number): string {
  const event = {
    offset,
    stream: 'conversation',
    conversationId: CONVERSATION,
    type: 'activity',
    ts: '2026-12-07T00:00:00.000Z',
    data: { phase: 'streaming' },
  };
  return `id: ${offset}\ndata: ${JSON.stringify(event)}\n\n`;
}

function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const seen: string[] = [];
  const describeItem = (item: TransportItem) => {
    switch (item.kind) {
      case 'event':
        return `event ${item.event.offset}`;
      case 'events':
        return `events ${item.events.map((event) => event.offset).join(',')}`;
      case 'heartbeat':
        return `heartbeat${item.sent === undefined ? '' : ` ${item.sent}`}`;
      default:
        return `${item.kind} ${item.offset}`;
    }
  };
  for await (const item of readSseItems(stream)) seen.push(describeItem(item));
  return seen;
}

describe('readSseItems', () => {
  it('hands over the events one read held as one batch, in order, with ready and heartbeats in their places', async () => {
    const seen = await collect(
      body(
        `${activityFrame(1)}${activityFrame(2)}${activityFrame(3)}event: ready\ndata: {"offset":3}\n\n${activityFrame(4)}`,
        `: sent 4\n\n${activityFrame(5)}${activityFrame(6)}`,
        ': keep-alive\n\n',
      ),
    );
    expect(seen).toEqual(['events 1,2,3', 'ready 3', 'event 4', 'heartbeat 4', 'events 5,6', 'heartbeat']);
  });

  it('keeps an event split across reads whole, and yields it once it completes', async () => {
    const frame = activityFrame(7);
    const seen = await collect(body(frame.slice(0, 20), frame.slice(20), activityFrame(8)));
    expect(seen).toEqual(['heartbeat', 'event 7', 'event 8']);
  });

  it('throws what brokenOff makes of a body that breaks off, after the items read before it', async () => {
    const encoder = new TextEncoder();
    let reads = 0;
    const breaking = new ReadableStream<Uint8Array>({
      pull(controller) {
        reads += 1;
        if (reads === 1) controller.enqueue(encoder.encode(activityFrame(1)));
        else controller.error(new TypeError('terminated'));
      },
    });
    const seen: number[] = [];
    const reading = (async () => {
      for await (const item of readSseItems(breaking, {
        brokenOff: (error) => new Error('broke off', { cause: error }),
      })) {
        if (item.kind === 'event') seen.push(item.event.offset);
      }
    })();
    await expect(reading).rejects.toThrow(new Error('broke off'));
    expect(seen).toEqual([1]);
  });

  it('cancels the body when the reader stops early', async () => {
    const encoder = new TextEncoder();
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode(`${activityFrame(1)}event: ready\ndata: {"offset":1}\n\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const item of readSseItems(endless)) if (item.kind === 'ready') break;
    expect(cancelled).toBe(true);
  });
});
