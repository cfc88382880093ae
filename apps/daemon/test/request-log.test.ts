import { setTimeout } from 'node:timers/promises';
import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';

afterEach(stopLeftoverDaemons);

interface LogLine {
  readonly msg?: string;
  readonly reqId?: string;
  readonly req?: { readonly method?: string; readonly url?: string };
  readonly res?: { readonly statusCode?: number };
  readonly responseTime?: number;
}

const parsed = (lines: string): LogLine[] =>
  lines
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

describe('once serve request logs', () => {
  it('writes one line a request once it is answered: method, URL (token redacted), status, time', async () => {
    await using daemon = await startDaemon();
    const created = await fetch(`${daemon.url}/v1/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(created.status).toBe(201);
    const missing = await fetch(`${daemon.url}/v1/conversations/01890a5d-ac96-774b-bcce-b302099a8057`);
    expect(missing.status).toBe(404);
    await (await fetch(`${daemon.url}/v1/conversations?token=s3cret`)).text();

    const completed = async () => parsed(daemon.logs()).filter((line) => line.msg === 'request completed');
    for (let tries = 0; (await completed()).length < 3 && tries < 100; tries += 1) await setTimeout(100);
    const lines = await completed();
    expect(lines.map((line) => [line.req?.method, line.req?.url, line.res?.statusCode])).toEqual([
      ['POST', '/v1/conversations', 201],
      ['GET', '/v1/conversations/01890a5d-ac96-774b-bcce-b302099a8057', 404],
      ['GET', '/v1/conversations?token=[redacted]', expect.any(Number)],
    ]);
    for (const line of lines) {
      expect(line.responseTime).toEqual(expect.any(Number));
      expect(line.reqId).toEqual(expect.any(String));
    }
    expect(daemon.logs()).not.toContain('incoming request');
  }, 60_000);
});
