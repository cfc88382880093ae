import { CANCELLED, SHUTTING_DOWN } from '@once/producer';
import { type MessageId, type MessageSnapshot, newId, type TurnId, type Usage } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { type RecordedStream, recordStream, userMessage } from '../test/recorded-turn.ts';
import { createDemoProvider } from './demo/demo-provider.ts';
import type { ModelPart, ModelProvider } from './model-provider.ts';
import { runTurn } from './run-turn.ts';
import { createClockTool } from './tools/clock-tool.ts';

const NOW = new Date('2026-11-23T21:00:00.000Z');
const clock = createClockTool({ now: () => NOW });

function start(stream: RecordedStream, prompt: string, provider: ModelProvider, controller = new AbortController()) {
  const turnId = newId() as TurnId;
  const user = userMessage(stream.conversationId, prompt, turnId);
  return {
    turnId,
    user,
    outcome: runTurn({
      conversationId: stream.conversationId,
      turnId,
      userMessageId: user.id as MessageId,
      history: [user],
      provider,
      tools: [clock],
      append: stream.append,
      signal: controller.signal,
    }),
  };
}

const typesOf = (stream: RecordedStream) => stream.events().map((event) => event.type);
const turnEnds = (stream: RecordedStream) =>
  stream.events().flatMap((event) => (event.type === 'turn_end' ? [(event.data as { reason: string }).reason] : []));
const textOf = (message: MessageSnapshot) =>
  message.blocks.map((block) => (block.type === 'text' ? block.text : '')).join('');
const deltaCount = (stream: RecordedStream) => typesOf(stream).filter((type) => type === 'block_delta').length;

/** A provider that streams `words`, then fails with `failure` or waits until its signal aborts. */
function scriptedProvider(words: readonly string[], end: { failure?: Error; hang?: boolean; finish?: boolean }) {
  return {
    name: 'scripted',
    async *stream(request) {
      for (const text of words) yield { type: 'text', text } satisfies ModelPart;
      if (end.failure) throw end.failure;
      if (end.hang) {
        await new Promise((_resolve, reject) =>
          request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true }),
        );
      }
      if (end.finish) yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
    },
  } satisfies ModelProvider;
}

