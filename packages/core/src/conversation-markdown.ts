import type { BlockSnapshot, JsonValue, MessageSnapshot } from '@once/protocol';
import { closeOpenFence, markdownFence } from './markdown-fence.ts';

/** What {@link conversationMarkdown} renders. */
export interface ConversationMarkdownInput {
  /** The conversation's title; an empty one reads "Untitled conversation". */
  readonly title: string;
  /**
   * The messages to render, in order. Pass the path the reader sees (the current branch,
   * once a conversation has branches), not every message the log holds.
   */
  readonly messages: readonly MessageSnapshot[];
  /**
   * What to do with thinking blocks: `details` puts each in a collapsed `<details>`
   * element, `omit` leaves them out. Default `details`.
   */
  readonly thinking?: 'details' | 'omit';
}

const ROLE_NAMES: Readonly<Record<MessageSnapshot['role'], string>> = { user: 'User', assistant: 'Assistant' };

/**
 * A conversation as a Markdown transcript: its title, then each message under a heading
 * with its role and time, its text as the Markdown it was written in, thinking collapsed,
 * tool calls and results, and surfaces' final data as fenced JSON, and a note on a
 * message that did not complete. Pure: the daemon's export and any client render the same.
 */
export function conversationMarkdown(input: ConversationMarkdownInput): string {
  const title = input.title.trim() === '' ? 'Untitled conversation' : input.title.trim();
  // A title is one line of plain text: a newline or a leading # would break the heading.
  const sections = [`# ${escapeInline(title.replace(/\s+/g, ' '))}`];
  for (const message of input.messages) sections.push(messageMarkdown(message, input.thinking ?? 'details'));
  return `${sections.join('\n\n')}\n`;
}

function messageMarkdown(message: MessageSnapshot, thinking: 'details' | 'omit'): string {
  const parts = [`## ${ROLE_NAMES[message.role]} · ${readableTime(message.createdAt)}`];
  const toolNames = new Map<string, string>();
  for (const block of message.blocks) {
    if (block.type === 'tool_use') toolNames.set(block.toolUseId, block.toolName);
    const rendered = blockMarkdown(block, thinking, toolNames);
    if (rendered !== undefined) parts.push(rendered);
  }
  if (parts.length === 1 && message.status === 'complete') parts.push('_(no content)_');
  const note = statusNote(message);
  if (note !== undefined) parts.push(note);
  return parts.join('\n\n');
}

function blockMarkdown(
  block: BlockSnapshot,
  thinking: 'details' | 'omit',
  toolNames: ReadonlyMap<string, string>,
): string | undefined {
  switch (block.type) {
    case 'text':
      return block.text.trim() === '' ? undefined : closeOpenFence(block.text.trimEnd());
    case 'thinking': {
      if (thinking === 'omit' || block.text.trim() === '') return undefined;
      // Blank lines around the content let Markdown inside <details> render as Markdown.
      return `<details>\n<summary>Thinking</summary>\n\n${closeOpenFence(block.text.trim())}\n\n</details>`;
    }
    case 'tool_use': {
      const input = block.input === undefined ? block.partialJson : json(block.input);
      return `**Tool call: ${code(block.toolName)}**\n\n${markdownFence(input, 'json')}`;
    }
    case 'tool_result': {
      const name = toolNames.get(block.toolUseId);
      const heading = `**${block.isError === true ? 'Tool error' : 'Tool result'}${name === undefined ? '' : `: ${code(name)}`}**`;
      if (block.result !== undefined) return `${heading}\n\n${markdownFence(json(block.result), 'json')}`;
      if (block.text === '') return `${heading}\n\n_(empty)_`;
      return `${heading}\n\n${markdownFence(block.text, 'text')}`;
    }
    case 'surface':
      return `**Surface: ${code(block.surfaceType)}** (${code(block.surfaceId)})\n\n${markdownFence(json(block.data), 'json')}`;
    default:
      return assertNever(block);
  }
}

function statusNote(message: MessageSnapshot): string | undefined {
  switch (message.status) {
    case 'complete':
      return undefined;
    case 'streaming':
      return '> _Still being written when this was exported._';
    case 'cancelled':
      return '> _Cancelled: stopped before it was finished._';
    case 'interrupted':
      return '> _Interrupted: the daemon stopped before it was finished._';
    case 'error': {
      const error = message.error;
      const detail =
        error === undefined ? '' : ` (${code(error.code)}): ${escapeInline(error.message.replace(/\s+/g, ' '))}`;
      return `> _Failed_${detail}`;
    }
    default:
      return assertNever(message.status);
  }
}

/** `2026-11-23T21:00:00.000Z` as `2026-11-23 21:00 UTC`. */
function readableTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function json(value: JsonValue): string {
  return JSON.stringify(value, null, 2);
}

/** An inline code span that holds `text` whatever backticks it contains. */
function code(text: string): string {
  let longest = 0;
  for (const run of text.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  const ticks = '`'.repeat(longest + 1);
  // A span whose text starts or ends with a backtick needs a space inside its delimiters.
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Plain text that Markdown shows as it is: its punctuation that Markdown reads is escaped. */
function escapeInline(text: string): string {
  return text.replace(/[\\`*_[\]#<>|~]/g, '\\$&');
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
