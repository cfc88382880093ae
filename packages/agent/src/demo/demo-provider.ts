import type { MessageSnapshot, ToolResultBlock } from '@once/protocol';
import type { ModelPart, ModelProvider, ModelRequest } from '../model-provider.ts';
import { demoAnswer, words } from './demo-answer.ts';
import { demoToolCall } from './demo-tool-call.ts';

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
 * message — more text; a prompt naming another offered tool calls that one (see
 * {@link demoToolCall}). A system prompt is quoted at the start of the answer
 * ("As instructed: …"), so it can be seen to arrive.
 */
export function createDemoProvider(options: DemoProviderOptions = {}): ModelProvider {
  const delayMs = options.delayMs ?? 15;
  const tokens = options.tokens ?? 120;
  return {
    name: 'demo',
    async *stream(request: ModelRequest): AsyncIterable<ModelPart> {
      const prompt = lastUserText(request.history);
      const toolResult = request.current.blocks.findLast((block) => block.type === 'tool_result');
      const call = toolResult === undefined ? demoToolCall(prompt, request.tools) : undefined;
      const pauses = createPauses(delayMs, request.signal);
      const pause = pauses.next;
      try {
        let emitted = 0;

        if (call !== undefined) {
          for (const token of words(call.preface)) {
            await pause();
            emitted += 1;
            yield { type: 'text', text: token };
          }
          const toolUseId = `demo-call-${request.current.blocks.length}`;
          yield { type: 'tool_call_start', toolUseId, toolName: call.toolName };
          for (const fragment of halves(JSON.stringify(call.input))) {
            await pause();
            yield { type: 'tool_call_delta', toolUseId, partialJson: fragment };
          }
          yield { type: 'tool_call_end', toolUseId, input: call.input };
          yield {
            type: 'finish',
            stopReason: 'tool_use',
            usage: { inputTokens: words(prompt).length, outputTokens: emitted + 2 },
          };
          return;
        }

        const instructions = request.system === undefined ? [] : words(`As instructed: ${request.system.trim()}\n\n`);
        const preface = [
          ...instructions,
          ...(toolResult === undefined ? [] : words(resultSentence(request.current, toolResult))),
        ];
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
      } finally {
        pauses.dispose();
      }
    },
  };
}

/**
 * The pauses between tokens: `next()` resolves `delayMs` later, and rejects with the
 * signal's reason once it aborts. One abort listener serves every pause of an answer
 * (a listener added and removed per token showed in the daemon's profile).
 */
function createPauses(delayMs: number, signal: AbortSignal): { next(): Promise<void>; dispose(): void } {
  let waiting: { reject(reason: unknown): void; timer: NodeJS.Timeout } | undefined;
  const onAbort = () => {
    if (waiting === undefined) return;
    clearTimeout(waiting.timer);
    waiting.reject(signal.reason);
    waiting = undefined;
  };
  signal.addEventListener('abort', onAbort);
  return {
    next() {
      if (signal.aborted) return Promise.reject(signal.reason);
      if (delayMs <= 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting = undefined;
          resolve();
        }, delayMs);
        waiting = { reject, timer };
      });
    },
    dispose: () => signal.removeEventListener('abort', onAbort),
  };
}

function lastUserText(history: readonly MessageSnapshot[]): string {
  const user = history.findLast((message) => message.role === 'user');
  return (user?.blocks ?? []).map((block) => ('text' in block ? block.text : '')).join('');
}

/** What the tool said, for the answer after it: the clock's time, or any tool's output or result. */
function resultSentence(current: MessageSnapshot, result: ToolResultBlock): string {
  const call = current.blocks.find((block) => block.type === 'tool_use' && block.toolUseId === result.toolUseId);
  const toolName = call?.type === 'tool_use' ? call.toolName : 'the tool';
  if (toolName === 'clock') return `The clock says ${result.text}. `;
  const said = result.text !== '' ? result.text : JSON.stringify(result.result ?? null);
  return `${toolName} ${result.isError ? 'failed' : 'answered'}: ${said}. `;
}

/** A JSON text in two fragments, cut after the first key, as a model streams tool input. */
function halves(json: string): string[] {
  const cut = json.indexOf(':');
  return cut <= 0 ? [json] : [json.slice(0, cut), json.slice(cut)];
}
