// The model both backends stream from: the AI SDK's own mock language model, paced like a
// real one (one token every 20 ms), whose answer is known in advance so a client's text can
// be checked word for word. The prompt says how long the answer is and whether each token
// carries the moment it left the model (for token-to-client latency).
import type { UIMessage } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import type { StreamPart } from '../../../packages/ai-sdk/test/mock-model.ts';

/** What one answer streams: `tokens` words, one every `delayMs`, each stamped with its send time if `timed`. */
export interface AnswerSpec {
  readonly tokens: number;
  readonly delayMs: number;
  readonly timed: boolean;
}

/** The user's text that asks for `spec`'s answer. */
export function promptFor(spec: AnswerSpec): string {
  return `answer ${spec.tokens} tokens every ${spec.delayMs} ms${spec.timed ? ' timed' : ''}`;
}

/** Reads the spec back from the last user message of a chat request (a fixed default if it has none). */
export function specOf(messages: readonly UIMessage[]): AnswerSpec {
  const last = messages.findLast((message) => message.role === 'user');
  return specOfText(last?.parts.map((part) => (part.type === 'text' ? part.text : '')).join('') ?? '');
}

/**
 * The same spec read from a language model's prompt (its last user message), for the model
 * run inside the daemon, which gets the prompt rather than the chat request's UI messages.
 */
export function specOfPrompt(prompt: ModelPrompt): AnswerSpec {
  const last = prompt.findLast((message) => message.role === 'user');
  const parts = last?.role === 'user' ? last.content : [];
  return specOfText(parts.map((part) => (part.type === 'text' ? part.text : '')).join(''));
}

function specOfText(text: string): AnswerSpec {
  const match = /answer (\d+) tokens every (\d+) ms( timed)?/.exec(text);
  return match === null
    ? { tokens: 50, delayMs: 20, timed: false }
    : { tokens: Number(match[1]), delayMs: Number(match[2]), timed: match[3] !== undefined };
}

/** A language model's prompt, as the model's `doStream` gets it. */
type ModelPrompt = Parameters<MockLanguageModelV4['doStream']>[0]['prompt'];

/** Token `index` of an untimed answer: `w<index>` and a space, unique in the answer. */
export const wordOf = (index: number) => `w${index} `;

/** Milliseconds since the epoch with microseconds, comparable across processes on one machine. */
export const preciseNow = () => performance.timeOrigin + performance.now();

/** A mock model whose stream is `spec`'s answer, each token enqueued `delayMs` after the previous one. */
export function answerModel(spec: AnswerSpec): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doStream: async () => {
      let index = -1;
      const stream = new ReadableStream<StreamPart>({
        async pull(controller) {
          if (index === -1) {
            controller.enqueue({ type: 'stream-start', warnings: [] });
            controller.enqueue({ type: 'text-start', id: 'text-1' });
            index = 0;
            return;
          }
          if (index === spec.tokens) {
            controller.enqueue({ type: 'text-end', id: 'text-1' });
            controller.enqueue({
              type: 'finish',
              finishReason: { unified: 'stop', raw: 'stop' },
              usage: {
                inputTokens: { total: 10, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
                outputTokens: { total: spec.tokens, text: undefined, reasoning: undefined },
              },
            });
            controller.close();
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, spec.delayMs));
          const word = spec.timed ? `w${index}@${preciseNow().toFixed(3)} ` : wordOf(index);
          controller.enqueue({ type: 'text-delta', id: 'text-1', delta: word });
          index += 1;
        },
      });
      return { stream };
    },
  });
}
