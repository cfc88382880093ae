// Checks a client's text against the model's known answer (answer-model.ts): each word
// `w<i> ` is unique, so a word shown twice is a duplicate and a missing word is lost.
import { wordOf } from './answer-model.ts';

/** Characters a client shows twice, and characters of the answer it does not show. */
export interface TextCheck {
  readonly duplicated: number;
  readonly lost: number;
}

/** Counts duplicated and lost characters of `text` against the first `expectedTokens` words of the answer. */
export function checkText(text: string, expectedTokens: number): TextCheck {
  const seen = new Map<number, number>();
  for (const match of text.matchAll(/w(\d+)(?:@[\d.]+)? /g)) {
    const index = Number(match[1]);
    seen.set(index, (seen.get(index) ?? 0) + 1);
  }
  let duplicated = 0;
  let lost = 0;
  for (let index = 0; index < expectedTokens; index += 1) {
    const count = seen.get(index) ?? 0;
    if (count === 0) lost += wordOf(index).length;
    else duplicated += (count - 1) * wordOf(index).length;
  }
  return { duplicated, lost };
}
