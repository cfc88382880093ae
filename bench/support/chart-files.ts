// Writes a scaling curve beside docs/BENCHMARKS.md and names it for a section's `images`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { medianOf } from '../bench-report.ts';
import { type ChartPoint, type LineChart, lineChartSvg } from './svg-line-chart.ts';

const docs = join(import.meta.dirname, '..', '..', 'docs');

/** A chart point from repeated runs' figures: their median, lowest and highest. */
export function pointFromRuns(x: number, runs: readonly number[], scale = 1): ChartPoint {
  const sorted = [...runs].map((value) => value * scale).sort((first, second) => first - second);
  return { x, median: medianOf(sorted), low: sorted[0] as number, high: sorted.at(-1) as number };
}

/** Writes the chart to docs/bench/<name>.svg; returns the image entry for the section. */
export function writeChart(name: string, chart: LineChart): { alt: string; path: string } {
  mkdirSync(join(docs, 'bench'), { recursive: true });
  writeFileSync(join(docs, 'bench', `${name}.svg`), lineChartSvg(chart));
  return { alt: chart.title, path: `bench/${name}.svg` };
}

/** A note saying how long a section's run took and how busy the machine was (1-minute load average). */
export function runDuration(started: number, loadBefore: number): string {
  const seconds = Math.round((performance.now() - started) / 1000);
  const loadAfter = loadavg()[0] ?? 0;
  // More runnable processes than cores means other work took CPU from the measured processes.
  const busy = Math.max(loadBefore, loadAfter) > cpus().length;
  return `This section took ${Math.floor(seconds / 60)} min ${seconds % 60} s to run; the 1-minute load average was ${loadBefore.toFixed(1)} when it started and ${loadAfter.toFixed(1)} when it ended, on ${cpus().length} cores${busy ? ': other work shared the cores, so the figures are provisional until a run on a quiet machine' : ''}.`;
}
