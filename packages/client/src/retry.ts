import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { isRetryable } from './is-retryable.ts';
import { sleep, type Timers } from './timers.ts';

/** Options of {@link retry}. */
export interface RetryOptions {
  /** How many times to try in all. Default 5. */
  readonly attempts?: number;
  readonly backoff?: BackoffOptions;
  readonly timers: Timers;
  /** A number in [0, 1) for jitter. */
  readonly random: () => number;
  /** Stops retrying; the last error is thrown. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `operation` until it succeeds, fails with an error that retrying cannot fix (see
 * {@link isRetryable}), or runs out of attempts; waits a jittered exponential backoff in
 * between. Only for operations that are safe to repeat (a send with the same
 * clientMessageId, a cancel, a decision).
 */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      const last = attempt + 1 >= attempts || options.signal?.aborted === true;
      if (last || !isRetryable(error)) throw error;
    }
    await sleep(options.timers, backoffDelay(attempt, options.backoff ?? {}, options.random), abortedOrNever(options));
  }
}

function abortedOrNever(options: RetryOptions): AbortSignal {
  return options.signal ?? new AbortController().signal;
}
