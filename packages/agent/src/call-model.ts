import type { MessageWriter } from '@once/producer';
import type { Usage } from '@once/protocol';
import type { ModelProvider, ModelRequest, StopReason } from './model-provider.ts';
import { ProviderError } from './provider-error.ts';

/** How a model call that failed before streaming anything is tried again. */
export interface RetryPolicy {
  /** Calls in all, the first included. Default 4. */
  readonly maxAttempts: number;
  /** Wait before the first retry, in ms; doubled each time, with ±25% jitter. Default 500. */
  readonly baseDelayMs: number;
  /** Longest wait, in ms (also caps a provider's retry-after). Default 20000. */
  readonly maxDelayMs: number;
  /** Waits; rejects when the signal aborts. Default: a timer. */
  readonly sleep: (milliseconds: number, signal: AbortSignal) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  sleep: (milliseconds, signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, milliseconds);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason);
        },
        { once: true },
      );
    }),
};

/** What one model call produced besides the blocks it wrote. */
export interface StepResult {
  readonly stopReason: StopReason;
  readonly usage: Usage;
  /** Indexes of the tool_use blocks this call opened, in order. */
  readonly toolUseBlocks: readonly number[];
}

/** Options of {@link callModel}. */
export interface CallModelOptions {
  readonly provider: ModelProvider;
  readonly request: Omit<ModelRequest, 'current'>;
  readonly writer: MessageWriter;
  readonly retry: RetryPolicy;
  readonly onPhase: (phase: 'thinking' | 'streaming', text?: string) => void;
}

/**
 * One model call, streamed into the message: text and thinking parts into text and
 * thinking blocks, tool calls into tool_use blocks. A retryable failure before anything
 * was written is tried again with backoff; after output it is thrown, since retrying
 * would write the answer twice.
 */
export async function callModel(options: CallModelOptions): Promise<StepResult> {
  const { retry, request } = options;
  for (let attempt = 1; ; attempt += 1) {
    const written = { any: false };
    try {
      return await streamOnce(options, written);
    } catch (error) {
      request.signal.throwIfAborted();
      if (!(error instanceof ProviderError) || !error.retryable || written.any || attempt >= retry.maxAttempts)
        throw error;
      const backoff = retry.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
      const delay = Math.min(retry.maxDelayMs, Math.max(backoff, error.retryAfterMs ?? 0));
      options.onPhase('thinking', `The model is busy (${error.code}); trying again in ${Math.ceil(delay / 1000)} s.`);
      await retry.sleep(delay, request.signal);
    }
  }
}

async function streamOnce(options: CallModelOptions, written: { any: boolean }): Promise<StepResult> {
  const { writer, request } = options;
  let open: { index: number; type: 'text' | 'thinking' } | undefined;
  const toolBlocks = new Map<string, number>();
  let finish: { stopReason: StopReason; usage: Usage } | undefined;
  const closeOpen = () => {
    if (open !== undefined) writer.closeBlock(open.index);
    open = undefined;
  };
  for await (const part of options.provider.stream({ ...request, current: writer.snapshot() })) {
    request.signal.throwIfAborted();
    if (part.type !== 'finish') written.any = true;
    switch (part.type) {
      case 'text':
      case 'thinking':
        if (open?.type !== part.type) {
          closeOpen();
          open = { index: writer.openBlock({ blockType: part.type }), type: part.type };
          options.onPhase(part.type === 'text' ? 'streaming' : 'thinking');
        }
        writer.appendDelta(open.index, { text: part.text });
        break;
      case 'tool_call_start':
        closeOpen();
        toolBlocks.set(
          part.toolUseId,
          writer.openBlock({ blockType: 'tool_use', toolName: part.toolName, toolUseId: part.toolUseId }),
        );
        break;
      case 'tool_call_delta': {
        const index = toolBlocks.get(part.toolUseId);
        if (index !== undefined) writer.appendDelta(index, { partialJson: part.partialJson });
        break;
      }
      case 'tool_call_end': {
        const index = toolBlocks.get(part.toolUseId);
        if (index !== undefined) writer.closeBlock(index, { input: part.input });
        break;
      }
      case 'finish':
        finish = { stopReason: part.stopReason, usage: part.usage };
        break;
    }
  }
  request.signal.throwIfAborted();
  closeOpen();
  if (finish === undefined) {
    throw new ProviderError('provider_error', `The ${options.provider.name} model stream ended without finishing.`, {
      retryable: !written.any,
    });
  }
  return { ...finish, toolUseBlocks: [...toolBlocks.values()] };
}
