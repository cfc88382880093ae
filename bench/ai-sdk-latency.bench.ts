// What `--provider ui-stream` adds between an AI SDK route and the log: 100 turns at once,
// each answered by a node:http route that paces its text deltas the way a model streams
// them. The time from the route writing a delta to its socket to the log committing that
// delta (the commit listener sees it) is the latency the ingestion path adds, loopback
// HTTP included; the route's first byte and the model are left out.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createUIStreamTurnRunner } from '@once/ai-sdk';
import { createConversationService, DEFAULT_ACCOUNT } from '@once/server';
import { openSqliteEventLog } from '@once/sqlite';
import type { Bench } from './bench-report.ts';

const TURNS = 100;
const DELTAS = 200;
const DELTA_INTERVAL_MS = 10;

/** When the route wrote each marked delta to its socket, by marker. */
const sentAt = new Map<string, number>();

/** One SSE frame of a UI message chunk. */
const frame = (chunk: object) => `data: ${JSON.stringify(chunk)}\n\n`;

/** The route: each request gets one step of DELTAS marked text deltas, one every DELTA_INTERVAL_MS. */
async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  let body = '';
  for await (const part of request) body += part;
  const { id } = JSON.parse(body) as { id: string };
  response.writeHead(200, { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' });
  response.write(frame({ type: 'start' }) + frame({ type: 'start-step' }) + frame({ type: 'text-start', id: 't' }));
  for (let seq = 0; seq < DELTAS; seq += 1) {
    await sleep(DELTA_INTERVAL_MS);
    const marker = `${id}/${seq}`;
    sentAt.set(marker, performance.now());
    response.write(frame({ type: 'text-delta', id: 't', delta: `[${marker}]` }));
  }
  response.end(
    `${frame({ type: 'text-end', id: 't' })}${frame({ type: 'finish-step' })}${frame({ type: 'finish', finishReason: 'stop' })}data: [DONE]\n\n`,
  );
}

const percentile = (sorted: readonly number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;

const bench: Bench = async () => {
  const route = createServer((request, response) => void answer(request, response));
  await new Promise<void>((resolve) => route.listen(0, '127.0.0.1', resolve));
  const directory = await mkdtemp(join(tmpdir(), 'once-bench-ui-stream-'));
  const log = openSqliteEventLog({ path: join(directory, 'once.db') });
  const latencies: number[] = [];
  log.onCommit(({ entries }) => {
    const committed = performance.now();
    for (const entry of entries ?? []) {
      if (entry.type !== 'block_delta') continue;
      const marker = /\[([^\]]+)\]/.exec(entry.json)?.[1];
      const sent = marker === undefined ? undefined : sentAt.get(marker);
      if (sent !== undefined) latencies.push(committed - sent);
    }
  });
  const { port } = route.address() as AddressInfo;
  const service = createConversationService({
    log,
    runTurn: createUIStreamTurnRunner({ url: `http://127.0.0.1:${port}/api/chat` }),
  });
  try {
    const conversations = await Promise.all(
      Array.from({ length: TURNS }, () => service.create(DEFAULT_ACCOUNT, 'bench')),
    );
    const started = performance.now();
    await Promise.all(conversations.map(({ id }) => service.send(DEFAULT_ACCOUNT, id, { content: 'Go.' })));
    while (latencies.length < TURNS * DELTAS && performance.now() - started < 120_000) await sleep(50);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      title: 'UI message stream: latency from the route to the log (packages/ai-sdk)',
      method: `${TURNS} turns at once through the conversation service with --provider ui-stream's turn runner on a SQLite log (WAL, default group commit); each turn's route (node:http, same process) streams ${DELTAS} text deltas, one every ${DELTA_INTERVAL_MS} ms. Latency runs from the route writing a delta to its socket to the log's commit listener seeing it committed: loopback HTTP, SSE parsing, the chunk writer and the group commit.`,
      rows: [
        { what: 'added latency p50, route write → commit', value: percentile(latencies, 0.5), unit: 'ms' },
        { what: 'added latency p99, route write → commit', value: percentile(latencies, 0.99), unit: 'ms' },
      ],
      notes: [
        `${latencies.length.toLocaleString('en-US')} of ${(TURNS * DELTAS).toLocaleString('en-US')} deltas measured in ${seconds.toFixed(1)} s (${Math.round(latencies.length / seconds).toLocaleString('en-US')} deltas/s committed).`,
      ],
    };
  } finally {
    await service.shutdown();
    await log.close();
    route.closeAllConnections();
    await new Promise<void>((resolve) => route.close(() => resolve()));
    await rm(directory, { recursive: true, force: true });
  }
};

export default bench;
