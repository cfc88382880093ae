import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageSnapshot } from '@once/protocol';
import type { ModelPart, ModelProvider, ModelRequest } from '../model-provider.ts';
import { demoAnswer, words } from './demo-answer.ts';

/** Options of the demo model. */
export interface DemoProviderOptions {
  /** Pause between tokens, in milliseconds. Default 15 (`ONCE_DEMO_DELAY_MS`). */
  readonly delayMs?: number;
  /** About how many tokens an answer has. Default 120 (`ONCE_DEMO_TOKENS`). */
  readonly tokens?: number;
}

/**
 * A model that needs no key and no network: deterministic for a prompt, streamed token
 * by token, answering in markdown. A prompt containing the word "tool" gets a
 * multi-step turn: text, a `clock` tool call, and — once the tool result is in the
 * message — more text.
 */
export function createDemoProvider(options: DemoProviderOptions = {}): ModelProvider {
  const delayMs = options.delayMs ?? 15;
  const tokens = options.tokens ?? 120;
  return {
    name: 'demo',
    async *stream(request: ModelRequest): AsyncIterable<ModelPart> {
      const prompt = lastUserText(request.history);
      const wantsTool = /\btool\b/i.test(prompt) && request.tools.some((tool) => tool.name === 'clock');
      const toolResult = request.current.blocks.findLast((block) => block.type === 'tool_result');
      const pause = () => (delayMs > 0 ? sleep(delayMs, undefined, { signal: request.signal }) : Promise.resolve());
      let emitted = 0;

      if (wantsTool && toolResult === undefined) {
        for (const token of words('Let me check the clock first. ')) {
          await pause();
          emitted += 1;
          yield { type: 'text', text: token };
        }
        const toolUseId = `demo-call-${request.current.blocks.length}`;
        yield { type: 'tool_call_start', toolUseId, toolName: 'clock' };
        for (const fragment of ['{"timeZone"', ':"UTC"}']) {
          await pause();
          yield { type: 'tool_call_delta', toolUseId, partialJson: fragment };
        }
        yield { type: 'tool_call_end', toolUseId, input: { timeZone: 'UTC' } };
        yield {
          type: 'finish',
          stopReason: 'tool_use',
          usage: { inputTokens: words(prompt).length, outputTokens: emitted + 2 },
        };
        return;
      }

      const preface = toolResult === undefined ? [] : words(`The clock says ${toolResult.text}. `);
      for (const token of [...preface, ...demoAnswer(prompt, Math.max(1, tokens - preface.length))]) {
        await pause();
        emitted += 1;
        yield { type: 'text', text: token };
      }
      yield {
        type: 'finish',
        stopReason: 'end_turn',
        usage: { inputTokens: words(prompt).length, outputTokens: emitted },
      };
    },
  };
}

function lastUserText(history: readonly MessageSnapshot[]): string {
  const user = history.findLast((message) => message.role === 'user');
  return (user?.blocks ?? []).map((block) => ('text' in block ? block.text : '')).join('');
}
