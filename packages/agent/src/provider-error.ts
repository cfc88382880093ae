/** Why a model call failed, in provider-neutral terms. */
export type ProviderErrorCode =
  | 'rate_limited'
  | 'overloaded'
  | 'network'
  | 'timeout'
  | 'authentication'
  | 'invalid_request'
  | 'provider_error';

/** Options of {@link ProviderError}. */
export interface ProviderErrorOptions {
  /** True when the same call may succeed if tried again later (rate limits, overload, network). */
  readonly retryable: boolean;
  /** How long the provider asked us to wait, in milliseconds (from `retry-after`). */
  readonly retryAfterMs?: number;
  /** The HTTP status, when there was one. */
  readonly status?: number;
  readonly cause?: unknown;
}

/**
 * A failed model call. Providers throw it (from `stream()` or while iterating) so the
 * turn runner can decide without knowing the provider: retry with backoff when
 * `retryable` and nothing was streamed yet, otherwise end the message with `error`.
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly code: ProviderErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(code: ProviderErrorCode, message: string, options: ProviderErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}
