import { isOnceError, OnceError } from '@once/protocol';
import { parseCorsOrigins } from '@once/server';

// Readers of the settings whose values have a shape of their own (URLs, headers, origins,
// tokens): each refuses a bad value with a sentence naming where it came from.

/** An http(s) URL. */
export function readUrl(variable: string, value: string): string {
  if (!/^https?:\/\/\S+$/.test(value)) {
    throw new OnceError(
      'invalid_request',
      `${variable}=${JSON.stringify(value)} is not valid: must be an http(s) URL.`,
    );
  }
  return value;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `Name: value` lines into headers; blank lines are skipped, anything else is one sentence. */
export function parseHeaders(lines: readonly string[], source: string): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = line.slice(0, Math.max(colon, 0)).trim();
    if (colon < 0 || !HEADER_NAME.test(name)) {
      throw new OnceError(
        'invalid_request',
        `${source} takes headers as "Name: value"; ${JSON.stringify(line.slice(0, 40))} is not one.`,
      );
    }
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** A comma-separated list of origins, checked by the server's own rules and named by its source. */
export function readCorsOrigins(
  text: string | undefined,
  source: string,
  hasAuth: boolean,
): readonly string[] | undefined {
  if (text === undefined) return undefined;
  let origins: readonly string[];
  try {
    origins = parseCorsOrigins(
      text
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
    );
  } catch (error) {
    if (!isOnceError(error)) throw error;
    throw new OnceError('invalid_request', `${source} is not valid: ${error.message}`);
  }
  if (origins.includes('*') && !hasAuth) {
    throw new OnceError(
      'invalid_request',
      `${source}=* lets every web page call this daemon, so it needs --auth-tokens (ONCE_AUTH_TOKENS): without them any site its user visits could read and send their conversations. List the exact origins of your app instead, or add tokens.`,
    );
  }
  return origins;
}

/** `token=account,token2=account2` into a token → account map. */
export function parseAuthTokens(text: string): ReadonlyMap<string, string> {
  const tokens = new Map<string, string>();
  for (const pair of text.split(',')) {
    const [token, account, ...rest] = pair.trim().split('=');
    if (!token || !account || rest.length > 0 || !/^[A-Za-z0-9_.-]{1,64}$/.test(account)) {
      throw new OnceError(
        'invalid_request',
        `ONCE_AUTH_TOKENS must look like "token=account,token2=account2" (accounts: letters, digits, _ . -); "${pair.trim().slice(0, 20)}…" does not.`,
      );
    }
    tokens.set(token, account);
  }
  return tokens;
}
