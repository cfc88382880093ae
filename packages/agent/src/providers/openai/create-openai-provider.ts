import type OpenAI from 'openai';
import type { ModelPart, ModelProvider, ModelRequest } from '../../model-provider.ts';
import { createChatChunkReader } from './chat-chunk-reader.ts';
import { toChatMessages, toChatTools } from './to-chat-messages.ts';

/** Options of {@link createOpenAIProvider}. */
export interface OpenAIProviderOptions {
  /**
   * Sent as the bearer token. Required; a local server that checks none (Ollama, vLLM,
   * LM Studio) takes any non-empty string, e.g. `"ollama"`.
   */
  readonly apiKey: string;
  /** The model to call, e.g. `gpt-4.1-mini`, or `llama3.2` on Ollama. */
  readonly model: string;
  /**
   * Where the API lives, up to and including `/v1`, e.g. `http://localhost:11434/v1`
   * for Ollama. Default: the `OPENAI_BASE_URL` environment variable, else
   * `https://api.openai.com/v1`.
   */
  readonly baseURL?: string;
}

/**
 * A model behind the OpenAI Chat Completions API — OpenAI itself or any compatible
 * server — streamed with usage. The SDK never retries (`maxRetries: 0`): the turn runner
 * owns retries, and decides from the {@link ProviderError}'s `retryable` and
 * `retryAfterMs`. An abort of the request's signal is thrown as the signal's reason.
 */
export function createOpenAIProvider(options: OpenAIProviderOptions): ModelProvider {
  if (options.apiKey === '') {
    throw new Error('createOpenAIProvider needs an apiKey; for a local server that checks none, pass any text.');
  }
  // The SDK is loaded at the first call, not when the daemon starts, which most daemons
  // do without it.
  let client: Promise<OpenAI> | undefined;
  const connect = () =>
    (client ??= import('openai').then(
      ({ default: Sdk }) => new Sdk({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0 }),
    ));
  return {
    name: 'openai',
    async *stream(request: ModelRequest): AsyncIterable<ModelPart> {
      const { signal } = request;
      const reader = createChatChunkReader();
      const tools = toChatTools(request.tools);
      try {
        const stream = await (await connect()).chat.completions.create(
          {
            model: options.model,
            // `system` rather than `developer`: every compatible server knows it.
            messages: [
              ...(request.system === undefined ? [] : [{ role: 'system' as const, content: request.system }]),
              ...toChatMessages(request.history, request.current, request.attachments),
            ],
            // The API rejects an empty list: no tools means no `tools` field.
            ...(tools.length === 0 ? {} : { tools }),
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal },
        );
        for await (const chunk of stream) {
          // Chunks already buffered still arrive after an abort; nothing is yielded past it.
          signal.throwIfAborted();
          yield* reader.read(chunk);
        }
        // The SDK ends its stream quietly when aborted; an abort must not read as "finished".
        signal.throwIfAborted();
        yield* reader.end();
      } catch (error) {
        signal.throwIfAborted();
        // With the SDK it needs, loaded by now.
        const { toProviderError } = await import('./to-provider-error.ts');
        throw toProviderError(error);
      }
    },
  };
}
