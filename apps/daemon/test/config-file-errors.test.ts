import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A daemon process on a machine that may be busy: generous, never a timing assertion.
const PROCESS_TEST_MS = 60_000;
const ONCE_BIN = join(import.meta.dirname, '..', 'bin', 'once.js');

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'once-config-errors-'));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

/**
 * Runs `once serve --config <file>` expecting it to stop at start-up; returns its exit
 * code and stderr. Killed in all outcomes: a daemon that started anyway fails the test.
 */
async function startFailing(file: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [ONCE_BIN, 'serve', '--config', file, '--port', '0', '--data-dir', join(folder, 'data')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.resume();
  let timer: NodeJS.Timeout | undefined;
  try {
    const [code] = (await Promise.race([
      once(child, 'exit'),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`once serve --config ${file} did not stop at start-up.`)), 50_000);
      }),
    ])) as [number | null];
    return { code, stderr };
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
}

/** Writes a config file named `name` into the test's folder (outside the repository) and returns its path. */
async function configFile(name: string, text: string): Promise<string> {
  const path = join(folder, name);
  await writeFile(path, text);
  return path;
}

const TOOL = `defineTool({ name: 'clock', description: 'My own clock.', input: z.object({}), run: async () => 'noon' })`;

describe('a config file that cannot be used stops start-up with one sentence naming it', () => {
  it.each([
    ['missing', 'missing.config.ts', undefined, 'does not exist.'],
    ['with a syntax error', 'syntax.config.ts', 'export default {\n  tools: [,\n', 'has a syntax error at line 2: '],
    [
      'throwing at import',
      'throws.config.ts',
      "throw new Error('TEAM_TOKEN is not set');\n",
      'threw while loading at line 1: TEAM_TOKEN is not set.',
    ],
    [
      'importing a package that is nowhere',
      'import.config.ts',
      "import 'no-such-package';\nexport default {};\n",
      "could not be loaded: Cannot find package 'no-such-package'",
    ],
    ['without a default export', 'named.config.ts', 'export const config = {};\n', 'has no default export;'],
    [
      'of the wrong shape',
      'shape.config.ts',
      "export default { tools: 'clock' };\n",
      'is not valid: tools: must be a list of tools.',
    ],
    [
      'with a misspelt key',
      'typo.config.ts',
      'export default { tool: [] };\n',
      'is not valid: Unrecognized key: "tool".',
    ],
    [
      'with both provider and runTurn',
      'both.config.ts',
      "export default { provider: { name: 'mine', async *stream() {} }, runTurn: async () => {} };\n",
      'sets runTurn and provider; runTurn runs the whole turn, so give runTurn alone.',
    ],
    [
      'with a tool named like a built-in one',
      'clash.config.ts',
      `import { defineConfig, defineTool } from '@once/daemon';\nimport { z } from 'zod';\nexport default defineConfig({ tools: [${TOOL}] });\n`,
      'has a tool named clock, like a built-in tool; rename it, or set builtInTools: false.',
    ],
    [
      'with two tools of one name',
      'twice.config.ts',
      `import { defineConfig, defineTool } from '@once/daemon';\nimport { z } from 'zod';\nexport default defineConfig({ builtInTools: false, tools: [${TOOL}, ${TOOL}] });\n`,
      'has two tools named clock; give each tool a name of its own.',
    ],
  ])(
    '%s',
    async (_case, name, text, problem) => {
      const path = text === undefined ? join(folder, name) : await configFile(name, text);
      const { code, stderr } = await startFailing(path);

      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      // One line, no stack trace: "once: The config file <path> <problem>".
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      const expected = `once: The config file ${path} ${problem}`;
      expect(stderr.slice(0, expected.length)).toBe(expected);
    },
    PROCESS_TEST_MS,
  );
});
