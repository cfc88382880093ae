import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { toProviderError } from './to-provider-error.ts';

const apiError = (status: number, headers: Record<string, string> = {}, code: string | null = null) =>
  APIError.generate(status, { error: { message: 'Nope.', code } }, undefined, new Headers(headers));

describe('toProviderError', () => {
  it.each([
    [400, 'invalid_request', false],
    [401, 'authentication', false],
    [403, 'authentication', false],
    [404, 'invalid_request', false],
    [408, 'timeout', true],
    [422, 'invalid_request', false],
    [429, 'rate_limited', true],
    [500, 'provider_error', true],
    [502, 'provider_error', true],
    [503, 'overloaded', true],
    [529, 'overloaded', true],
  ] as const)('maps HTTP %i to %s (retryable: %s)', (status, code, retryable) => {
    expect(toProviderError(apiError(status))).toMatchObject({ code, retryable, status });
  });

  it('reads retry-after-ms before retry-after, which is in seconds', () => {
    expect(toProviderError(apiError(429, { 'retry-after': '3' })).retryAfterMs).toBe(3000);
    expect(toProviderError(apiError(429, { 'retry-after': '3', 'retry-after-ms': '250' })).retryAfterMs).toBe(250);
    expect(toProviderError(apiError(429, { 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' })).retryAfterMs).toBe(
      undefined,
    );
  });

  it('does not retry a 429 that means the quota is used up', () => {
    expect(toProviderError(apiError(429, {}, 'insufficient_quota'))).toMatchObject({
      code: 'rate_limited',
      retryable: false,
    });
  });

  it('reads the status of an in-stream error from its numeric code', () => {
    const inStream = new APIError(undefined, { message: 'Upstream overloaded', code: 503 }, undefined, new Headers());
    expect(toProviderError(inStream)).toMatchObject({ code: 'overloaded', retryable: true, status: 503 });
  });

  it('maps connection failures and timeouts, keeping the cause', () => {
    const refused = new APIConnectionError({ cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    expect(toProviderError(refused)).toMatchObject({ code: 'network', retryable: true, cause: refused });
    expect(toProviderError(refused).message).toMatch(/ECONNREFUSED/);
    expect(toProviderError(new APIConnectionTimeoutError())).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('does not retry a chunk that is not JSON', () => {
    expect(toProviderError(new SyntaxError('Unexpected token'))).toMatchObject({
      code: 'provider_error',
      retryable: false,
    });
  });
});
