import type { ModelPart, ModelProvider, ModelRequest } from '@once/agent';
import { type LanguageModel, stepCountIs, streamText } from 'ai';
import { createStreamPartMapper } from './map-stream-part.ts';
import { toModelMessages } from './to-model-messages.ts';
import { toProviderError } from './to-provider-error.ts';
import { toToolSet } from './to-tool-set.ts';

/** Provider-specific options `streamText` passes through, keyed by provider. */
export type AiSdkProviderOptions = NonNullable<Parameters<typeof streamText>[0]['providerOptions']>;

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
   * Options for the model's provider, passed to `streamText` as is, e.g.
   * `{ anthropic: { thinking: { type: 'enabled', budgetTokens: 2048 } } }`. Default: none.
   */
  readonly providerOptions?: AiSdkProviderOptions;
}

/**
 * A {@link ModelProvider} over the AI SDK's `streamText`, so every AI SDK provider package
 * works in process, while Once keeps its own tool loop, approvals, cancel and handoff:
 * each call is ONE step (`stopWhen: stepCountIs(1)`) with tools as schemas only (no
 * `execute`), so the AI SDK reports tool calls and never runs them.
 *
 * The AI SDK's own retries are off (`maxRetries: 0`): the turn runner retries, from the
 * {@link ProviderError} this throws (see `toProviderError`). The request's signal is the
 * call's `abortSignal`; an abort is thrown as the signal's reason, never as a provider error.
 */
export function createAiSdkProvider(options: CreateAiSdkProviderOptions): ModelProvider {
  const { model } = options;
  return {
    name: typeof model === 'string' ? model : model.provider,
    async *stream(request: ModelRequest): AsyncIterable<ModelPart> {
      const { signal } = request;
      const mapper = createStreamPartMapper();
      const result = streamText({
        model,
        messages: toModelMessages(request.history, request.current, request.attachments),
        ...(request.tools.length === 0 ? {} : { tools: toToolSet(request.tools) }),
        stopWhen: stepCountIs(1),
        maxRetries: 0,
        abortSignal: signal,
        ...(options.providerOptions === undefined ? {} : { providerOptions: options.providerOptions }),
        // Errors arrive as `error` parts and are thrown from here; the default logs them too.
        onError: () => {},
      });
      try {
        for await (const part of result.fullStream) {
          if (part.type === 'abort') break;
          if (part.type === 'error') throw part.error;
          yield* mapper.map(part);
        }
      } catch (caught) {
        signal.throwIfAborted();
        throw toProviderError(caught);
      }
      // An abort ends the full stream quietly; it is the outcome, not a finished call.
      signal.throwIfAborted();
    },
  };
}
