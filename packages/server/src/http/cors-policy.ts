/**
 * Request headers a page may send: what `@once/client` sends (`authorization`, `accept`,
 * `content-type`) and `last-event-id`, which a fetch-based event-stream reader resumes with.
 */
export const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'accept', 'last-event-id'] as const;
/** The methods of the API (docs/PROTOCOL.md). */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'] as const;
/**
 * Response headers a page may read beyond the CORS-safelisted ones (`content-type` and
 * the like, all `@once/client` reads): the marker of an AI SDK UI-message stream.
 */
export const CORS_EXPOSED_HEADERS = ['x-vercel-ai-ui-message-stream'] as const;
/** How long a browser may cache a granted preflight, in seconds (Chromium caps it at 7200). */
export const CORS_MAX_AGE_SECONDS = 600;

/** The CORS headers of one response, in the two forms the paths that write their own head need. */
export interface CorsResponseHeaders {
  /** For node:http's `writeHead`. */
  readonly record: Readonly<Record<string, string>>;
  /** The same as header lines, each ending in CRLF, for a head written on a raw socket. */
  readonly lines: string;
}

/** Which origins may call the daemon from a browser, and the headers that says. */
export interface CorsPolicy {
  /** The `Access-Control-Allow-Origin` for a request from `origin`; undefined: no grant. */
  allowedOrigin(origin: string | undefined): string | undefined;
  /**
   * The CORS headers of an actual (not preflight) response to a request from `origin`:
   * the grant and exposed headers when it is allowed, and `vary: Origin` always, since
   * the answer depends on it. Built once per allowed origin and shared by every response.
   */
  responseHeaders(origin: string | undefined): CorsResponseHeaders;
}

/**
 * Creates the policy for origins checked by `parseCorsOrigins`: exact origins, or `*`
 * (every origin, granted as `*`; no credentials are allowed either way, as Once's auth is
 * a bearer token the page sends itself, never a cookie).
 */
export function createCorsPolicy(origins: readonly string[]): CorsPolicy {
  const denied = build({ vary: 'Origin' });
  const grant = (origin: string) =>
    build({
      'access-control-allow-origin': origin,
      'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(', '),
      vary: 'Origin',
    });
  if (origins.includes('*')) {
    const any = grant('*');
    return { allowedOrigin: () => '*', responseHeaders: () => any };
  }
  const granted = new Map(origins.map((origin) => [origin, grant(origin)]));
  return {
    allowedOrigin: (origin) => (origin !== undefined && granted.has(origin) ? origin : undefined),
    responseHeaders: (origin) => (origin === undefined ? undefined : granted.get(origin)) ?? denied,
  };
}

function build(record: Record<string, string>): CorsResponseHeaders {
  const lines = Object.entries(record)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return { record, lines };
}
