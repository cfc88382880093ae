import {
  type BlockSnapshot,
  type ConversationId,
  type MessageId,
  type MessageSnapshot,
  type MessageStatus,
  newId,
  type TurnId,
} from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { userMessage } from '../../../test/recorded-turn.ts';
import { toAnthropicMessages, toAnthropicTools } from './to-anthropic-messages.ts';

const conversationId = newId() as ConversationId;
const user = (text: string) => userMessage(conversationId, text);

/** A block as a test writes it: its position and status are filled in. */
type WithoutPosition<Block> = Block extends unknown ? Omit<Block, 'index' | 'status'> : never;
type BlockDraft = WithoutPosition<BlockSnapshot>;

function assistant(blocks: readonly BlockDraft[], status: MessageStatus = 'complete'): MessageSnapshot {
  return {
    id: newId() as MessageId,
    conversationId,
    role: 'assistant',
    status,
    turnId: newId() as TurnId,
    createdAt: '2026-11-23T21:00:00.000Z',
    blocks: blocks.map((block, index) => ({ ...block, index, status: 'closed' }) as BlockSnapshot),
    watermarks: {},
  };
}

const text = (value: string) => ({ type: 'text', text: value }) as const;
const call = (toolUseId: string, input: { [key: string]: string } = { q: toolUseId }) =>
  ({ type: 'tool_use', toolName: 'search', toolUseId, partialJson: JSON.stringify(input), input }) as const;
const result = (toolUseId: string, value: string) =>
  ({ type: 'tool_result', toolUseId, text: '', result: { value }, isError: false }) as const;

describe('toAnthropicMessages', () => {
  it('splits a multi-step turn, stored as one message, into alternating assistant and user messages', () => {
    const turn = assistant([
      text('First I search.'),
      call('toolu_1'),
      result('toolu_1', 'one'),
      text('Once more.'),
      call('toolu_2'),
      result('toolu_2', 'two'),
      text('Done.'),
    ]);
    expect(toAnthropicMessages([user('Go'), turn], assistant([], 'streaming'))).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'First I search.' },
          { type: 'tool_use', id: 'toolu_1', name: 'search', input: { q: 'toolu_1' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"value":"one"}' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Once more.' },
          { type: 'tool_use', id: 'toolu_2', name: 'search', input: { q: 'toolu_2' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: '{"value":"two"}' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
    ]);
  });

  it('leaves out thinking, surfaces and empty text', () => {
    const turn = assistant([
      { type: 'thinking', text: 'Hmm.' },
      text(''),
      text('Here.'),
      { type: 'surface', surfaceId: 's1', surfaceType: 'chart', data: { points: [] } },
    ]);
    expect(toAnthropicMessages([user('Hi'), turn], assistant([], 'streaming'))).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Here.' }] },
    ]);
  });

  it.each(['error', 'cancelled', 'interrupted'] as const)(
    'skips a message that ended %s with no content and merges the user messages around it',
    (status) => {
      const failed = assistant([{ type: 'thinking', text: 'Half a thought' }], status);
      expect(toAnthropicMessages([user('One'), failed, user('Two')], assistant([], 'streaming'))).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'One' },
            { type: 'text', text: 'Two' },
          ],
        },
      ]);
    },
  );

  it('keeps what a cut-short message said but drops its tool call that never got a result', () => {
    const cut = assistant([text('Let me search'), call('toolu_lost')], 'cancelled');
    expect(toAnthropicMessages([user('One'), cut, user('Two')], assistant([], 'streaming'))).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'One' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Let me search' }] },
      { role: 'user', content: [{ type: 'text', text: 'Two' }] },
    ]);
  });

  it('sends a result as JSON text, a string result as is, streamed text when there is no result, and is_error', () => {
    const current = assistant(
      [
        call('toolu_json'),
        call('toolu_string'),
        call('toolu_streamed'),
        call('toolu_empty'),
        { type: 'tool_result', toolUseId: 'toolu_json', text: 'ignored', result: [1, 2], isError: false },
        { type: 'tool_result', toolUseId: 'toolu_string', text: '', result: 'plain words' },
        { type: 'tool_result', toolUseId: 'toolu_streamed', text: 'partial output', isError: true },
        { type: 'tool_result', toolUseId: 'toolu_empty', text: '' },
      ],
      'streaming',
    );
    expect(toAnthropicMessages([user('Go')], current).at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_json', content: '[1,2]' },
        { type: 'tool_result', tool_use_id: 'toolu_string', content: 'plain words' },
        { type: 'tool_result', tool_use_id: 'toolu_streamed', content: 'partial output', is_error: true },
        { type: 'tool_result', tool_use_id: 'toolu_empty' },
      ],
    });
  });

  it('falls back to the streamed JSON, then to {}, for a tool call closed without an object input', () => {
    const current = assistant(
      [
        { type: 'tool_use', toolName: 'search', toolUseId: 'toolu_a', partialJson: '{"q":"streamed"}' },
        { type: 'tool_use', toolName: 'search', toolUseId: 'toolu_b', partialJson: '{"q":', input: null },
        result('toolu_a', 'a'),
        result('toolu_b', 'b'),
      ],
      'streaming',
    );
    expect(toAnthropicMessages([user('Go')], current)[1]?.content).toEqual([
      { type: 'tool_use', id: 'toolu_a', name: 'search', input: { q: 'streamed' } },
      { type: 'tool_use', id: 'toolu_b', name: 'search', input: {} },
    ]);
  });

  it('appends a user message sent after a tool turn to the results, so roles still alternate', () => {
    const turn = assistant([call('toolu_1'), result('toolu_1', 'one')], 'interrupted');
    expect(toAnthropicMessages([user('Go'), turn, user('And now?')], assistant([], 'streaming')).at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: '{"value":"one"}' },
        { type: 'text', text: 'And now?' },
      ],
    });
  });
});

describe('toAnthropicTools', () => {
  it('maps name, description and input schema', () => {
    const inputSchema = { type: 'object', properties: { q: { type: 'string' } } };
    expect(toAnthropicTools([{ name: 'search', description: 'Searches.', inputSchema }])).toEqual([
      { name: 'search', description: 'Searches.', input_schema: inputSchema },
    ]);
  });
});
