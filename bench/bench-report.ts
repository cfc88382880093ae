/** One measured figure, shown beside the physical limit it is compared with. */
export interface BenchRow {
  /** What was measured, e.g. "reducer apply, 1 subscriber". */
  readonly what: string;
  /** The measured figure; with `runs`, their median (see `medianOf`). */
  readonly value: number;
  /**
   * Every run's figure when the measurement was repeated: the report shows the median
   * (`value`) with the spread (lowest–highest) and the number of runs beside it.
   */
  readonly runs?: readonly number[];
  /** Unit of `value`, e.g. "events/s". */
  readonly unit: string;
  /** The physical limit measured in the same run, in the same unit, if there is one. */
  readonly limit?: { readonly what: string; readonly value: number };
  /** The goal the issue set, as text, e.g. "≥ 1,000,000 events/s". */
  readonly goal?: string;
}

/** What one benchmark file reports: a section of docs/BENCHMARKS.md. */
export interface BenchSection {
  readonly title: string;
  /** How the figures were produced, in a sentence or two. */
  readonly method: string;
  readonly rows: readonly BenchRow[];
  /** Observations worth keeping (profiles, why a figure is what it is). */
  readonly notes?: readonly string[];
  /** Plots written beside the report, shown under the table (paths relative to docs/). */
  readonly images?: readonly { readonly alt: string; readonly path: string }[];
}

/** The median of repeated runs' figures (the mean of the middle two for an even count). */
export function medianOf(runs: readonly number[]): number {
  if (runs.length === 0) throw new Error('medianOf needs at least one run');
  const sorted = [...runs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A row measured over several runs: the median as its figure, every run kept for the spread. */
export function rowFromRuns(row: Omit<BenchRow, 'value' | 'runs'>, runs: readonly number[]): BenchRow {
  return { ...row, value: medianOf(runs), runs };
}

/** A benchmark file's default export. */
export type Bench = () => Promise<BenchSection>;
