// Many SSE clients in one process, light enough that the server is what is measured:
// each counts event frames; a few also parse them to measure latency from the event's
// timestamp to its arrival.
import { request } from 'node:http';

export interface SseClient {
  /** Events received so far. */
  count: number;
  /** True once `event: ready` arrived. */
  ready: boolean;
  close(): void;
}

export interface ClientGroup {
  readonly clients: SseClient[];
  /** Milliseconds from each sampled event's `ts` to its arrival. */
  readonly latencies: number[];
  /** Resolves once every client has received `count` events. */
  waitForCount(count: number): Promise<void>;
  close(): void;
}

export async function connectClients(url: string, howMany: number, sampled: number): Promise<ClientGroup> {
  const latencies: number[] = [];
  const clients: SseClient[] = [];
  const waiters: (() => void)[] = [];
  const check = () => {
    for (const wake of waiters.splice(0)) wake();
  };
  const connect = (parse: boolean) =>
    new Promise<SseClient>((resolve, reject) => {
      const client: SseClient = { count: 0, ready: false, close: () => undefined };
      const outgoing = request(url, { headers: { accept: 'text/event-stream' }, agent: false }, (response) => {
        let tail = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const text = tail + chunk;
          let at = text.indexOf('\nid: ');
          while (at !== -1) {
            client.count += 1;
            at = text.indexOf('\nid: ', at + 5);
          }
          if (!client.ready && text.includes('event: ready')) client.ready = true;
          if (parse) {
            const now = Date.now();
            for (const match of text.matchAll(/"ts":"([^"]+)"/g)) latencies.push(now - Date.parse(match[1] ?? ''));
          }
          tail = text.slice(-4);
          check();
        });
        resolve(client);
      });
      outgoing.on('error', reject);
      outgoing.end();
      client.close = () => outgoing.destroy();
    });
  for (let index = 0; index < howMany; index += 1) {
    clients.push(await connect(index < sampled));
  }
  return {
    clients,
    latencies,
    async waitForCount(count) {
      while (clients.some((client) => client.count < count)) {
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close() {
      for (const client of clients) client.close();
    },
  };
}

export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

/** Events/s one client receives while catching up on `expected` stored events from `url` (an event stream). */
export async function replayRate(url: string, expected: number): Promise<number> {
  const group = await connectClients(url, 1, 0);
  const started = performance.now();
  await group.waitForCount(expected);
  const seconds = (performance.now() - started) / 1000;
  group.close();
  return expected / seconds;
}
