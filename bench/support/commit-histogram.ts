// The daemon's own record of how long an append waits for its commit: the buckets of
// `once_append_commit_seconds` from /metrics, read before and after a round, so a
// benchmark can say how much of a latency the group commit accounts for.

/** Cumulative counts by upper bound (seconds), as Prometheus reports a histogram. */
export type CommitBuckets = ReadonlyMap<number, number>;

/** Reads the commit histogram's buckets from each daemon's /metrics and adds them up. */
export async function readCommitBuckets(urls: readonly string[]): Promise<CommitBuckets> {
  const buckets = new Map<number, number>();
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const match of text.matchAll(/^once_append_commit_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)) {
      const bound = match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]);
      buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
    }
  }
  return buckets;
}

/**
 * The bucket bound (in ms) under which `fraction` of the appends between two readings
 * committed: an upper bound on that percentile, as precise as the buckets are.
 */
export function commitPercentileBound(before: CommitBuckets, after: CommitBuckets, fraction: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Number.POSITIVE_INFINITY) ?? 0) - (before.get(Number.POSITIVE_INFINITY) ?? 0);
  if (total <= 0) return Number.NaN;
  for (const bound of bounds) {
    const within = (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
    if (within >= fraction * total) return bound * 1000;
  }
  return Number.POSITIVE_INFINITY;
}
