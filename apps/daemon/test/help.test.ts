import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ONCE_BIN = join(import.meta.dirname, '..', 'bin', 'once.js');

describe('once --help', () => {
  // `npm start -- --help` runs `once serve --help`: both must print the settings.
  it.each([[['--help']], [['serve', '--help']], [['serve', '--port', '7555', '-h']]])(
    'prints every flag with its environment variable for %j',
    (args) => {
      const result = spawnSync(process.execPath, [ONCE_BIN, ...args], { encoding: 'utf8', timeout: 10_000 });
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('--heartbeat-ms');
      expect(result.stdout).toContain('ONCE_DATABASE_URL');
      expect(result.stderr).toBe('');
    },
    // Above spawnSync’s own 10 s limit, so a hung command fails on its exit status, not on a bare timeout.
    20_000,
  );
});
