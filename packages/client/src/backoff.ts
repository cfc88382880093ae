/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** The delay before the first retry, in milliseconds, before jitter. Default 250. */
  readonly initialMs?: number;
  /** The longest delay, in milliseconds, before jitter. Default 15,000. */
  readonly maxMs?: number;
  /** How much the delay grows with each failed attempt. Default 2. */
  readonly factor?: number;
}

/**
 * How long to wait before retry number `attempt` (0 for the first retry): exponential,
 * capped, with "equal jitter" — half of the delay is fixed, the other half random — so a
 * thousand clients cut off by the same daemon restart do not all come back in the same
 * millisecond, yet none retries in a tight loop.
 *
 * @param random A number in [0, 1), as from `Math.random`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const initialMs = options.initialMs ?? 250;
  const maxMs = options.maxMs ?? 15_000;
  const factor = options.factor ?? 2;
  const capped = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt));
  return capped / 2 + (capped / 2) * random();
}
