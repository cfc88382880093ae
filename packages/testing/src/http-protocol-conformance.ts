import { afterAll, describe, expect, it } from 'vitest';
import { stopLeftoverDaemons } from './daemon-process.ts';
import { describeAccountCases } from './http-account-cases.ts';
import { AUTH_FLAGS, describeAuthCases } from './http-auth-cases.ts';
import { describeBranchCases } from './http-branch-cases.ts';
import { describeErrorCases } from './http-error-cases.ts';
import { describeEventStreamCases } from './http-event-stream-cases.ts';
import { describeExportCases } from './http-export-cases.ts';
import { describeHistoryPageCases } from './http-history-page-cases.ts';
import { describeMessageCases } from './http-message-cases.ts';
import { describePageCases } from './http-page-cases.ts';
import {
  type CreateHttpProtocolFixture,
  HTTP_CONFORMANCE_TIMEOUT_MS,
  type SuiteDaemon,
  useSuiteDaemon,
} from './http-protocol-fixture.ts';

/** `GET /v1/health`: 200, ready, naming the log the daemon really runs on. */
function describeHealthCases(daemon: () => SuiteDaemon): void {
  it('answers health with 200, status ok and the kind of log it runs on, without a token', async () => {
    const { fixture, client } = daemon();
    const health = await client().request('GET', '/v1/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      status: 'ok',
      log: fixture.logKind,
      uptimeSeconds: expect.any(Number),
      sseConnections: expect.any(Number),
    });
  });
}

/**
 * The wire contract's HTTP behaviours (docs/PROTOCOL.md and the README's endpoints), as a
 * client notices them, run against real daemon processes: cursors and JSON pages, SSE
 * replay, resume, `?live=tail`, `ready` and `reset`, heartbeats, errors and that refused
 * requests write nothing, idempotent sends, snapshots equal to the fold of their events,
 * the account stream, exports, auth, and health. A backend's test file calls it with a factory
 * that starts a daemon on that backend; the suite starts two daemons (one without auth,
 * one with `--auth-tokens`), each shared by the tests of its block, every test working
 * in conversations of its own.
 */
export function describeHttpProtocolConformance(name: string, createFixture: CreateHttpProtocolFixture): void {
  describe(`HTTP protocol conformance: ${name}`, { timeout: HTTP_CONFORMANCE_TIMEOUT_MS }, () => {
    // The blocks' afterAll stop their daemons; this catches any a failed start left behind.
    afterAll(stopLeftoverDaemons);

    describe('a daemon without auth', () => {
      const daemon = useSuiteDaemon(createFixture, []);
      describeHealthCases(daemon);
      describePageCases(daemon);
      describeHistoryPageCases(daemon);
      describeEventStreamCases(daemon);
      describeMessageCases(daemon);
      describeBranchCases(daemon);
      describeAccountCases(daemon);
      describeErrorCases(daemon);
      describeExportCases(daemon);
    });

    describe('a daemon with --auth-tokens', () => {
      const daemon = useSuiteDaemon(createFixture, AUTH_FLAGS);
      describeHealthCases(daemon);
      describeAuthCases(daemon);
    });
  });
}
