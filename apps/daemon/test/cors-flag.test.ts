import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ONCE_BIN = join(import.meta.dirname, '..', 'bin', 'once.js');

describe('once serve --cors-origins', () => {
  it.each([
    [
      ['--cors-origins', 'example.com'],
      'once: --cors-origins is not valid: The CORS origin "example.com" has no scheme',
    ],
    [['--cors-origins', '*'], 'once: --cors-origins=* lets every web page call this daemon, so it needs --auth-tokens'],
  ])(
    'refuses %j at start with a sentence saying what to write, before it listens',
    (flags, words) => {
      const result = spawnSync(process.execPath, [ONCE_BIN, 'serve', '--port', '0', ...flags], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(words);
      expect(result.stdout).not.toContain('Once is ready');
    },
    30_000,
  );
});
