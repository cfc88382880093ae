// The two backends under the same useChat client, as processes the bench can kill: the
// peer (an AI SDK route with resumable-stream on Redis, DefaultChatTransport) and Once
// (the daemon with --provider ui-stream in front of the same route's model, through
// OnceChatTransport or through its AI SDK endpoints with DefaultChatTransport; or, for
// the load rows, the daemon running the same model itself).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadUIMessages, OnceChatTransport } from '@once/ai-sdk/chat';
import { type DaemonProcess, freePort, spawnProcess, startDaemon } from '@once/testing';
import { type ChatTransport, DefaultChatTransport, generateId, type UIMessage } from 'ai';
import { createClient } from 'redis';

/** A transport a page builds, closable when the page goes away. */
export type PageTransport = ChatTransport<UIMessage> & { close?(): void };

/** One backend: where clients connect, how a page talks to it, and its server processes. */
export interface Backend extends AsyncDisposable {
  readonly name: string;
  /** The server port the clients' proxies forward to; the same after a restart. */
  readonly port: number;
  /** How a dropped stream comes back: by the transport itself, or by the app calling `resumeStream()`. */
  readonly recovery: 'itself' | 'resume';
  /** A new chat id, as the app would create it. */
  newChatId(): Promise<string>;
  /** The transport a page builds against `baseUrl`, counting through `fetch`. */
  makeTransport(baseUrl: string, fetch: typeof globalThis.fetch): PageTransport;
  /** The history a reloaded page starts from. */
  loadMessages(baseUrl: string, chatId: string, fetch: typeof globalThis.fetch): Promise<UIMessage[]>;
  /** The server that holds the running answers killed with SIGKILL, then started again. */
  killAndRestart(): Promise<void>;
  /** Starts the server again if it exited by itself (the peer's route can crash under load); true if it had. */
  restartIfExited(): Promise<boolean>;
  /** Process ids whose CPU the backend's figures include. */
  serverPids(): number[];
  /** The Redis key prefix the backend writes under, if it uses Redis. */
  readonly redisPrefix?: string;
  /** Once's upstream route (the model's route alone, no resumption), for the latency and CPU floor. */
  readonly upstream?: { readonly port: number; pid(): number };
}

const ROUTE_SCRIPT = join(import.meta.dirname, 'route-server.ts');

/** The AI SDK route (route-server.ts) as a child process on `port` (0: any), once it listens. */
export async function startRoute(
  mode: 'peer' | 'upstream',
  port: number,
  redisPrefix = '',
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawnProcess(process.execPath, [ROUTE_SCRIPT], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ROUTE_MODE: mode, PORT: String(port), REDIS_PREFIX: redisPrefix },
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error('the route process exited before it listened');
    }),
  ])) as [string];
  return { child, port: Number(line) };
}

async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** Deletes every Redis key under `prefix`. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
  try {
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}:*`, COUNT: 1000 })) {
      if (keys.length > 0) await redis.del(keys);
    }
  } finally {
    redis.destroy();
  }
}

/** The usual setup: the route with resumable-stream on Redis, DefaultChatTransport with resume. */
export async function startPeerBackend(): Promise<Backend> {
  const redisPrefix = `once-bench-peers-${process.pid}-${Date.now()}`;
  const port = await freePort();
  let route = await startRoute('peer', port, redisPrefix);
  return {
    name: 'resumable-stream + Redis (DefaultChatTransport)',
    port,
    recovery: 'resume',
    redisPrefix,
    newChatId: async () => generateId(),
    makeTransport: (baseUrl, fetch) => new DefaultChatTransport({ api: `${baseUrl}/api/chat`, fetch }),
    async loadMessages(baseUrl, chatId, fetch) {
      const response = await fetch(`${baseUrl}/api/chat/${encodeURIComponent(chatId)}/messages`);
      return (await response.json()) as UIMessage[];
    },
    async killAndRestart() {
      await killProcess(route.child);
      route = await startRoute('peer', port, redisPrefix);
    },
    async restartIfExited() {
      if (route.child.exitCode === null && route.child.signalCode === null) return false;
      route = await startRoute('peer', port, redisPrefix);
      return true;
    },
    serverPids: () => [route.child.pid ?? -1],
    async [Symbol.asyncDispose]() {
      await killProcess(route.child);
      await deleteRedisKeys(redisPrefix);
    },
  };
}

/**
 * `PEERS_DAEMON_FLAGS`, e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles`: node flags for
 * Once's daemons alone; they then stop with SIGTERM at the end, so a profile gets written.
 */
