/**
 * `content` in a fenced code block whose fence is longer than any run of backticks inside
 * it (at least three), so no line of the content can close it early.
 * @param info The info string after the opening fence, e.g. `json`; default none.
 */
export function markdownFence(content: string, info = ''): string {
  let longest = 0;
  for (const run of content.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const body = content.endsWith('\n') ? content : `${content}\n`;
  return `${fence}${info}\n${body}${fence}`;
}

/**
 * `text` with a fenced code block it opens and never closes (a message cut off inside
 * one, or a user's unbalanced fence) closed at its end, so the rest of a document it is
 * embedded in stays outside the block.
 */
export function closeOpenFence(text: string): string {
  let open: { char: string; length: number } | undefined;
  for (const line of text.split('\n')) {
    // CommonMark: up to three spaces of indent, then three or more backticks or tildes.
    const match = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (match === null) continue;
    const fence = match[1] ?? '';
    const rest = match[2] ?? '';
    if (open === undefined) {
      // A backtick fence's info string may not hold a backtick.
      if (fence.startsWith('`') && rest.includes('`')) continue;
      open = { char: fence.charAt(0), length: fence.length };
    } else if (fence.charAt(0) === open.char && fence.length >= open.length && rest.trim() === '') {
      open = undefined;
    }
  }
  if (open === undefined) return text;
  return `${text}${text.endsWith('\n') ? '' : '\n'}${open.char.repeat(open.length)}`;
}
