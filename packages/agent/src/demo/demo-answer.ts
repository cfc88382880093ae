/**
 * The demo model's words: deterministic markdown (a paragraph, a list, a fenced code
 * block) of about `tokens` tokens for a prompt. A token is a word with the whitespace
 * after it, so joining the tokens gives the text back.
 */
export function demoAnswer(prompt: string, tokens: number): string[] {
  const random = seededRandom(hash(prompt));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const topic = prompt.trim().split(/\s+/).slice(0, 6).join(' ') || 'nothing in particular';

  const list = [0, 1, 2].map(() => `- ${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}.\n`);
  const code = [
    '```ts\n',
    `const offset = ${Math.floor(random() * 9000) + 1000};\n`,
    'stream.resume({ after: offset });\n',
    '```\n',
  ];
  const fixed = [`You asked about "${topic}". `, ...list, ...code].flatMap(words);
  const filler: string[] = [];
  while (fixed.length + filler.length + 1 < tokens) {
    filler.push(...words(`${capitalise(pick(SUBJECTS))} ${pick(VERBS)} ${pick(OBJECTS)}. `));
  }
  const intro = words(`You asked about "${topic}". `);
  const paragraph = [...intro, ...filler.slice(0, Math.max(0, tokens - fixed.length - 1)), '\n\n'];
  return [...paragraph, ...list.flatMap(words), '\n', ...code.flatMap(words)];
}

/** Splits text into tokens that keep their trailing whitespace. */
export function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

const SUBJECTS = ['every event', 'the log', 'a reconnect', 'the reducer', 'each message', 'the snapshot'];
const VERBS = ['keeps', 'resumes from', 'commits', 'renders', 'replays', 'never drops'];
const OBJECTS = [
  'its offset',
  'exactly once',
  'the same bubble',
  'every delta',
  'the last event id',
  'a gapless stream',
];

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** FNV-1a, 32 bits: the same prompt always seeds the same answer. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** mulberry32: a small, fast PRNG; quality is irrelevant, determinism is the point. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
