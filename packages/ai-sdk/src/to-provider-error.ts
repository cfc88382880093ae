import { ProviderError, type ProviderErrorCode } from '@once/agent';
import {
  type AISDKError,
  APICallError,
  InvalidArgumentError,
  InvalidMessageRoleError,
  InvalidPromptError,
  LoadAPIKeyError,
  MissingToolResultsError,
  NoSuchModelError,
  RetryError,
  UnsupportedFunctionalityError,
} from 'ai';

/**
 * Turns what a model call reported — an `error` part, or a throw — into a
 * {@link ProviderError}. The AI SDK's `APICallError` (a failed HTTP call),
 * `StreamProviderError` (an error event inside the stream) and the gateway's errors carry
 * `statusCode` and `isRetryable`; `isRetryable` decides, the status names the code:
 *
 * | what                                 | code             | retryable            |
 * | ------------------------------------ | ---------------- | -------------------- |
 * | 429                                  | `rate_limited`   | as the SDK says      |
 * | 503, 529                             | `overloaded`     | as the SDK says      |
 * | 408                                  | `timeout`        | as the SDK says      |
 * | 401, 403, a missing API key          | `authentication` | as the SDK says; no  |
 * | other 4xx                            | `invalid_request`| as the SDK says      |
 * | 5xx, and errors with no status       | `provider_error` | as the SDK says      |
 * | an HTTP call with no response        | `network`        | as the SDK says      |
 * | a prompt or setting the SDK refuses  | `invalid_request`| no                   |
 * | anything else                        | `provider_error` | no                   |
 *
 * `retryAfterMs` comes from the response's `retry-after-ms`, else `retry-after` in
 * seconds or as an HTTP date. Aborts are not mapped: the caller rethrows the signal's
 * reason first.
 */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (RetryError.isInstance(error)) return toProviderError(error.lastError);
  if (LoadAPIKeyError.isInstance(error)) {
    return new ProviderError('authentication', error.message, { retryable: false, cause: error });
  }
  if (isRefusedRequest(error)) {
    return new ProviderError('invalid_request', error.message, { retryable: false, cause: error });
  }
  if (hasRetryInformation(error)) {
    const status = error.statusCode;
    const retryAfterMs = APICallError.isInstance(error) ? retryAfterOf(error.responseHeaders) : undefined;
    const code =
      status === undefined ? (APICallError.isInstance(error) ? 'network' : 'provider_error') : codeOf(status);
    return new ProviderError(code, error.message, {
      retryable: error.isRetryable,
      cause: error,
      ...(status === undefined ? {} : { status }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError('provider_error', `The model call failed: ${message}`, { retryable: false, cause: error });
}

function codeOf(status: number): ProviderErrorCode {
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status === 408) return 'timeout';
  if (status === 401 || status === 403) return 'authentication';
  if (status >= 400 && status < 500) return 'invalid_request';
  return 'provider_error';
}

/** Errors the AI SDK raises before calling the model: sending the same again fails the same. */
function isRefusedRequest(error: unknown): error is AISDKError {
  return (
    InvalidPromptError.isInstance(error) ||
    InvalidMessageRoleError.isInstance(error) ||
    InvalidArgumentError.isInstance(error) ||
    MissingToolResultsError.isInstance(error) ||
    NoSuchModelError.isInstance(error) ||
    UnsupportedFunctionalityError.isInstance(error)
  );
}

/** `APICallError`, `StreamProviderError` and the gateway's errors all say whether to retry. */
function hasRetryInformation(error: unknown): error is Error & { statusCode?: number; isRetryable: boolean } {
  if (!(error instanceof Error) || !('isRetryable' in error) || typeof error.isRetryable !== 'boolean') return false;
  return !('statusCode' in error) || error.statusCode === undefined || typeof error.statusCode === 'number';
}

function retryAfterOf(headers: Record<string, string> | undefined): number | undefined {
  const header = (name: string) =>
    Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;
  const milliseconds = Number.parseFloat(header('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = header('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
