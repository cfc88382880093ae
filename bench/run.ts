// Runs every bench/*.bench.ts (or the ones named on the command line) one after the
// other, each in a fresh Node process so one cannot warm up or slow down the next, and
// writes docs/BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const machine = `Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} · ${Math.round(totalmem() / 2 ** 30)} GiB`;

/** One section as markdown, from its `## ` heading to its last note. */
function sectionText(section: BenchSection, runAt?: string): string {
  const lines = [`## ${section.title}`, ''];
  if (runAt !== undefined) lines.push(`Run on its own: ${runAt} · ${machine}`, '');
  lines.push(section.method, '');
  lines.push('| what | figure | physical limit (same run) | ratio | goal |', '| --- | --- | --- | --- | --- |');
  for (const row of section.rows) {
    const limit = row.limit ? `${row.limit.what}: ${format(row.limit.value)} ${row.unit}` : '—';
    const ratio = row.limit ? (row.value / row.limit.value).toFixed(2) : '—';
    const spread =
      row.runs && row.runs.length > 1
        ? ` (median of ${row.runs.length} runs, ${format(Math.min(...row.runs))}–${format(Math.max(...row.runs))})`
        : '';
    lines.push(
      `| ${row.what} | ${format(row.value)} ${row.unit}${spread} | ${limit} | ${ratio} | ${row.goal ?? '—'} |`,
    );
  }
  lines.push('');
  for (const image of section.images ?? []) lines.push(`![${image.alt}](${image.path})`, '');
  for (const note of section.notes ?? []) lines.push(`- ${note}`);
  if (section.notes?.length) lines.push('');
  return lines.join('\n');
}

const report = join(benchDir, '..', 'docs', 'BENCHMARKS.md');
if (only.length === 0) {
  const head = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); do not edit by hand. Every figure stands beside',
    'the physical limit measured in the same run where one applies, as a ratio.',
    '',
    `Last run: ${new Date().toISOString()} · ${machine}`,
    '',
  ].join('\n');
  writeFileSync(report, [head, ...sections.map((section) => sectionText(section))].join('\n'));
  console.error('bench: wrote docs/BENCHMARKS.md');
} else {
  // A subset run replaces its own sections (by title) and keeps the others as the last
  // full run wrote them; each replaced section says when it ran.
  const runAt = new Date().toISOString();
  const existing = existsSync(report) ? readFileSync(report, 'utf8') : '# Benchmarks\n';
  const [head = '', ...rest] = existing.split(/\n(?=## )/);
  const kept = rest.map((text) => ({ title: text.slice(3, text.indexOf('\n')), text }));
  for (const section of sections) {
    const text = sectionText(section, runAt);
    const index = kept.findIndex((entry) => entry.title === section.title);
    if (index === -1) kept.push({ title: section.title, text });
    else kept[index] = { title: section.title, text };
    console.log(text);
  }
  writeFileSync(report, [head, ...kept.map((entry) => entry.text)].join('\n'));
  console.error(`bench: updated ${sections.length} section(s) of docs/BENCHMARKS.md`);
}
