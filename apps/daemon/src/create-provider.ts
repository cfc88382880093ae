import { createAnthropicProvider, createDemoProvider, createOpenAIProvider, type ModelProvider } from '@once/agent';
import { OnceError } from '@once/protocol';
import type { DaemonConfig } from './config.ts';

/** Models used when `--model` / `ONCE_MODEL` is not set. */
export const DEFAULT_MODELS = { anthropic: 'claude-sonnet-4-5', openai: 'gpt-4.1-mini' } as const;

/**
 * The model provider the settings ask for. A missing key is one sentence at start-up,
 * not a stack trace at the first message. Keys come from the environment only
 * (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`), never from flags, so they stay out of `ps`.
 */
export function createProvider(config: DaemonConfig, env: Readonly<Record<string, string | undefined>>): ModelProvider {
  switch (config.provider) {
    case 'ui-stream':
      // The chat route runs the model; createTurnRunner sends turns there and asks for no provider.
      throw new OnceError(
        'invalid_request',
        '--provider ui-stream runs turns on the AI SDK chat route at --upstream-url, not on a model provider; a config file that sets provider replaces it.',
      );
    case 'demo':
      return createDemoProvider({ delayMs: config.demoDelayMs, tokens: config.demoTokens });
    case 'anthropic': {
      const apiKey = env.ANTHROPIC_API_KEY;
      if (!apiKey) {
        throw new OnceError(
          'invalid_request',
          'The anthropic provider needs ANTHROPIC_API_KEY in the environment; set it, or run with --provider demo.',
        );
      }
      return createAnthropicProvider({
        apiKey,
        model: config.model ?? DEFAULT_MODELS.anthropic,
        ...(config.baseUrl === undefined ? {} : { baseURL: config.baseUrl }),
      });
    }
    case 'openai': {
      // A compatible local server (Ollama, vLLM, LM Studio) takes any key.
      const apiKey = env.OPENAI_API_KEY || (config.baseUrl === undefined ? undefined : 'not-needed');
      if (!apiKey) {
        throw new OnceError(
          'invalid_request',
          'The openai provider needs OPENAI_API_KEY in the environment (or --base-url for a compatible local server); set it, or run with --provider demo.',
        );
      }
      return createOpenAIProvider({
        apiKey,
        model: config.model ?? DEFAULT_MODELS.openai,
        ...(config.baseUrl === undefined ? {} : { baseURL: config.baseUrl }),
      });
    }
  }
}
