// `node torture/soak/diff-heap-snapshots.ts <before.heapsnapshot> <after.heapsnapshot> [rows]`:
// what grew in a process's heap between two snapshots, e.g. the daemon's under the soak
// (start it with `NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2` and `kill -USR2 <pid>` twice
// some minutes apart). Prints the groups whose own size changed, most grown first.
import { readFileSync } from 'node:fs';
import { groupHeap, type HeapSnapshotFile, heapGrowth } from './heap-snapshot-diff.ts';

const [beforePath, afterPath, rowsText] = process.argv.slice(2);
if (beforePath === undefined || afterPath === undefined) {
  throw new Error('usage: node torture/soak/diff-heap-snapshots.ts <before.heapsnapshot> <after.heapsnapshot> [rows]');
}
const read = (path: string) => groupHeap(JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshotFile);
const growth = heapGrowth(read(beforePath), read(afterPath));
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
console.log(`own size change of every object: ${kib(growth.reduce((sum, row) => sum + row.bytesChange, 0))}`);
for (const row of growth.slice(0, Number(rowsText ?? 30))) {
  console.log(
    `${kib(row.bytesChange).padStart(10)} ${String(row.countChange).padStart(8)} objects   (now ${row.count}, ${kib(row.bytes)})   ${row.group}`,
  );
}
