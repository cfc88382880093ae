/**
 * The positions of a run's events as the `runs` table stores them: JSON text of
 * `[start, count, start, count, …]`, each pair a stretch of consecutive positions. A
 * stream that wrote alone gets one pair per run; interleaved streams get one pair per
 * event, still a few bytes each.
 */
export function encodePositions(positions: readonly number[]): string {
  const pairs: number[] = [];
  let start = positions[0];
  if (start === undefined) return '[]';
  let count = 1;
  for (let index = 1; index < positions.length; index += 1) {
    const position = positions[index] as number;
    if (position === start + count) {
      count += 1;
    } else {
      pairs.push(start, count);
      start = position;
      count = 1;
    }
  }
  pairs.push(start, count);
  return JSON.stringify(pairs);
}

/**
 * The positions of a stored run from the `skip`-th on, at most `limit` of them.
 * @param text what {@link encodePositions} wrote.
 */
export function decodePositions(text: string, skip: number, limit: number): number[] {
  const pairs = JSON.parse(text) as number[];
  const positions: number[] = [];
  let toSkip = skip;
  for (let index = 0; index + 1 < pairs.length && positions.length < limit; index += 2) {
    const start = pairs[index] as number;
    const count = pairs[index + 1] as number;
    if (toSkip >= count) {
      toSkip -= count;
      continue;
    }
    const end = Math.min(count, toSkip + limit - positions.length);
    for (let step = toSkip; step < end; step += 1) positions.push(start + step);
    toSkip = 0;
  }
  return positions;
}
