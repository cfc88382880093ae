import { modelMessageSchema } from 'ai';
import { describe, expect, it } from 'vitest';
import { messageOf, userSays } from '../test/snapshots.ts';
import { MISSING_TOOL_RESULT, toModelMessages } from './to-model-messages.ts';

const weatherCall = (toolUseId: string, city: string) =>
  ({
    type: 'tool_use',
    status: 'closed',
    toolName: 'weather',
    toolUseId,
    partialJson: JSON.stringify({ city }),
    input: { city },
  }) as const;

describe('toModelMessages', () => {
  it('splits a multi-step assistant message into assistant and tool messages, step by step', () => {
    const turn = messageOf('assistant', [
      { type: 'thinking', status: 'closed', text: 'Two cities.' },
      { type: 'text', status: 'closed', text: 'Looking both up.' },
      weatherCall('call-1', 'Oslo'),
      weatherCall('call-2', 'Bergen'),
      { type: 'tool_result', status: 'closed', toolUseId: 'call-2', text: '', result: { celsius: 9 } },
      { type: 'tool_result', status: 'closed', toolUseId: 'call-1', text: '', result: 'sunny' },
      { type: 'surface', status: 'closed', surfaceId: 's1', surfaceType: 'chart', data: {} },
      { type: 'text', status: 'closed', text: 'Oslo is sunny, Bergen 9 °C.' },
    ]);
    const messages = toModelMessages([userSays('Weather in Oslo and Bergen?')], turn);
    expect(messages).toEqual([
      { role: 'user', content: 'Weather in Oslo and Bergen?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Looking both up.' },
          { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: { city: 'Oslo' } },
          { type: 'tool-call', toolCallId: 'call-2', toolName: 'weather', input: { city: 'Bergen' } },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'call-1', toolName: 'weather', output: { type: 'text', value: 'sunny' } },
          {
            type: 'tool-result',
            toolCallId: 'call-2',
            toolName: 'weather',
            output: { type: 'json', value: { celsius: 9 } },
          },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'Oslo is sunny, Bergen 9 °C.' }] },
    ]);
    for (const message of messages) expect(modelMessageSchema.safeParse(message).success).toBe(true);
  });

  it('tells the model which calls failed, were denied or never finished', () => {
    const turn = messageOf('assistant', [
      weatherCall('call-1', 'Oslo'),
      weatherCall('call-2', 'Atlantis'),
      weatherCall('call-3', 'Bergen'),
      {
        type: 'tool_result',
        status: 'closed',
        toolUseId: 'call-1',
        text: '',
        result: { error: 'The user did not allow this tool call.' },
        isError: true,
      },
      { type: 'tool_result', status: 'closed', toolUseId: 'call-2', text: '', result: 'No such city.', isError: true },
    ]);
    const [, tool] = toModelMessages([], turn);
    expect(tool).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'call-1',
          toolName: 'weather',
          output: { type: 'error-json', value: { error: 'The user did not allow this tool call.' } },
        },
        {
          type: 'tool-result',
          toolCallId: 'call-2',
          toolName: 'weather',
          output: { type: 'error-text', value: 'No such city.' },
        },
        {
          type: 'tool-result',
          toolCallId: 'call-3',
          toolName: 'weather',
          output: { type: 'error-text', value: MISSING_TOOL_RESULT },
        },
      ],
    });
  });

  it('sends the streamed input of a call cut short, and the streamed output of a result without one', () => {
    const turn = messageOf('assistant', [
      { type: 'tool_use', status: 'open', toolName: 'weather', toolUseId: 'call-1', partialJson: '{"city":"Oslo"}' },
      { type: 'tool_result', status: 'open', toolUseId: 'call-1', text: 'fetching…' },
    ]);
    expect(toModelMessages([], turn)).toEqual([
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: { city: 'Oslo' } }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call-1',
            toolName: 'weather',
            output: { type: 'text', value: 'fetching…' },
          },
        ],
      },
    ]);
  });

  it('leaves out messages with nothing to say and results without their call', () => {
    const failed = messageOf('assistant', [{ type: 'thinking', status: 'closed', text: 'Hmm.' }], 'error');
    const orphan = messageOf('assistant', [
      { type: 'tool_result', status: 'closed', toolUseId: 'call-9', text: '', result: 1 },
    ]);
    expect(toModelMessages([userSays('Hi'), failed, userSays('Hello?')], orphan)).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'user', content: 'Hello?' },
    ]);
  });
});