const daemonNodeOptions = () => process.env.PEERS_DAEMON_FLAGS?.split(' ').filter((flag) => flag !== '') ?? [];

const MODEL_CONFIG = join(import.meta.dirname, 'daemon-model.config.ts');

/**
 * Once with the peer's model inside the daemon (daemon-model.config.ts: the same mock model
 * through `createAiSdkProvider`, no route, no extra hop), for the load rows only: its CPU is
 * the daemon's alone.
 */
export async function startOnceModelBackend(): Promise<Backend> {
  const nodeOptions = daemonNodeOptions();
  const daemon = await startDaemon({ flags: ['--config', MODEL_CONFIG], nodeOptions });
  return {
    name: 'Once (AI SDK model in the daemon)',
    port: daemon.port,
    recovery: 'resume',
    newChatId: async () => generateId(),
    makeTransport: (baseUrl, fetch) => new DefaultChatTransport({ api: `${baseUrl}/v1/ai-sdk/chat`, fetch }),
    loadMessages: (baseUrl, chatId, fetch) => loadUIMessages({ baseUrl, conversationId: chatId, fetch }),
    async killAndRestart() {
      await daemon.kill('SIGKILL');
      await daemon.restart();
    },
    restartIfExited: async () => false,
    serverPids: () => [daemon.pid],
    async [Symbol.asyncDispose]() {
      if (nodeOptions.length > 0) await daemon.kill('SIGTERM');
      await daemon[Symbol.asyncDispose]();
    },
  };
}

/** Once: the daemon in front of the same route (without resumable-stream), on its own data dir. */
export async function startOnceBackend(client: 'once-transport' | 'ai-sdk-endpoints'): Promise<Backend> {
  const route = await startRoute('upstream', 0);
  const nodeOptions = daemonNodeOptions();
  let daemon: DaemonProcess;
  try {
    daemon = await startDaemon({
      flags: ['--provider', 'ui-stream', '--upstream-url', `http://127.0.0.1:${route.port}/api/upstream`],
      nodeOptions,
    });
  } catch (error) {
    await killProcess(route.child);
    throw error;
  }
  const transports = new Set<PageTransport>();
  return {
    name: client === 'once-transport' ? 'Once (OnceChatTransport)' : "Once's AI SDK endpoints (DefaultChatTransport)",
    port: daemon.port,
    recovery: client === 'once-transport' ? 'itself' : 'resume',
    async newChatId() {
      const response = await fetch(`${daemon.url}/v1/conversations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return ((await response.json()) as { conversation: { id: string } }).conversation.id;
    },
    makeTransport(baseUrl, fetch) {
      const transport =
        client === 'once-transport'
          ? new OnceChatTransport({ baseUrl, fetch })
          : new DefaultChatTransport({ api: `${baseUrl}/v1/ai-sdk/chat`, fetch });
      transports.add(transport);
      return transport;
    },
    loadMessages: (baseUrl, chatId, fetch) => loadUIMessages({ baseUrl, conversationId: chatId, fetch }),
    async killAndRestart() {
      await daemon.kill('SIGKILL');
      await daemon.restart();
    },
    restartIfExited: async () => false,
    serverPids: () => [daemon.pid, route.child.pid ?? -1],
    upstream: { port: route.port, pid: () => route.child.pid ?? -1 },
    async [Symbol.asyncDispose]() {
      for (const transport of transports) transport.close?.();
      if (nodeOptions.length > 0) await daemon.kill('SIGTERM');
      await daemon[Symbol.asyncDispose]();
      await killProcess(route.child);
    },
  };
}
