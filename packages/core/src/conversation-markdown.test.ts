import type { BlockSnapshot, ConversationId, MessageId, MessageSnapshot, TurnId } from '@once/protocol';
import fc from 'fast-check';
import { marked, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { conversationMarkdown } from './conversation-markdown.ts';
import { closeOpenFence, markdownFence } from './markdown-fence.ts';

const conversationId = '019a5b1e-2f00-7c3a-9b1d-4e5f60718293' as ConversationId;
const turnId = '019a5b1e-2f00-7c3a-9b1d-4e5f60718294' as TurnId;

/** A block without the fields `message` fills in, per block type. */
type BlockInput = BlockSnapshot extends infer Block
  ? Block extends BlockSnapshot
    ? Omit<Block, 'index' | 'status'>
    : never
  : never;

function message(
  role: MessageSnapshot['role'],
  blocks: readonly BlockInput[],
  fields: Partial<MessageSnapshot> = {},
): MessageSnapshot {
  return {
    id: '019a5b1e-2f10-7d44-8a2b-3c4d5e6f7081' as MessageId,
    conversationId,
    role,
    status: 'complete',
    turnId,
    createdAt: '2026-11-23T21:05:09.000Z',
    blocks: blocks.map((block, index) => ({ ...block, index, status: 'closed' }) as BlockSnapshot),
    watermarks: {},
    ...fields,
  };
}

describe('conversationMarkdown', () => {
  it('gives the title, then each message under its role and time, its text as written', () => {
    const markdown = conversationMarkdown({
      title: 'Trip to Lisbon',
      messages: [
        message('user', [{ type: 'text', text: 'Where should I eat?' }]),
        message('assistant', [{ type: 'text', text: 'Try **Cervejaria Ramiro**.\n\n- clams\n- prawns\n' }]),
      ],
    });
    expect(markdown).toBe(
      [
        '# Trip to Lisbon',
        '',
        '## User · 2026-11-23 21:05 UTC',
        '',
        'Where should I eat?',
        '',
        '## Assistant · 2026-11-23 21:05 UTC',
        '',
        'Try **Cervejaria Ramiro**.\n\n- clams\n- prawns',
        '',
      ].join('\n'),
    );
  });

  it('names an untitled conversation and keeps a title on one heading line', () => {
    expect(conversationMarkdown({ title: '  ', messages: [] })).toBe('# Untitled conversation\n');
    expect(conversationMarkdown({ title: '# two\nlines', messages: [] })).toBe('# \\# two lines\n');
  });

  it('shows a tool call with its input and its result as fenced JSON, named by the call', () => {
    const markdown = conversationMarkdown({
      title: 't',
      messages: [
        message('assistant', [
          {
            type: 'tool_use',
            toolName: 'clock',
            toolUseId: 'toolu_1',
            partialJson: '{"zone":"UTC"}',
            input: { zone: 'UTC' },
          },
          { type: 'tool_result', toolUseId: 'toolu_1', text: '', result: { time: '21:00' }, isError: false },
          { type: 'tool_result', toolUseId: 'toolu_1', text: 'disk on fire', isError: true },
        ]),
      ],
    });
    expect(markdown).toContain('**Tool call: `clock`**\n\n```json\n{\n  "zone": "UTC"\n}\n```');
    expect(markdown).toContain('**Tool result: `clock`**\n\n```json\n{\n  "time": "21:00"\n}\n```');
    expect(markdown).toContain('**Tool error: `clock`**\n\n```text\ndisk on fire\n```');
  });

  it('shows a tool input still streaming as the JSON text received so far', () => {
    const markdown = conversationMarkdown({
      title: 't',
      messages: [
        message('assistant', [{ type: 'tool_use', toolName: 'search', toolUseId: 'a', partialJson: '{"q":"li' }], {
          status: 'interrupted',
        }),
      ],
    });
    expect(markdown).toContain('```json\n{"q":"li\n```');
    expect(markdown).toContain('> _Interrupted: the daemon stopped before it was finished._');
  });

  it("gives a surface's final data as fenced JSON", () => {
    const markdown = conversationMarkdown({
      title: 't',
      messages: [
        message('assistant', [{ type: 'surface', surfaceId: 'card_1', surfaceType: 'card', data: { title: 'Clock' } }]),
      ],
    });
    expect(markdown).toContain('**Surface: `card`** (`card_1`)\n\n```json\n{\n  "title": "Clock"\n}\n```');
  });

  it('collapses thinking in <details>, or leaves it out when asked', () => {
    const messages = [
      message('assistant', [
        { type: 'thinking', text: 'Hmm, *maybe*.' },
        { type: 'text', text: 'Yes.' },
      ]),
    ];
    expect(conversationMarkdown({ title: 't', messages })).toContain(
      '<details>\n<summary>Thinking</summary>\n\nHmm, *maybe*.\n\n</details>\n\nYes.',
    );
    const omitted = conversationMarkdown({ title: 't', messages, thinking: 'omit' });
    expect(omitted).not.toContain('maybe');
    expect(omitted).toContain('Yes.');
  });

  it('says how a message ended when it did not complete, and marks an empty one', () => {
    const markdown = conversationMarkdown({
      title: 't',
      messages: [
        message('assistant', [], {}),
        message('assistant', [{ type: 'text', text: 'Half an ans' }], { status: 'cancelled' }),
        message('assistant', [], {
          status: 'error',
          error: { code: 'provider_error', message: 'The model provider\nfailed.' },
        }),
        message('assistant', [{ type: 'text', text: 'Typing' }], { status: 'streaming' }),
      ],
    });
    expect(markdown).toContain('UTC\n\n_(no content)_\n\n## Assistant');
    expect(markdown).toContain('Half an ans\n\n> _Cancelled: stopped before it was finished._');
    expect(markdown).toContain('> _Failed_ (`provider_error`): The model provider failed.');
    expect(markdown).toContain('Typing\n\n> _Still being written when this was exported._');
  });

  it('keeps a code fence inside a tool result from closing the block that holds it', () => {
    const output = 'Here:\n```js\nlet a = `b`;\n```\nand ````four````';
    const markdown = conversationMarkdown({
      title: 't',
      messages: [message('assistant', [{ type: 'tool_result', toolUseId: 'x', text: output }])],
    });
    expect(markdown).toContain(`\`\`\`\`\`text\n${output}\n\`\`\`\`\``);
    const tokens = marked.lexer(markdown);
    expect(tokens.filter((token): token is Tokens.Code => token.type === 'code').map((token) => token.text)).toEqual([
      output,
    ]);
  });

  it("closes a text's unclosed code fence, so the next message is not swallowed by it", () => {
    const markdown = conversationMarkdown({
      title: 't',
      messages: [
        message('assistant', [{ type: 'text', text: 'Code:\n```python\nprint(1)' }], { status: 'cancelled' }),
        message('user', [{ type: 'text', text: 'thanks' }]),
      ],
    });
    const headings = marked.lexer(markdown).filter((token): token is Tokens.Heading => token.type === 'heading');
    expect(headings.map((token) => token.text)).toEqual([
      't',
      'Assistant · 2026-11-23 21:05 UTC',
      'User · 2026-11-23 21:05 UTC',
    ]);
  });
});

/** A line that is a code fence: up to three spaces, then three or more backticks or tildes. */
const FENCE_LINE = fc
  .tuple(fc.nat({ max: 3 }), fc.constantFrom('`', '~'), fc.integer({ min: 3, max: 8 }))
  .map(([indent, char, length]) => ' '.repeat(indent) + char.repeat(length));

describe('markdownFence', () => {
  it('holds any content as one code block whose text is the content', () => {
    fc.assert(
      // Lines that are fences of their own (the ones that could close ours) and lines of anything.
      fc.property(
        fc.array(fc.oneof(FENCE_LINE, fc.string({ unit: fc.constantFrom('`', '~', 'a', ' ', '#') }))),
        (lines) => {
          const content = ['x', ...lines, 'x'].join('\n');
          const tokens = marked.lexer(markdownFence(content, 'text'));
          expect(tokens).toHaveLength(1);
          expect(tokens[0]).toMatchObject({ type: 'code', text: content });
        },
      ),
    );
  });
});

describe('closeOpenFence', () => {
  it('keeps whatever a text holds from swallowing the message after it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(FENCE_LINE, fc.string({ unit: fc.constantFrom('`', '~', 'a', ' ', '#') }))),
        (lines) => {
          const markdown = conversationMarkdown({
            title: 't',
            messages: [
              message('assistant', [{ type: 'text', text: `x\n${lines.join('\n')}` }], { status: 'cancelled' }),
              message('user', [{ type: 'text', text: 'after' }]),
            ],
          });
          const tokens = marked.lexer(markdown).filter((token) => token.type !== 'space');
          expect(tokens.at(-2)).toMatchObject({ type: 'heading', depth: 2, text: 'User · 2026-11-23 21:05 UTC' });
          expect(tokens.at(-1)).toMatchObject({ type: 'paragraph', text: 'after' });
        },
      ),
    );
  });

  it('leaves balanced text as it is and closes an open fence with the same kind', () => {
    expect(closeOpenFence('a\n```\nb\n```\nc')).toBe('a\n```\nb\n```\nc');
    expect(closeOpenFence('a\n~~~~ts\nb')).toBe('a\n~~~~ts\nb\n~~~~');
    expect(closeOpenFence('```\nb\n``\n')).toBe('```\nb\n``\n```');
    // Inline code is no fence.
    expect(closeOpenFence('use ``` to open')).toBe('use ``` to open');
  });
});
