import { ERROR_STATUS, type ErrorCode, OnceError } from '@once/protocol';

/**
 * Turns a failed response into the `OnceError` the daemon described in its body
 * (`{ "error": { "code", "message" } }`). A code this client does not know, or a body
 * that is not an error body (a proxy's HTML page), is mapped by its HTTP status, as the
 * protocol asks.
 */
export async function readErrorResponse(response: Response): Promise<OnceError> {
  const text = await response.text().catch(() => '');
  const described = describedError(text);
  if (described !== undefined && isErrorCode(described.code)) {
    return new OnceError(described.code, described.message);
  }
  const message = described?.message ?? `The daemon answered ${response.status} ${response.statusText}.`.trim();
  return new OnceError(codeForStatus(response.status), message, { cause: text });
}

function describedError(text: string): { code: string; message: string } | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    if (typeof error !== 'object' || error === null) return undefined;
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code !== 'string' || typeof message !== 'string') return undefined;
    return { code, message };
  } catch {
    return undefined;
  }
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

const CODE_FOR_STATUS: ReadonlyMap<number, ErrorCode> = new Map([
  [401, 'unauthorized'],
  [403, 'unauthorized'],
  [404, 'not_found'],
  [409, 'conflict'],
  [413, 'payload_too_large'],
  [429, 'rate_limited'],
  [502, 'provider_error'],
  [503, 'unavailable'],
  [504, 'unavailable'],
  [507, 'storage_full'],
]);

function codeForStatus(status: number): ErrorCode {
  return CODE_FOR_STATUS.get(status) ?? (status >= 500 ? 'internal' : 'invalid_request');
}
