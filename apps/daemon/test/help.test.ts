import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

const README = join(import.meta.dirname, '..', '..', '..', 'README.md');

/** `--flag ENV` pairs of the README's Settings table: its first two columns. */
function readmeSettings(): Map<string, string> {
  const text = readFileSync(README, 'utf8');
  const table = text.slice(text.indexOf('### Settings'), text.indexOf('### Models, tools and approvals'));
  const rows = [...table.matchAll(/^\| `(--[a-z-]+)` +\| `([A-Z_]+)`/gm)];
  return new Map(rows.map(([, flag, variable]) => [flag as string, variable as string]));
}

describe('once serve --help', () => {
  it('lists the same flags and environment variables as the README’s Settings table', () => {
    const help = spawnSync(process.execPath, [ONCE_BIN, 'serve', '--help'], { encoding: 'utf8', timeout: 30_000 });
    const listed = [...help.stdout.matchAll(/^ {2}(--[a-z-]+) +([A-Z_]+) +default:/gm)];
    expect(help.status).toBe(0);
    expect(new Map(listed.map(([, flag, variable]) => [flag, variable]))).toEqual(readmeSettings());
    expect(listed.map(([, flag]) => flag)).toContain('--config');
    // Above spawnSync’s 30 s limit, as above: a loaded machine took over the default 5 s.
  }, 40_000);
});

describe('once chat --help', () => {
  it('lists chat with its flags, as the other client commands', () => {
    const help = spawnSync(process.execPath, [ONCE_BIN, 'chat', '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('once chat [--url URL] [--token TOKEN] [conversation id]');
    expect(help.stdout).toMatch(/Ctrl-C stops the running turn/);
    const main = spawnSync(process.execPath, [ONCE_BIN, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(main.stdout).toBe(help.stdout);
    // Two starts of the command: above both spawnSync limits, so a hung one fails on its status.
  }, 70_000);
});
