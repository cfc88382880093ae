// Runs Biome's platform binary directly. The `@biomejs/biome` wrapper package lists a
// binary for every platform as an optional dependency, and the registry this project is
// built against serves only the Linux ones, so `npm ci` would refuse its lockfile; the
// project depends on the Linux binaries (optionalDependencies) and starts them here.
// See docs/decisions/002-biome-platform-binary.md.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const names = [`cli-${process.platform}-${process.arch}`, `cli-${process.platform}-${process.arch}-musl`];
const binary = names
  .map((name) => join(root, 'node_modules', '@biomejs', name, 'biome'))
  .find((path) => existsSync(path));
if (binary === undefined) {
  console.error(
    `Biome has no binary installed for ${process.platform}-${process.arch}: add @biomejs/${names[0]} (the version the others have) to optionalDependencies in package.json and run npm install.`,
  );
  process.exit(2);
}
const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status ?? 1);
