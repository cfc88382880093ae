// Runs every bench/*.bench.ts (or the ones named on the command line) one after the
// other, each in a fresh Node process so one cannot warm up or slow down the next, and
// writes docs/BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from './bench-report.ts';

const benchDir = import.meta.dirname;
const only = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

const sections: BenchSection[] = [];
for (const file of files) {
  console.error(`bench: ${file}`);
  const child = spawnSync(process.execPath, ['--expose-gc', join(benchDir, 'run-one.ts'), join(benchDir, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) {
    console.error(`bench: ${file} failed with exit code ${child.status}`);
    process.exit(1);
  }
  sections.push(JSON.parse(child.stdout) as BenchSection);
}

const format = (value: number) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3));
const lines = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (bench/run.ts); do not edit by hand. Every figure stands beside',
  'the physical limit measured in the same run where one applies, as a ratio.',
  '',
  `Last run: ${new Date().toISOString()} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} · ${Math.round(totalmem() / 2 ** 30)} GiB`,
  '',
];
for (const section of sections) {
  lines.push(`## ${section.title}`, '', section.method, '');
  lines.push('| what | figure | physical limit (same run) | ratio | goal |', '| --- | --- | --- | --- | --- |');
  for (const row of section.rows) {
    const limit = row.limit ? `${row.limit.what}: ${format(row.limit.value)} ${row.unit}` : '—';
    const ratio = row.limit ? (row.value / row.limit.value).toFixed(2) : '—';
    lines.push(`| ${row.what} | ${format(row.value)} ${row.unit} | ${limit} | ${ratio} | ${row.goal ?? '—'} |`);
  }
  lines.push('');
  for (const note of section.notes ?? []) lines.push(`- ${note}`);
  if (section.notes?.length) lines.push('');
}
if (only.length > 0) {
  console.log(lines.join('\n'));
  console.error('bench: ran a subset, so docs/BENCHMARKS.md was left as it was.');
} else {
  writeFileSync(join(benchDir, '..', 'docs', 'BENCHMARKS.md'), lines.join('\n'));
  console.error('bench: wrote docs/BENCHMARKS.md');
}
