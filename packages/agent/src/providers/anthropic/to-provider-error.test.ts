import { APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../provider-error.ts';
import { toProviderError } from './to-provider-error.ts';

/** An error as the SDK throws it for an `error` event in the middle of a stream. */
const streamError = (type: string) =>
  new APIError(undefined, { type: 'error', error: { type, message: 'Something happened' } }, undefined, new Headers());

describe('toProviderError', () => {
  it.each([
    ['overloaded_error', 'overloaded', true],
    ['rate_limit_error', 'rate_limited', true],
    ['api_error', 'provider_error', true],
    ['invalid_request_error', 'invalid_request', false],
    ['authentication_error', 'authentication', false],
    ['some_new_error', 'provider_error', false],
  ])('classifies a mid-stream %s as %s (retryable: %s)', (type, code, retryable) => {
    const error = toProviderError(streamError(type));
    expect(error).toMatchObject({ code, retryable, status: undefined });
    expect(error.message).toMatch(/Something happened/);
  });

  it('prefers retry-after-ms to retry-after', () => {
    const headers = new Headers({ 'retry-after': '30', 'retry-after-ms': '1500' });
    const error = toProviderError(APIError.generate(429, { error: { type: 'rate_limit_error' } }, undefined, headers));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 1500, status: 429 });
  });

  it('treats 5xx as retryable, a timeout as timeout, and keeps a ProviderError as it is', () => {
    expect(toProviderError(APIError.generate(503, undefined, undefined, new Headers()))).toMatchObject({
      code: 'provider_error',
      retryable: true,
      status: 503,
    });
    expect(toProviderError(new APIConnectionTimeoutError())).toMatchObject({ code: 'timeout', retryable: true });
    const original = new ProviderError('network', 'cut', { retryable: true });
    expect(toProviderError(original)).toBe(original);
  });
});
