import { ProviderError } from '@once/agent';
import { APICallError, InvalidPromptError, LoadAPIKeyError, RetryError, StreamProviderError } from 'ai';
import { describe, expect, it } from 'vitest';
import { toProviderError } from './to-provider-error.ts';

function apiCallError(
  statusCode: number | undefined,
  options: { headers?: Record<string, string>; isRetryable?: boolean } = {},
) {
  return new APICallError({
    message: 'The call failed.',
    url: 'https://models.example/v1/chat',
    requestBodyValues: {},
    ...(statusCode === undefined ? { isRetryable: true } : { statusCode }),
    ...(options.headers === undefined ? {} : { responseHeaders: options.headers }),
    ...(options.isRetryable === undefined ? {} : { isRetryable: options.isRetryable }),
  });
}

describe('toProviderError', () => {
  it.each([
    [429, 'rate_limited', true],
    [503, 'overloaded', true],
    [529, 'overloaded', true],
    [500, 'provider_error', true],
    [408, 'timeout', true],
    [401, 'authentication', false],
    [403, 'authentication', false],
    [400, 'invalid_request', false],
    [404, 'invalid_request', false],
  ] as const)('an HTTP %i is %s, retryable: %s', (status, code, retryable) => {
    const error = toProviderError(apiCallError(status));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code, retryable, status });
  });

  it('follows the provider package when it says a status is not worth retrying (a 429 for an exhausted quota)', () => {
    expect(toProviderError(apiCallError(429, { isRetryable: false }))).toMatchObject({
      code: 'rate_limited',
      retryable: false,
    });
  });

  it('reads the wait from retry-after-ms first, then retry-after in seconds', () => {
    const both = apiCallError(429, { headers: { 'retry-after-ms': '1500', 'retry-after': '9' } });
    expect(toProviderError(both).retryAfterMs).toBe(1500);
    expect(toProviderError(apiCallError(503, { headers: { 'retry-after': '2' } })).retryAfterMs).toBe(2000);
    expect(toProviderError(apiCallError(429)).retryAfterMs).toBeUndefined();
  });

  it('a call that got no response is a retryable network error', () => {
    expect(toProviderError(apiCallError(undefined))).toMatchObject({ code: 'network', retryable: true });
  });

  it('an error event inside the stream keeps the status and retryability the AI SDK read from it', () => {
    const error = new StreamProviderError({ message: 'Rate limited', statusCode: 429 });
    expect(toProviderError(error)).toMatchObject({ code: 'rate_limited', retryable: true, message: 'Rate limited' });
  });

  it('a missing API key is an authentication error, a prompt the SDK refuses an invalid request; neither is retried', () => {
    const missingKey = new LoadAPIKeyError({ message: 'OpenAI API key is missing.' });
    expect(toProviderError(missingKey)).toMatchObject({ code: 'authentication', retryable: false });
    const badPrompt = new InvalidPromptError({ prompt: [], message: 'messages must not be empty' });
    expect(toProviderError(badPrompt)).toMatchObject({ code: 'invalid_request', retryable: false });
  });

  it('unwraps the last error of a RetryError', () => {
    const error = new RetryError({ message: 'Gave up.', reason: 'maxRetriesExceeded', errors: [apiCallError(529)] });
    expect(toProviderError(error)).toMatchObject({ code: 'overloaded', retryable: true });
  });

  it('anything else is a provider error that is not retried, with its message kept', () => {
    const error = toProviderError(new TypeError('Cannot read properties of undefined'));
    expect(error).toMatchObject({ code: 'provider_error', retryable: false });
    expect(error.message).toContain('Cannot read properties of undefined');
  });
});
