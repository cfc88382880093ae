// The messages list as a person sees its structure, in a form two pages (or one page
// before and after a reload) can be compared in: the tags, the data-* attributes that
// describe what is shown, and the text, without what differs from one render to the next.
import type { Page } from 'playwright-core';

/**
 * The messages list (the element holding the `li.message` bubbles) as indented lines:
 * `<tag data-…="…">` for each element, its text nodes on their own lines, whitespace
 * folded. Left out as volatile: `id`, `class`, `style`, every `aria-*` that points at a
 * generated id, event handlers, the text of `<time>` (relative times move on), and the
 * highlighter's token spans inside `<pre>` (its code text stays): Shiki splits a line
 * streamed in pieces differently from the same line highlighted whole. An empty string
 * when the page shows no message.
 */
export async function normalisedMessagesDom(page: Page): Promise<string> {
  return page.evaluate(NORMALISED_MESSAGES_DOM);
}

/**
 * Runs in the page. A string, as the tests compile without the DOM's types. Attributes
 * kept: `data-*` (minus any holding a generated id), `role`, `aria-label`, `open`,
 * `disabled`, `href`, `type`.
 */
const NORMALISED_MESSAGES_DOM = `
(() => {
  const list = document.querySelector('li.message')?.parentElement;
  if (list == null) return '';
  const kept = (name) =>
    (name.startsWith('data-') && !/-(key|uid|react|radix)/.test(name)) ||
    ['role', 'aria-label', 'open', 'disabled', 'href', 'type'].includes(name);
  const lines = [];
  const walk = (node, depth) => {
    const indent = '  '.repeat(depth);
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent.replace(/\\s+/g, ' ').trim();
      if (text !== '') lines.push(indent + JSON.stringify(text));
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (tag === 'script' || tag === 'style') return;
    const attributes = [...node.attributes]
      .filter((attribute) => kept(attribute.name))
      .map((attribute) => attribute.name + '=' + JSON.stringify(attribute.value))
      .sort();
    lines.push(indent + '<' + [tag, ...attributes].join(' ') + '>');
    if (tag === 'time') return;
    if (tag === 'pre') {
      lines.push(indent + '  ' + JSON.stringify(node.textContent));
      return;
    }
    for (const child of node.childNodes) walk(child, depth + 1);
  };
  walk(list, 0);
  return lines.join('\\n');
})()
`;