describe('runTurn', () => {
  it('writes a tool turn as ONE assistant message: text, tool_use, tool_result, text', async () => {
    const stream = recordStream();
    const { turnId, user, outcome } = start(
      stream,
      'What time is it? Use the tool.',
      createDemoProvider({ delayMs: 0, tokens: 20 }),
    );
    const { reason, message } = await outcome;

    expect(reason).toBe('complete');
    const opens = stream.events().filter((event) => event.type === 'message_open');
    expect(opens).toHaveLength(1);
    expect(stream.events().filter((event) => event.type === 'message_complete')).toHaveLength(1);
    expect(message).toMatchObject({ role: 'assistant', status: 'complete', turnId, stopReason: 'end_turn' });
    expect(message.blocks.map((block) => block.type)).toEqual(['text', 'tool_use', 'tool_result', 'text']);
    const [intro, call, result, answer] = message.blocks;
    expect(intro).toMatchObject({ status: 'closed', text: 'Let me check the clock first. ' });
    expect(call).toMatchObject({ status: 'closed', toolName: 'clock', input: { timeZone: 'UTC' } });
    expect(result).toMatchObject({
      status: 'closed',
      toolUseId: call?.type === 'tool_use' ? call.toolUseId : '',
      isError: false,
      result: { iso: NOW.toISOString(), timeZone: 'UTC' },
    });
    expect(result?.type === 'tool_result' && result.text).toMatch(/2026/);
    expect(answer?.type === 'text' && answer.text).toMatch(/^The clock says .*2026.*\. /);

    const folded = stream.fold();
    expect(folded.resync).toBeUndefined();
    expect(folded.messages).toEqual([message]);
    const types = typesOf(stream);
    expect(types[0]).toBe('turn_start');
    expect(types.at(-1)).toBe('turn_end');
    expect(stream.events()[0]?.data).toEqual({ turnId, userMessageId: user.id });
    expect(turnEnds(stream)).toEqual(['complete']);
    expect(folded.activeTurn).toBeUndefined();
    expect(folded.activity).toEqual({ phase: 'idle' });
  });

  it('emits a usage event per model call and the message carries their sum', async () => {
    const stream = recordStream();
    const { message } = await start(stream, 'tool time', createDemoProvider({ delayMs: 0, tokens: 20 })).outcome;
    const usages = stream.events().flatMap((event) => (event.type === 'usage' ? [event.data as Usage] : []));
    expect(usages).toHaveLength(2);
    for (const usage of usages) expect(usage.outputTokens).toBeGreaterThan(0);
    expect(message.usage).toEqual({
      inputTokens: usages.reduce((sum, usage) => sum + usage.inputTokens, 0),
      outputTokens: usages.reduce((sum, usage) => sum + usage.outputTokens, 0),
    });
  });

  it('on cancel mid-stream ends the message cancelled, keeping the text streamed so far', async () => {
    const stream = recordStream();
    const controller = new AbortController();
    stream.onAppend = () => {
      if (deltaCount(stream) === 5) controller.abort(CANCELLED);
    };
    const provider = createDemoProvider({ delayMs: 0, tokens: 50 });
    const { outcome } = start(stream, 'A long story', provider, controller);
    const { reason, message } = await outcome;

    expect(reason).toBe('cancelled');
    expect(message.status).toBe('cancelled');
    expect(message.blocks.every((block) => block.status === 'closed')).toBe(true);
    const streamed = stream
      .events()
      .flatMap((event) => (event.type === 'block_delta' ? [(event.data as { text?: string }).text ?? ''] : []))
      .join('');
    expect(textOf(message)).toBe(streamed);
    expect(textOf(message).length).toBeGreaterThan(0);
    const whole = await start(recordStream(), 'A long story', provider).outcome;
    expect(textOf(whole.message).startsWith(textOf(message))).toBe(true);
    expect(textOf(whole.message).length).toBeGreaterThan(textOf(message).length);
    expect(turnEnds(stream)).toEqual(['cancelled']);
    expect(stream.fold().messages).toEqual([message]);
  });

  it('ends the message interrupted when the daemon shuts down mid-turn', async () => {
    const stream = recordStream();
    const controller = new AbortController();
    const { outcome } = start(stream, 'hi', scriptedProvider(['Half ', 'a '], { hang: true }), controller);
    await new Promise<void>((resolve) => {
      stream.onAppend = () => {
        if (deltaCount(stream) === 2) resolve();
      };
    });
    controller.abort(SHUTTING_DOWN);
    const { reason, message } = await outcome;
    expect(reason).toBe('interrupted');
    expect(message.status).toBe('interrupted');
    expect(textOf(message)).toBe('Half a ');
    expect(turnEnds(stream)).toEqual(['interrupted']);
  });

  it('ends the message with status error and the provider’s message when the provider fails', async () => {
    const stream = recordStream();
    const provider = scriptedProvider(['Partial '], { failure: new Error('The model is overloaded.') });
    const { reason, message } = await start(stream, 'hi', provider).outcome;
    expect(reason).toBe('error');
    expect(message).toMatchObject({
      status: 'error',
      error: { code: 'provider_error', message: 'The model is overloaded.' },
    });
    expect(textOf(message)).toBe('Partial ');
    expect(turnEnds(stream)).toEqual(['error']);
    expect(stream.fold().messages).toEqual([message]);
  });

  it('treats a model stream that ends without finishing as an error that says so', async () => {
    const stream = recordStream();
    const { reason, message } = await start(stream, 'hi', scriptedProvider(['Cut '], {})).outcome;
    expect(reason).toBe('error');
    expect(message.error?.message).toMatch(/ended without finishing/);
  });

  it('hands off at a step boundary when a message is queued behind the turn', async () => {
    const stream = recordStream();
    const turnId = newId() as TurnId;
    const user = userMessage(stream.conversationId, 'use the tool', turnId);
    const { reason, message } = await runTurn({
      conversationId: stream.conversationId,
      turnId,
      userMessageId: user.id,
      history: [user],
      provider: createDemoProvider({ delayMs: 0, tokens: 20 }),
      tools: [clock],
      append: stream.append,
      signal: new AbortController().signal,
      shouldHandOff: () => true,
    });
    expect(reason).toBe('handoff');
    expect(message.blocks.map((block) => block.type)).toEqual(['text', 'tool_use', 'tool_result']);
    expect(message.status).toBe('complete');
    expect(turnEnds(stream)).toEqual(['handoff']);
  });
});
