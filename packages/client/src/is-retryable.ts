import { isOnceError } from '@once/protocol';

/**
 * Whether trying again may succeed: the daemon was unreachable, overloaded or failing
 * (5xx, 429), or the failure came from the platform (a torn socket). A 4xx the daemon
 * explained (unauthorized, not found, invalid input) will fail the same way again.
 */
export function isRetryable(error: unknown): boolean {
  if (!isOnceError(error)) return true;
  return error.status >= 500 || error.status === 429 || error.status === 408;
}
