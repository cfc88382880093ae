import { OnceError } from '@once/protocol';

/**
 * Checks and normalises the origins allowed to call the daemon from a browser
 * (`corsOrigins`): each must be `scheme://host[:port]` with an http or https scheme,
 * written the way a browser sends it in `Origin` (a trailing slash, upper-case letters in
 * the host and a default port are normalised away, as `URL.origin` does), or `*` alone
 * for any origin. Duplicates are dropped.
 * @throws OnceError `invalid_request` naming the value that is wrong and how to write it.
 */
export function parseCorsOrigins(values: readonly string[]): readonly string[] {
  if (values.length === 0) {
    throw new OnceError(
      'invalid_request',
      'The list of CORS origins is empty; name at least one, e.g. http://localhost:3000.',
    );
  }
  if (values.includes('*')) {
    if (values.length > 1) {
      throw new OnceError(
        'invalid_request',
        'A CORS origin list with "*" allows every origin already; give "*" alone, or only exact origins.',
      );
    }
    return ['*'];
  }
  return [...new Set(values.map(parseOrigin))];
}

function parseOrigin(value: string): string {
  const shown = JSON.stringify(value);
  const example = 'write it as scheme://host[:port], e.g. http://localhost:3000 or https://app.example.com';
  // Without a scheme `URL` either fails or reads the host as one ("localhost:3000").
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    throw new OnceError('invalid_request', `The CORS origin ${shown} has no scheme; ${example}.`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OnceError('invalid_request', `The CORS origin ${shown} is not a valid origin; ${example}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OnceError('invalid_request', `The CORS origin ${shown} is not http or https; ${example}.`);
  }
  // A browser's Origin header never carries these, so an entry with them could never match;
  // only a bare trailing slash may follow the host (`URL` would hide an empty `?` or `#`).
  if (url.username !== '' || url.password !== '' || !/^[^/]*\/\/[^/?#]+\/?$/.test(value)) {
    throw new OnceError(
      'invalid_request',
      `The CORS origin ${shown} has more than an origin (a path, query, fragment or user); ${example}.`,
    );
  }
  return url.origin;
}
