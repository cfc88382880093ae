import { newId, type TurnId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { startAnthropicReplayServer } from '../../../test/anthropic-replay-server.ts';
import { recordStream, userMessage } from '../../../test/recorded-turn.ts';
import { runTurn } from '../../run-turn.ts';
import type { Tool } from '../../tools/tool.ts';
import { createAnthropicProvider } from './anthropic-provider.ts';

const temperatures: Record<string, number> = { Paris: 18, Tokyo: 24 };
const weather: Tool = {
  name: 'weather',
  description: 'Current temperature of a city, in °C.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  async run(input, { output }) {
    const city = typeof input === 'object' && input !== null && !Array.isArray(input) ? input.city : undefined;
    if (typeof city !== 'string') throw new Error('city is required');
    output(`${city}: ${temperatures[city]} °C`);
    return { city, celsius: temperatures[city] ?? null };
  },
};

describe('Anthropic provider through runTurn', () => {
  it('writes a two-tool-call turn as ONE assistant message: text, tool_use ×2, tool_result ×2, text', async () => {
    await using server = await startAnthropicReplayServer([
      { fixture: 'two-tool-calls.sse' },
      { fixture: 'text-after-tools.sse' },
    ]);
    const stream = recordStream();
    const turnId = newId() as TurnId;
    const user = userMessage(stream.conversationId, 'Weather in Paris and Tokyo?', turnId);
    const { reason, message } = await runTurn({
      conversationId: stream.conversationId,
      turnId,
      userMessageId: user.id,
      history: [user],
      provider: createAnthropicProvider({ apiKey: 'sk-ant-test', model: 'claude-opus-4-7', baseURL: server.baseURL }),
      tools: [weather],
      append: stream.append,
      signal: new AbortController().signal,
    });

    expect(reason).toBe('complete');
    expect(message).toMatchObject({ role: 'assistant', status: 'complete', stopReason: 'end_turn' });
    expect(message.usage).toEqual({ inputTokens: 230 + 402, outputTokens: 97 + 18 });
    expect(message.blocks.map((block) => block.type)).toEqual([
      'text',
      'tool_use',
      'tool_use',
      'tool_result',
      'tool_result',
      'text',
    ]);
    expect(message.blocks).toMatchObject([
      { type: 'text', text: 'I will check both cities.' },
      { type: 'tool_use', toolUseId: 'toolu_01Paris', input: { city: 'Paris' }, partialJson: '{"city": "Paris"}' },
      { type: 'tool_use', toolUseId: 'toolu_02Tokyo', input: { city: 'Tokyo' }, partialJson: '{"city": "Tokyo"}' },
      { type: 'tool_result', toolUseId: 'toolu_01Paris', result: { city: 'Paris', celsius: 18 }, isError: false },
      { type: 'tool_result', toolUseId: 'toolu_02Tokyo', result: { city: 'Tokyo', celsius: 24 }, isError: false },
      { type: 'text', text: 'Paris is 18 °C and Tokyo is 24 °C.' },
    ]);

    const events = stream.events();
    expect(events.filter((event) => event.type === 'message_open')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'message_complete')).toHaveLength(1);
    const folded = stream.fold();
    expect(folded.resync).toBeUndefined();
    expect(folded.messages).toEqual([message]);

    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.body).toMatchObject({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'I will check both cities.' },
            { type: 'tool_use', id: 'toolu_01Paris', name: 'weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_02Tokyo', name: 'weather', input: { city: 'Tokyo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01Paris', content: '{"city":"Paris","celsius":18}' },
            { type: 'tool_result', tool_use_id: 'toolu_02Tokyo', content: '{"city":"Tokyo","celsius":24}' },
          ],
        },
      ],
    });
  });
});
