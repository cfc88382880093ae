import { type ConversationId, type MessageId, type MessageSnapshot, newId, type TurnId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { startAnthropicReplayServer } from '../test/anthropic-replay-server.ts';
import { startChatServer, streamReply } from '../test/openai-chat-server.ts';
import { recordStream, userMessage } from '../test/recorded-turn.ts';
import { createDemoProvider } from './demo/demo-provider.ts';
import type { ModelPart, ModelProvider, ModelRequest } from './model-provider.ts';
import { createAnthropicProvider } from './providers/anthropic/anthropic-provider.ts';
import { createOpenAIProvider } from './providers/openai/create-openai-provider.ts';
import { runTurn } from './run-turn.ts';

const conversationId = newId() as ConversationId;
const SYSTEM = 'You are the release assistant of the Once team. Answer in one paragraph.';

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  const current: MessageSnapshot = {
    id: newId() as MessageId,
    conversationId,
    role: 'assistant',
    status: 'streaming',
    turnId: newId() as TurnId,
    createdAt: '2026-11-23T21:00:00.000Z',
    blocks: [],
    watermarks: {},
  };
  return {
    history: [userMessage(conversationId, 'Say hello')],
    current,
    tools: [],
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function drain(parts: AsyncIterable<ModelPart>): Promise<string> {
  let text = '';
  for await (const part of parts) if (part.type === 'text') text += part.text;
  return text;
}

describe('the system prompt', () => {
  it('goes to Anthropic as the top-level system field, and is absent without one', async () => {
    await using server = await startAnthropicReplayServer([{ fixture: 'text.sse' }, { fixture: 'text.sse' }]);
    const provider = createAnthropicProvider({
      apiKey: 'sk-ant-test',
      model: 'claude-opus-4-7',
      baseURL: server.baseURL,
    });
    await drain(provider.stream(request({ system: SYSTEM })));
    await drain(provider.stream(request()));

    expect(server.requests[0]?.body).toMatchObject({ system: SYSTEM });
    expect(server.requests[1]?.body).not.toHaveProperty('system');
  });

  it('goes to an OpenAI-compatible server as a first system message, and is absent without one', async () => {
    await using server = await startChatServer([streamReply('plain-text'), streamReply('plain-text')]);
    const provider = createOpenAIProvider({ apiKey: 'test-key', model: 'gpt-4.1-mini', baseURL: server.baseURL });
    await drain(provider.stream(request({ system: SYSTEM })));
    await drain(provider.stream(request()));

    expect(server.requests[0]?.body.messages).toEqual([
      { role: 'system', content: SYSTEM },
      { role: 'user', content: 'Say hello' },
    ]);
    expect(server.requests[1]?.body.messages).toEqual([{ role: 'user', content: 'Say hello' }]);
  });

  it('is quoted at the start of the demo model’s answer', async () => {
    const provider = createDemoProvider({ delayMs: 0 });
    expect(await drain(provider.stream(request({ system: SYSTEM })))).toMatch(/^As instructed: You are the release/);
    expect(await drain(provider.stream(request()))).not.toContain('As instructed');
  });

  it('reaches every model call of a turn run with one', async () => {
    const systems: (string | undefined)[] = [];
    const provider: ModelProvider = {
      name: 'recording',
      async *stream(modelRequest) {
        systems.push(modelRequest.system);
        yield { type: 'text', text: 'Hello.' };
        yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
      },
    };
    const stream = recordStream();
    const turnId = newId() as TurnId;
    const user = userMessage(stream.conversationId, 'Say hello', turnId);
    await runTurn({
      conversationId: stream.conversationId,
      turnId,
      userMessageId: user.id as MessageId,
      history: [user],
      provider,
      tools: [],
      system: SYSTEM,
      append: stream.append,
      signal: new AbortController().signal,
    });
    expect(systems).toEqual([SYSTEM]);
  });
});
