// Builds the example with Vite into its dist/, the files the browser tests serve. One
// build serves every test: the daemon's address, token and transport are query parameters.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The example's folder. */
export const EXAMPLE_DIR = join(import.meta.dirname, '..');

/** Runs `vite build` in the example and returns the folder it wrote. */
export function buildExample(): string {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: EXAMPLE_DIR,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`Building examples/use-chat failed:\n${build.stdout}${build.stderr}`);
  return join(EXAMPLE_DIR, 'dist');
}
