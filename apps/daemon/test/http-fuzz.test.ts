// Fuzzed HTTP input against every endpoint of a real daemon process, over real sockets, on
// SQLite and on PostgreSQL: whatever arrives, the answer is a 2xx or a 4xx with an error a
// person can read, the daemon keeps serving, and a refused request writes nothing to any
// stream.
import { request as httpRequest } from 'node:http';
import { createPostgresTestSchema, startDaemon, stopLeftoverDaemons } from '@once/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, sendMessage } from './daemon-api.ts';
import { type FuzzRequest, fuzzRequest } from './fuzz/http-request-arbitrary.ts';

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/**
 * Sends one request with node:http (no header is refused or rewritten) on a connection of
 * its own (a kept-alive socket the daemon closed after a refusal would fail the next one),
 * reading at most a little of a stream.
 */
function send(baseUrl: string, fuzz: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(fuzz.path, baseUrl);
    const headers = Object.fromEntries(Object.entries(fuzz.headers).filter(([, value]) => value !== ''));
    const request = httpRequest(url, { method: fuzz.method, headers, timeout: 20_000, agent: false }, (response) => {
      const contentType = String(response.headers['content-type'] ?? '');
      const chunks: Buffer[] = [];
      // A stream (SSE, a UI message stream) stays open: its status and first bytes are enough.
      const streaming = contentType.startsWith('text/event-stream');
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (streaming) response.destroy();
      });
      const finish = () =>
        resolve({ status: response.statusCode ?? 0, contentType, body: Buffer.concat(chunks).toString() });
      response.on('end', finish);
      response.on('close', finish);
      if (streaming) setTimeout(() => response.destroy(), 200);
    });
    request.on('timeout', () => request.destroy(new Error(`${fuzz.method} ${fuzz.path} got no answer in 20 s`)));
    request.on('error', reject);
    request.end(fuzz.body);
  });
}

interface World {
  readonly accountOffset: number;
  /** Each listed conversation's offset and whether a turn runs in it. */
  readonly conversations: ReadonlyMap<string, { offset: number; running: boolean }>;
}

async function readWorld(baseUrl: string): Promise<World> {
  const list = (await (await fetch(`${baseUrl}/v1/conversations?limit=200`)).json()) as {
    conversations: { id: string }[];
    offset: number;
  };
  const conversations = new Map<string, { offset: number; running: boolean }>();
  for (const { id } of list.conversations) {
    const snapshot = (await (await fetch(`${baseUrl}/v1/conversations/${id}`)).json()) as {
      offset: number;
      activeTurn?: unknown;
    };
    conversations.set(id, { offset: snapshot.offset, running: snapshot.activeTurn !== undefined });
  }
  return { accountOffset: list.offset, conversations };
}

/** Reads the world once no turn runs anywhere (an accepted send starts one). */
async function settledWorld(baseUrl: string): Promise<World> {
  for (;;) {
    const world = await readWorld(baseUrl);
    if (![...world.conversations.values()].some((conversation) => conversation.running)) return world;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const withKnownId = (fuzz: FuzzRequest, id: string): FuzzRequest => ({
  ...fuzz,
  path: fuzz.path.replaceAll('{known}', id),
  ...(fuzz.body === undefined ? {} : { body: fuzz.body.replaceAll('{known}', id) }),
});

/** The daemon's store for one run of the property: its flags, and what to drop afterwards. */
interface Store extends AsyncDisposable {
  readonly flags: readonly string[];
}

const stores: readonly { readonly name: string; readonly open: () => Promise<Store> }[] = [
  { name: 'SQLite', open: async () => ({ flags: [], [Symbol.asyncDispose]: async () => {} }) },
  {
    name: 'PostgreSQL',
    open: async () => {
      const schema = await createPostgresTestSchema();
      return { flags: ['--database-url', schema.url], [Symbol.asyncDispose]: () => schema[Symbol.asyncDispose]() };
    },
  },
];

describe.each(stores)('fuzzed HTTP input against a daemon on $name', ({ open }) => {
  afterEach(stopLeftoverDaemons);

  it('answers every request with a 2xx or a readable 4xx, keeps serving, and writes nothing for a refused one', async () => {
    await using store = await open();
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '0', '--demo-tokens', '4', ...store.flags] });
    const known = [await createConversation(daemon.url), await createConversation(daemon.url)];
    await sendMessage(daemon.url, known[0] as string, 'A first message, so there is history to read.');
    let world = await settledWorld(daemon.url);
    const refused: Record<number, number> = {};

    await fc.assert(
      fc.asyncProperty(fuzzRequest, fc.nat(), async (generated, pick) => {
        const fuzz = withKnownId(generated, known[pick % known.length] as string);
        const answer = await send(daemon.url, fuzz);
        const what = `${fuzz.method} ${fuzz.path} answered ${answer.status}: ${answer.body.slice(0, 300)}`;
        expect(answer.status, what).toBeGreaterThanOrEqual(200);
        expect(answer.status, what).toBeLessThan(500);
        if (answer.status < 400) {
          world = await settledWorld(daemon.url);
          return;
        }
        refused[answer.status] = (refused[answer.status] ?? 0) + 1;
        if (fuzz.method !== 'HEAD') {
          const error = (JSON.parse(answer.body) as { error: { code: string; message: string } }).error;
          expect(error.code, what).toMatch(/^[a-z_]+$/);
          expect(error.message.length, what).toBeGreaterThan(10);
        }
        // A refused request changed nothing: no stream moved, no conversation appeared or went.
        expect(await readWorld(daemon.url), what).toEqual(world);
      }),
      { numRuns: 400 },
    );

    // Still serving, and the refusals were of several kinds (the generator reaches the checks).
    const health = await fetch(`${daemon.url}/v1/health`);
    expect(health.status).toBe(200);
    expect(Object.keys(refused).length).toBeGreaterThanOrEqual(3);
  }, 300_000);
});
