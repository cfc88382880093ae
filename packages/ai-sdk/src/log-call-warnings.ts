import type { CallWarning } from 'ai';

/**
 * Hands a model call's warnings (a setting or tool the provider does not support, a
 * deprecated prompt part) to the AI SDK's global warning logger, as `streamText` does:
 * `globalThis.AI_SDK_LOG_WARNINGS` when it is a function, none when it is `false`, and
 * otherwise each warning on the console.
 */
export function logCallWarnings(warnings: readonly CallWarning[], provider: string, model: string): void {
  if (warnings.length === 0) return;
  const logger = globalThis.AI_SDK_LOG_WARNINGS;
  if (logger === false) return;
  if (typeof logger === 'function') {
    logger({ warnings: [...warnings], provider, model });
    return;
  }
  for (const warning of warnings) console.warn(`AI SDK warning (${provider} / ${model}):`, warning);
}
