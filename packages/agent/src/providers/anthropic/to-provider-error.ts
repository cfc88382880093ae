import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import { ProviderError, type ProviderErrorCode } from '../../provider-error.ts';

/** What an Anthropic error `type` (from a response body or an `error` event) means. */
const errorTypes: Readonly<Record<string, { code: ProviderErrorCode; retryable: boolean }>> = {
  rate_limit_error: { code: 'rate_limited', retryable: true },
  overloaded_error: { code: 'overloaded', retryable: true },
  api_error: { code: 'provider_error', retryable: true },
  timeout_error: { code: 'timeout', retryable: true },
  authentication_error: { code: 'authentication', retryable: false },
  permission_error: { code: 'authentication', retryable: false },
  billing_error: { code: 'authentication', retryable: false },
  invalid_request_error: { code: 'invalid_request', retryable: false },
  not_found_error: { code: 'invalid_request', retryable: false },
  request_too_large: { code: 'invalid_request', retryable: false },
};

/**
 * Converts whatever an Anthropic call threw into a {@link ProviderError}: the HTTP status
 * decides first (429 rate limited, 529 overloaded, 401/403 authentication, other 4xx
 * invalid request, 5xx retryable provider error), then the error `type` — the only clue
 * an `error` event in the middle of a stream carries. Connection failures are `network`
 * (or `timeout`) and retryable. The caller checks its abort signal before calling this:
 * an abort is not a provider failure.
 */
export function toProviderError(caught: unknown): ProviderError {
  if (caught instanceof ProviderError) return caught;
  if (caught instanceof APIConnectionTimeoutError) {
    return new ProviderError('timeout', 'The request to Anthropic timed out.', { retryable: true, cause: caught });
  }
  if (caught instanceof APIConnectionError) {
    return new ProviderError('network', `Could not reach Anthropic: ${caught.message}`, {
      retryable: true,
      cause: caught,
    });
  }
  if (!(caught instanceof APIError)) {
    const message = caught instanceof Error ? caught.message : String(caught);
    return new ProviderError('provider_error', `The Anthropic call failed: ${message}`, {
      retryable: false,
      cause: caught,
    });
  }
  const status = typeof caught.status === 'number' ? caught.status : undefined;
  const { code, retryable } = classify(status, caught.type);
  const retryAfterMs = code === 'rate_limited' || code === 'overloaded' ? retryAfter(caught.headers) : undefined;
  const detail = caught.apiMessage ?? caught.message;
  const origin = status === undefined ? 'Anthropic stream error' : `Anthropic answered ${status}`;
  return new ProviderError(code, `${origin} (${caught.type ?? 'unknown'}): ${detail}`, {
    retryable,
    cause: caught,
    ...(status === undefined ? {} : { status }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

function classify(status: number | undefined, type: string | null): { code: ProviderErrorCode; retryable: boolean } {
  if (status === 429) return { code: 'rate_limited', retryable: true };
  if (status === 529) return { code: 'overloaded', retryable: true };
  if (status === 401 || status === 403) return { code: 'authentication', retryable: false };
  if (status === 408) return { code: 'timeout', retryable: true };
  const known = type === null ? undefined : errorTypes[type];
  if (known !== undefined) return known;
  if (status !== undefined && status >= 500) return { code: 'provider_error', retryable: true };
  if (status !== undefined && status >= 400) return { code: 'invalid_request', retryable: false };
  return { code: 'provider_error', retryable: false };
}

/** The wait the server asked for: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
function retryAfter(headers: Headers | undefined): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers?.get('retry-after');
  if (value === undefined || value === null) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
