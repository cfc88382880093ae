import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { ProviderError, type ProviderErrorCode } from '../../provider-error.ts';

/**
 * Turns what the OpenAI SDK or the connection threw into a {@link ProviderError}.
 *
 * | what                                   | code             | retryable |
 * | -------------------------------------- | ---------------- | --------- |
 * | 429                                    | `rate_limited`   | yes, but not for `insufficient_quota` |
 * | 503, 529                               | `overloaded`     | yes       |
 * | other 5xx, 409                         | `provider_error` | yes       |
 * | 408, request timeout                   | `timeout`        | yes       |
 * | 401, 403                               | `authentication` | no        |
 * | 400, 404 and other 4xx                 | `invalid_request`| no        |
 * | connection refused, socket cut mid-way | `network`        | yes       |
 * | an `error` object inside the stream    | by its numeric `code`, else `provider_error` | yes |
 * | a chunk that is not JSON               | `provider_error` | no        |
 *
 * `retryAfterMs` comes from `retry-after-ms`, else `retry-after` in seconds (the HTTP-date
 * form is not read). Aborts are not mapped: the caller rethrows the signal's reason first.
 */
export function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError('timeout', 'The model server did not answer in time.', { retryable: true, cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new ProviderError('network', `Could not reach the model server: ${describeCause(error)}`, {
      retryable: true,
      cause: error,
    });
  }
  if (error instanceof APIError) {
    // No status: the server sent `{ "error": … }` as a chunk after the stream had begun.
    const status = error.status ?? numericCode(error.code);
    if (status === undefined) {
      return new ProviderError('provider_error', `The model server failed mid-stream: ${error.message}`, {
        retryable: true,
        cause: error,
      });
    }
    const { code, retryable } = classifyStatus(status, error.code);
    const retryAfterMs = error.headers === undefined ? undefined : retryAfterOf(error.headers);
    return new ProviderError(code, error.message, {
      retryable,
      status,
      cause: error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError('provider_error', `The model server sent a chunk that is not JSON: ${error.message}`, {
      retryable: false,
      cause: error,
    });
  }
  // Anything else was thrown by the connection while the body streamed ("terminated").
  return new ProviderError('network', `The model stream broke off: ${describeCause(error)}`, {
    retryable: true,
    cause: error,
  });
}

function classifyStatus(
  status: number,
  errorCode: string | null | undefined,
): { code: ProviderErrorCode; retryable: boolean } {
  if (status === 429) return { code: 'rate_limited', retryable: errorCode !== 'insufficient_quota' };
  if (status === 503 || status === 529) return { code: 'overloaded', retryable: true };
  if (status >= 500 || status === 409) return { code: 'provider_error', retryable: true };
  if (status === 408) return { code: 'timeout', retryable: true };
  if (status === 401 || status === 403) return { code: 'authentication', retryable: false };
  return { code: 'invalid_request', retryable: false };
}

function retryAfterOf(headers: Headers): number | undefined {
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const seconds = Number.parseFloat(headers.get('retry-after') ?? '');
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return undefined;
}

/** OpenRouter and some proxies put the HTTP status of an in-stream error in its `code`. */
function numericCode(code: string | null | undefined): number | undefined {
  const status = Number(code ?? Number.NaN);
  return Number.isInteger(status) && status >= 400 && status < 600 ? status : undefined;
}

function describeCause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause === undefined || cause === message ? message : `${message} (${cause})`;
}
