// A daemon that cannot start must say why and exit, not stay running half-started: its
// log and pools were open when listening failed, and they must not keep it alive.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, stopLeftoverDaemons, stopLeftoverProcesses } from '@once/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runOnceCommand } from './run-once-command.ts';

afterAll(async () => {
  await stopLeftoverProcesses();
  await stopLeftoverDaemons();
});

describe('once serve on a port another process listens on', () => {
  it('exits with code 2 and a sentence naming the port, after opening and closing its log', async () => {
    await using first = await startDaemon();
    const dataDir = mkdtempSync(join(tmpdir(), 'once-port-in-use-'));
    try {
      const { code, err } = await runOnceCommand(['serve', '--port', String(first.port), '--data-dir', dataDir]);
      expect(err).toContain(`port ${first.port} on 127.0.0.1 is already in use`);
      expect(err).not.toContain('    at ');
      expect(code).toBe(2);
      // The daemon that had the port goes on serving.
      expect((await fetch(`${first.url}/v1/health`)).status).toBe(200);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
