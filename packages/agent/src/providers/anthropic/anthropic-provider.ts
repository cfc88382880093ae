import type Anthropic from '@anthropic-ai/sdk';
import type { ModelPart, ModelProvider, ModelRequest } from '../../model-provider.ts';
import { ProviderError } from '../../provider-error.ts';
import { createAnthropicEventMapper } from './anthropic-event-mapper.ts';
import { toAnthropicMessages, toAnthropicTools } from './to-anthropic-messages.ts';

/** Options of {@link createAnthropicProvider}. */
export interface AnthropicProviderOptions {
  /** The Anthropic API key the SDK authenticates every call with. */
  readonly apiKey: string;
  /** The model to call, e.g. `claude-opus-4-7`. */
  readonly model: string;
  /** Where the API lives. Default `ANTHROPIC_BASE_URL`, else `https://api.anthropic.com`. */
  readonly baseURL?: string;
  /** Most tokens one model call may produce (`max_tokens`), thinking included. Default 4096. */
  readonly maxTokens?: number;
  /**
   * Turns on extended thinking, streamed as `thinking` parts. `budgetTokens` is how many
   * of `maxTokens` the model may think with (the API asks for at least 1024, and fewer
   * than `maxTokens`). Default: no thinking.
   */
  readonly thinking?: { readonly budgetTokens: number };
}

/**
 * A {@link ModelProvider} backed by Anthropic's Messages API, streamed. The SDK's own
 * retries are off (`maxRetries: 0`): the turn runner decides on retries, from the
 * {@link ProviderError} this throws. Aborting the request's signal closes the connection
 * and rethrows the signal's reason unchanged.
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  // The SDK is loaded at the first call, not when the daemon starts: it is the largest
  // module a daemon would load (0.1–0.2 s), and most daemons run another provider.
  let client: Promise<Anthropic> | undefined;
  const connect = () =>
    (client ??= import('@anthropic-ai/sdk').then(
      ({ default: Sdk }) => new Sdk({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 }),
    ));
  const maxTokens = options.maxTokens ?? 4096;
  return {
    name: 'anthropic',
    async *stream(request: ModelRequest): AsyncIterable<ModelPart> {
      const { signal } = request;
      const mapper = createAnthropicEventMapper();
      try {
        const events = await (await connect()).messages.create(
          {
            model: options.model,
            max_tokens: maxTokens,
            ...(request.system === undefined ? {} : { system: request.system }),
            messages: toAnthropicMessages(request.history, request.current, request.attachments),
            ...(request.tools.length === 0 ? {} : { tools: toAnthropicTools(request.tools) }),
            ...(options.thinking === undefined
              ? {}
              : { thinking: { type: 'enabled', budget_tokens: options.thinking.budgetTokens } }),
            stream: true,
          },
          { signal },
        );
        for await (const event of events) yield* mapper.map(event);
      } catch (caught) {
        signal.throwIfAborted();
        // With the SDK it needs, loaded by now.
        const { toProviderError } = await import('./to-provider-error.ts');
        throw toProviderError(caught);
      }
      // The SDK ends the stream quietly when aborted; the abort is the outcome, not a cut.
      signal.throwIfAborted();
      if (!mapper.finished) {
        throw new ProviderError('network', 'The Anthropic stream ended before message_stop.', { retryable: true });
      }
    },
  };
}
