// Live fan-out of one turn to many SSE subscribers, through the real daemon (a child
// process) and through the bare node:http SSE server measured the same way: every
// subscriber receives every event; deliveries/s = subscribers × events ÷ time from the
// send to the last delivery. Shared by the SSE and scaling benchmarks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residentBytes, startBareServer, startDaemon, stop } from './child-process.ts';
import { connectClients } from './sse-clients.ts';

/** What one fan-out measured. */
export interface FanOutFigures {
  /** Deliveries per second (subscribers × events ÷ seconds). */
  readonly rate: number;
  /** Events each subscriber received. */
  readonly events: number;
  /** Milliseconds from each sampled event's `ts` to its arrival at one of 10 sampled clients. */
  readonly latencies: readonly number[];
  /**
   * Growth of the server's resident memory (RSS), in bytes, from before the subscribers
   * connected to after the last delivery, with every subscriber still connected.
   */
  readonly residentGrowth: number;
}

const json = async (response: Response) => {
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
};

/** Polls the conversation until its turn has finished; returns the offset of its last event. */
async function finishedHead(url: string, conversationId: string): Promise<number> {
  for (;;) {
    const snapshot = (await json(await fetch(`${url}/v1/conversations/${conversationId}`))) as {
      offset: number;
      activeTurn?: unknown;
      messages: { status: string }[];
    };
    if (
      snapshot.activeTurn === undefined &&
      snapshot.messages.length === 2 &&
      snapshot.messages[1]?.status !== 'streaming'
    ) {
      return snapshot.offset;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * One demo turn of about `tokens` tokens (`--demo-delay-ms 0`, so as fast as the daemon
 * writes) fanned out to `subscribers` subscribers of its conversation, on a fresh data dir.
 */
export async function onceFanOut(subscribers: number, tokens: number): Promise<FanOutFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'once-bench-'));
  const { url, child } = await startDaemon(dataDir, ['--demo-delay-ms', '0', '--demo-tokens', String(tokens)]);
  try {
    const { conversation } = (await json(await fetch(`${url}/v1/conversations`, { method: 'POST' }))) as {
      conversation: { id: string };
    };
    const residentBefore = residentBytes(child.pid ?? 0);
    const group = await connectClients(`${url}/v1/conversations/${conversation.id}/events`, subscribers, 10);
    while (group.clients.some((client) => !client.ready)) await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    await json(
      await fetch(`${url}/v1/conversations/${conversation.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'Tell me about streaming.' }),
      }),
    );
    const head = await finishedHead(url, conversation.id);
    await group.waitForCount(head);
    const seconds = (performance.now() - started) / 1000;
    const residentGrowth = residentBytes(child.pid ?? 0) - residentBefore;
    group.close();
    return { rate: (subscribers * head) / seconds, events: head, latencies: group.latencies, residentGrowth };
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The bare node:http SSE server writing `events` block_delta-sized events to `subscribers` streams, one a write. */
export async function bareFanOut(subscribers: number, events: number): Promise<FanOutFigures> {
  const { url, child } = await startBareServer();
  try {
    const residentBefore = residentBytes(child.pid ?? 0);
    const group = await connectClients(`${url}/events`, subscribers, 10);
    const started = performance.now();
    await fetch(`${url}/emit?count=${events}`, { method: 'POST' });
    await group.waitForCount(events);
    const seconds = (performance.now() - started) / 1000;
    const residentGrowth = residentBytes(child.pid ?? 0) - residentBefore;
    group.close();
    return { rate: (subscribers * events) / seconds, events, latencies: group.latencies, residentGrowth };
  } finally {
    await stop(child);
  }
}
