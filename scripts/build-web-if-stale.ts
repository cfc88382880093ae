// Builds the web app (apps/web/dist) when it is missing or older than its sources, so
// `npm start` serves a current page without rebuilding on every start.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const web = join(root, 'apps', 'web');
const built = join(web, 'dist', 'index.html');
const sources = [join(web, 'src'), join(web, 'index.html'), join(web, 'vite.config.ts')];

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
