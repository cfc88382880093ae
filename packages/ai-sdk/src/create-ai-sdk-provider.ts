import type { ModelPart, ModelProvider, ModelRequest } from '@once/agent';
import { type LanguageModel, experimental_streamLanguageModelCall as streamLanguageModelCall } from 'ai';
import { logCallWarnings } from './log-call-warnings.ts';
import { createStreamPartMapper } from './map-stream-part.ts';
import { toModelMessages } from './to-model-messages.ts';
import { toProviderError } from './to-provider-error.ts';
import { toToolSet } from './to-tool-set.ts';

/** Provider-specific options the model call passes through, keyed by provider. */
export type AiSdkProviderOptions = NonNullable<Parameters<typeof streamLanguageModelCall>[0]['providerOptions']>;

/** Options of {@link createAiSdkProvider}. */
export interface CreateAiSdkProviderOptions {
  /**
   * The model: any AI SDK language model — `openai('gpt-4.1-mini')` from `@ai-sdk/openai`,
   * `anthropic('claude-sonnet-4-5')` from `@ai-sdk/anthropic`, Google, Ollama, … — or a
   * model id string, which the AI SDK resolves through its global provider (the gateway
   * by default).
   */
  readonly model: LanguageModel;
  /**
   * Options for the model's provider, passed to the model call as is, e.g.
   * `{ anthropic: { thinking: { type: 'enabled', budgetTokens: 2048 } } }`. Default: none.
   */
  readonly providerOptions?: AiSdkProviderOptions;
}

/**
 * A {@link ModelProvider} over the AI SDK, so every AI SDK provider package works in
 * process, while Once keeps its own tool loop, approvals, cancel and handoff: each call is
 * ONE model call, made with the AI SDK's `experimental_streamLanguageModelCall` (the call
 * `streamText` makes for each of its steps: the prompt and tools prepared as the provider
 * expects them, its tool calls parsed), with tools as schemas only (no `execute`), so the
 * AI SDK reports tool calls and never runs them. Not `streamText`: its step loop, retries,
 * replay buffer and result promises run each token through about ten web streams, which
 * cost a daemon with many answers streaming more than everything else a token costs it
 * (decision 034).
 *
 * Nothing is retried here: the turn runner retries, from the {@link ProviderError} this
 * throws (see `toProviderError`). The request's signal is the call's `abortSignal`, and an
 * abort stops reading the model's stream at once; it is thrown as the signal's reason,
 * never as a provider error.
 */
export function createAiSdkProvider(options: CreateAiSdkProviderOptions): ModelProvider {
  const { model } = options;
  const name = typeof model === 'string' ? model : model.provider;
  const modelId = typeof model === 'string' ? model : model.modelId;
  return {
    name,
    async *stream(request: ModelRequest): AsyncIterable<ModelPart> {
      const { signal } = request;
      const mapper = createStreamPartMapper();
      let reader: ReadableStreamDefaultReader<Parameters<typeof mapper.map>[0]> | undefined;
      // A provider that does not watch the signal would keep a read waiting: cancelling
      // the reader ends that read (done) at once.
      const stop = () => void reader?.cancel(signal.reason).catch(() => {});
      signal.addEventListener('abort', stop, { once: true });
      try {
        const { stream } = await streamLanguageModelCall({
          model,
          messages: toModelMessages(request.history, request.current, request.attachments),
          ...(request.tools.length === 0 ? {} : { tools: toToolSet(request.tools) }),
          abortSignal: signal,
          ...(options.providerOptions === undefined ? {} : { providerOptions: options.providerOptions }),
        });
        signal.throwIfAborted();
        reader = stream.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (value.type === 'error') throw value.error;
          if (value.type === 'model-call-start') logCallWarnings(value.warnings, name, modelId);
          yield* mapper.map(value);
        }
      } catch (caught) {
        signal.throwIfAborted();
        throw toProviderError(caught);
      } finally {
        signal.removeEventListener('abort', stop);
        // The consumer stopped early (a `return` from its loop): the model's stream is let go.
        reader?.cancel().catch(() => {});
      }
      // An abort ends the stream quietly (the reader was cancelled); it is the outcome, not a finished call.
      signal.throwIfAborted();
    },
  };
}
