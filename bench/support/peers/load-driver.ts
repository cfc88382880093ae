// Many answers at once on one backend, each read by a light raw-SSE client in this process:
// the peer's POST /api/chat, Once's POST /v1/ai-sdk/chat (the same UI message stream wire
// format, so both clients parse alike). Each word carries the moment the model emitted it
// (answer-model.ts, timed), so its latency to this client is measured on one clock. The
// servers' CPU is read from /proc (and Redis's INFO for the peer) around the run.
import { request } from 'node:http';
import { generateId } from 'ai';
import { type AnswerSpec, preciseNow, promptFor } from './answer-model.ts';
import type { Backend } from './backends.ts';
import { processCpuSeconds, redisCpuSeconds } from './cpu-usage.ts';

/** What one load run measured. */
export interface LoadResult {
  /** Milliseconds from the model emitting each word to this client parsing it, sorted. */
  readonly latencies: readonly number[];
  readonly tokens: number;
  /** CPU seconds of the backend's server processes (and Redis for the peer) over the run. */
  readonly serverCpuSeconds: number;
  /** CPU seconds of Redis alone (0 for Once). */
  readonly redisCpuSeconds: number;
  /** CPU seconds of this client process over the run, and the run's wall time. */
  readonly clientCpuSeconds: number;
  readonly wallSeconds: number;
  /** Streams whose response failed before its end (the server went away). */
  readonly failedStreams: number;
}

/** Where the load goes: a chat endpoint speaking the UI message stream, and the processes behind it. */
export interface LoadTarget {
  readonly port: number;
  readonly path: string;
  /** Process ids whose CPU is charged to the target. */
  readonly pids: () => number[];
  /** Whether Redis's CPU is charged too. */
  readonly redis: boolean;
}

/** The load target of a backend: the peer's route, or Once's AI SDK endpoint. */
export function loadTargetOf(backend: Backend): LoadTarget {
  const peer = backend.redisPrefix !== undefined;
  return {
    port: backend.port,
    path: peer ? '/api/chat' : '/v1/ai-sdk/chat',
    pids: () => backend.serverPids(),
    redis: peer,
  };
}

/** One stream: POSTs the chat request and records each word's latency until the response ends. */
function stream(
  target: LoadTarget,
  spec: AnswerSpec,
  latencies: number[],
): Promise<{ tokens: number; failed: boolean }> {
  const body = JSON.stringify({
    id: generateId(),
    trigger: 'submit-message',
    messages: [{ id: generateId(), role: 'user', parts: [{ type: 'text', text: promptFor(spec) }] }],
  });
  return new Promise((resolve) => {
    let tokens = 0;
    // A server that went away ends the stream as failed: counted, not thrown.
    const fail = () => resolve({ tokens, failed: true });
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: 'POST',
        path: target.path,
        headers: { 'content-type': 'application/json' },
        agent: false,
      },
      (response) => {
        let tail = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          const now = preciseNow();
          const text = tail + chunk;
          const end = text.lastIndexOf('\n\n');
          tail = end === -1 ? text : text.slice(end + 2);
          // Once's stream may carry words committed together in one delta: every word counts.
          for (const match of text.slice(0, end + 1).matchAll(/w\d+@([\d.]+) /g)) {
            latencies.push(now - Number(match[1]));
            tokens += 1;
          }
        });
        response.on('end', () => resolve({ tokens, failed: !response.complete }));
        response.on('error', fail);
      },
    );
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

/** Runs `streams` answers of `spec` at once and waits for all of them. */
export async function runLoad(target: LoadTarget, spec: AnswerSpec, streams: number): Promise<LoadResult> {
  const peer = target.redis;
  const serverCpu = () => target.pids().reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
  const latencies: number[] = [];
  const redisBefore = peer ? await redisCpuSeconds() : 0;
  const serverBefore = serverCpu();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const counts = await Promise.all(Array.from({ length: streams }, () => stream(target, spec, latencies)));
  const wallSeconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientBefore);
  const redis = peer ? (await redisCpuSeconds()) - redisBefore : 0;
  return {
    latencies: latencies.sort((a, b) => a - b),
    tokens: counts.reduce((sum, count) => sum + count.tokens, 0),
    failedStreams: counts.filter((count) => count.failed).length,
    serverCpuSeconds: serverCpu() - serverBefore + redis,
    redisCpuSeconds: redis,
    clientCpuSeconds: (client.user + client.system) / 1e6,
    wallSeconds,
  };
}
