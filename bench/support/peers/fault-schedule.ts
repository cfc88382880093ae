// The seeded schedule of faults each chat meets while its answer streams: connection
// drops (the client's sockets reset, as a network would) and page reloads (the page goes
// away and a new one loads the history and resumes). The same seed gives both backends
// the same schedule.
import { seededRandom } from '../../../torture/seeded-random.ts';

/** One fault: what happens to the chat, and when, in ms after its message was sent. */
export interface Fault {
  readonly kind: 'drop' | 'reload';
  readonly atMs: number;
}

/**
 * For each of `chats` chats whose answer streams for `answerMs`, one to three faults at
 * random moments in the middle 70 % of the answer, at least 300 ms apart.
 */
export function faultSchedule(seed: number, chats: number, answerMs: number): Fault[][] {
  const random = seededRandom(seed);
  return Array.from({ length: chats }, () => {
    const count = random.int(1, 3);
    const moments: number[] = [];
    while (moments.length < count) {
      const atMs = random.int(Math.round(answerMs * 0.15), Math.round(answerMs * 0.85));
      if (moments.every((other) => Math.abs(other - atMs) >= 300)) moments.push(atMs);
    }
    return moments.sort((a, b) => a - b).map((atMs) => ({ kind: random.pick(['drop', 'reload'] as const), atMs }));
  });
}
