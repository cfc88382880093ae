import { afterAll, beforeAll } from 'vitest';
import { createDaemonClient, type DaemonClient } from './daemon-client.ts';

/** A daemon process the HTTP protocol suite talks to, over one storage backend. */
export interface HttpProtocolFixture extends AsyncDisposable {
  /** The daemon's base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** What the daemon's log is, as `GET /v1/health` must name it: `sqlite`, `postgres`. */
  readonly logKind: string;
}

/**
 * Starts a real daemon with the suite's flags (demo model, body limit, tokens) plus the
 * backend's own, on fresh storage. Disposing the fixture stops the daemon and deletes
 * its storage. Called once per describe block of the suite.
 */
export type CreateHttpProtocolFixture = (flags: readonly string[]) => Promise<HttpProtocolFixture>;

/** How long one test, or one daemon start, may take on a loaded 2-core machine, in ms. */
export const HTTP_CONFORMANCE_TIMEOUT_MS = 60_000;

/** The largest body the suite's daemons accept (`--max-body-bytes`), small so a test can exceed it. */
export const MAX_BODY_BYTES = 4_096;

/** Flags of every daemon of the suite: short demo answers, a small body limit, quick heartbeats. */
export const SUITE_FLAGS: readonly string[] = [
  '--demo-tokens',
  '12',
  '--demo-delay-ms',
  '1',
  '--max-body-bytes',
  String(MAX_BODY_BYTES),
  '--heartbeat-ms',
  '250',
];

/** The daemon of one describe block, once its `beforeAll` has started it. */
export interface SuiteDaemon {
  readonly fixture: HttpProtocolFixture;
  /** A client without a token (or with `token`). */
  client(token?: string): DaemonClient;
}

/**
 * Starts one daemon for the enclosing describe block (`beforeAll`) and stops it after the
 * block (`afterAll`), whatever the tests did. Returns a getter for it; the tests of the
 * block share it, each working in conversations of its own.
 */
export function useSuiteDaemon(createFixture: CreateHttpProtocolFixture, flags: readonly string[]): () => SuiteDaemon {
  let daemon: SuiteDaemon | undefined;
  beforeAll(async () => {
    const fixture = await createFixture([...SUITE_FLAGS, ...flags]);
    daemon = { fixture, client: (token) => createDaemonClient(fixture.url, token) };
  }, HTTP_CONFORMANCE_TIMEOUT_MS);
  afterAll(async () => {
    await daemon?.fixture[Symbol.asyncDispose]();
  }, HTTP_CONFORMANCE_TIMEOUT_MS);
  return () => {
    if (daemon === undefined) throw new Error('The daemon of this block did not start; see the beforeAll failure.');
    return daemon;
  };
}
