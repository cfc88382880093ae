import { type MessageId, newId, type TurnId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { type ChatReply, errorReply, startChatServer, streamReply } from '../../../test/openai-chat-server.ts';
import { type RecordedStream, recordStream, userMessage } from '../../../test/recorded-turn.ts';
import { runTurn } from '../../run-turn.ts';
import type { Tool } from '../../tools/tool.ts';
import { createOpenAIProvider } from './create-openai-provider.ts';

const temperatures: Record<string, number> = { Paris: 18, Athens: 24 };

/** A tool of this test only: the temperature of a city, from a fixed table. */
const weather: Tool = {
  name: 'weather',
  description: 'Current temperature of a city, in °C.',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  async run(input) {
    const city = typeof input === 'object' && input !== null && !Array.isArray(input) ? String(input.city) : '';
    return { city, celsius: temperatures[city] ?? null };
  },
};

async function turnAgainst(replies: readonly ChatReply[], stream: RecordedStream = recordStream()) {
  await using server = await startChatServer(replies);
  const turnId = newId() as TurnId;
  const user = userMessage(stream.conversationId, 'Weather in Paris and Athens?', turnId);
  const delays: number[] = [];
  const outcome = await runTurn({
    conversationId: stream.conversationId,
    turnId,
    userMessageId: user.id as MessageId,
    history: [user],
    provider: createOpenAIProvider({ apiKey: 'ollama', model: 'llama3.2', baseURL: server.baseURL }),
    tools: [weather],
    append: stream.append,
    signal: new AbortController().signal,
    retry: {
      sleep: async (milliseconds) => {
        delays.push(milliseconds);
      },
    },
  });
  return { ...outcome, stream, requests: server.requests, delays };
}

describe('OpenAI provider through runTurn', () => {
  it('writes two parallel tool calls and the answer after them as ONE assistant message', async () => {
    const { reason, message, stream, requests } = await turnAgainst([
      streamReply('parallel-tool-calls'),
      streamReply('final-answer'),
    ]);

    expect(reason).toBe('complete');
    const folded = stream.fold();
    expect(folded.resync).toBeUndefined();
    expect(folded.messages).toEqual([message]);
    expect(stream.events().filter((event) => event.type === 'message_open')).toHaveLength(1);
    expect(message).toMatchObject({
      role: 'assistant',
      status: 'complete',
      stopReason: 'end_turn',
      usage: { inputTokens: 61 + 120, outputTokens: 36 + 12 },
    });
    expect(message.blocks.map((block) => block.type)).toEqual([
      'tool_use',
      'tool_use',
      'tool_result',
      'tool_result',
      'text',
    ]);
    expect(message.blocks).toMatchObject([
      { toolUseId: 'call_Paris01', toolName: 'weather', partialJson: '{"city":"Paris"}', input: { city: 'Paris' } },
      { toolUseId: 'call_Athens02', toolName: 'weather', partialJson: '{"city":"Athens"}', input: { city: 'Athens' } },
      { toolUseId: 'call_Paris01', result: { city: 'Paris', celsius: 18 }, isError: false },
      { toolUseId: 'call_Athens02', result: { city: 'Athens', celsius: 24 }, isError: false },
      { text: 'Paris is 18 °C and Athens is 24 °C.' },
    ]);

    expect(requests).toHaveLength(2);
    expect(requests[1]?.body.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Athens?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_Paris01', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_Athens02', type: 'function', function: { name: 'weather', arguments: '{"city":"Athens"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_Paris01', content: '{"city":"Paris","celsius":18}' },
      { role: 'tool', tool_call_id: 'call_Athens02', content: '{"city":"Athens","celsius":24}' },
    ]);
  });

  it('retries a 429 before any output after the wait the server asked for', async () => {
    const { reason, message, requests, delays } = await turnAgainst([
      errorReply('rate-limited'),
      streamReply('plain-text'),
    ]);

    expect(reason).toBe('complete');
    expect(requests).toHaveLength(2);
    expect(delays).toEqual([2000]);
    expect(message.blocks).toMatchObject([{ type: 'text', text: 'Hello there!' }]);
  });

  it('ends the message with error and keeps the text when the stream breaks mid-way', async () => {
    const stream = recordStream();
    const { reason, message } = await turnAgainst([streamReply('cut-after-text')], stream);

    expect(reason).toBe('error');
    expect(message).toMatchObject({ status: 'error', error: { code: 'network' } });
    expect(message.blocks).toMatchObject([{ type: 'text', text: 'Once upon a time' }]);
    expect(stream.fold().messages).toEqual([message]);
  });
});
