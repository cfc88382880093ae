import type { IncomingHttpHeaders } from 'node:http';
import { OnceError } from '@once/protocol';

/** The account every request acts for when the daemon runs without auth. */
export const DEFAULT_ACCOUNT = 'default';

/**
 * Maps a request to its account. With no tokens configured every request is the
 * default account. With tokens, a request must carry `Authorization: Bearer <token>`;
 * event streams may send `?token=` instead, since a browser EventSource cannot set headers.
 */
export type AccountResolver = (request: AccountRequest, options?: { allowQueryToken?: boolean }) => string;

/** What the resolver reads of a request: a Fastify request, or the parts of a raw one. */
export interface AccountRequest {
  readonly headers: IncomingHttpHeaders;
  /** The parsed query string. */
  readonly query?: unknown;
}

/** Creates the resolver for a token → account map; none or empty means no auth. */
export function createAccountResolver(tokens: ReadonlyMap<string, string> | undefined): AccountResolver {
  if (tokens === undefined || tokens.size === 0) return () => DEFAULT_ACCOUNT;
  return (request, options = {}) => {
    const header = request.headers.authorization;
    const fromHeader = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    const query = request.query as { token?: unknown } | undefined;
    const fromQuery = options.allowQueryToken && typeof query?.token === 'string' ? query.token : undefined;
    const token = fromHeader ?? fromQuery;
    if (token === undefined) {
      throw new OnceError(
        'unauthorized',
        options.allowQueryToken
          ? 'This daemon needs a token: send Authorization: Bearer <token>, or ?token=<token> on an event stream.'
          : 'This daemon needs a token: send Authorization: Bearer <token>.',
      );
    }
    const account = tokens.get(token);
    if (account === undefined) throw new OnceError('unauthorized', 'That token is not known to this daemon.');
    return account;
  };
}
