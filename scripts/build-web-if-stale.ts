// Builds the web app (apps/web/dist) when it is missing or older than its sources, so
// `npm start` serves a current page without rebuilding on every start. Its sources are
// apps/web's own files (package.json included: a new dependency changes the bundle) and
// the sources of the workspace packages it bundles, found through their `dependencies`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const web = join(root, 'apps', 'web');
const built = join(web, 'dist', 'index.html');

/** The folder of a workspace package (`@once/core` → packages/core), if it is one. */
function workspaceFolder(name: string): string | undefined {
  if (!name.startsWith('@once/')) return undefined;
  const folder = join(root, 'packages', name.slice('@once/'.length));
  return existsSync(join(folder, 'package.json')) ? folder : undefined;
}

/** The workspace packages a package depends on at run time, and theirs, each once. */
function bundledPackages(folder: string, found = new Set<string>()): Set<string> {
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    const dependency = workspaceFolder(name);
    if (dependency === undefined || found.has(dependency)) continue;
    found.add(dependency);
    bundledPackages(dependency, found);
  }
  return found;
}

const sources = [
  join(web, 'src'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(web, 'package.json'),
  ...[...bundledPackages(web)].flatMap((folder) => [join(folder, 'src'), join(folder, 'package.json')]),
];

/** The latest modification time of a file, or of any file under a folder, in ms. */
function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stats.mtimeMs);
}

const builtAt = existsSync(built) ? statSync(built).mtimeMs : undefined;
const changedAt = Math.max(...sources.filter((path) => existsSync(path)).map(newestChange));
if (builtAt !== undefined && builtAt >= changedAt) {
  console.log('apps/web/dist is up to date.');
} else {
  console.log(builtAt === undefined ? 'Building the web app…' : 'The web app changed; rebuilding…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '--workspace', '@once/web'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
