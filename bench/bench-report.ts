/** One measured figure, shown beside the physical limit it is compared with. */
export interface BenchRow {
  /** What was measured, e.g. "reducer apply, 1 subscriber". */
  readonly what: string;
  /** The measured figure. */
  readonly value: number;
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
}

/** A benchmark file's default export. */
export type Bench = () => Promise<BenchSection>;
