// Type-checks every package, app and example that has a tsconfig.json under its own compiler
// settings (so a package that must not touch Node or the DOM fails to compile if it does),
// then the tests, benches and scripts.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const projects = ['packages', 'apps', 'examples']
  .flatMap((folder) =>
    existsSync(join(root, folder)) ? readdirSync(join(root, folder)).map((name) => join(folder, name)) : [],
  )
  .filter((folder) => existsSync(join(root, folder, 'tsconfig.json')))
  .concat('.');

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
let failed = 0;
for (const project of projects) {
  const result = spawnSync(process.execPath, [tsc, '-p', project, '--pretty'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
  console.log(`${result.status === 0 ? 'ok  ' : 'FAIL'} ${project}`);
}
process.exit(failed === 0 ? 0 : 1);
