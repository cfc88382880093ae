import { isOnceError, OnceError } from '@once/protocol';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

/**
 * Every error leaves as `{ error: { code, message } }` with its status: our own errors as
 * they are, Fastify's (body too large, wrong content type, unknown route) translated to
 * a sentence a person can act on, anything unexpected as a logged 500 that leaks nothing.
 * With `crossOrigin` (CORS origins configured), a preflight `@fastify/cors` did not grant
 * reaches the not-found handler, which says why.
 */
export function installErrorHandler(app: FastifyInstance, maxBodyBytes: number, crossOrigin = false): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = translate(error, maxBodyBytes);
    if (known.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.status(known.status).send(known.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const { origin } = request.headers;
    if (crossOrigin && request.method === 'OPTIONS' && origin !== undefined) {
      const refused = new OnceError(
        'invalid_request',
        `The origin ${origin} may not call this daemon from a browser: it is not one of its CORS origins (--cors-origins).`,
      );
      void reply.status(refused.status).send(refused.toBody());
      return;
    }
    const error = new OnceError(
      'not_found',
      `There is no ${request.method} ${request.url.split('?')[0]} endpoint; see docs/PROTOCOL.md.`,
    );
    void reply.status(error.status).send(error.toBody());
  });
}

function translate(error: FastifyError, maxBodyBytes: number): OnceError {
  if (isOnceError(error)) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OnceError('payload_too_large', `The request body is larger than ${maxBodyBytes} bytes.`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new OnceError('invalid_request', 'Send the body as JSON with Content-Type: application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new OnceError('invalid_json', 'The request body is empty; send a JSON object.');
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new OnceError('invalid_request', error.message);
  }
  return new OnceError('internal', 'Something went wrong inside the daemon; it has been logged.', { cause: error });
}

/**
 * Fastify's `frameworkErrors`: URLs its router refuses before any route or error handler
 * runs (broken percent-encoding, a path part longer than the router allows), sent in the
 * daemon's error format instead of Fastify's own.
 */
export function sendFrameworkError(error: FastifyError, _request: unknown, reply: FastifyReply): void {
  const known =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new OnceError('invalid_request', 'A part of the URL path is too long; ids are at most 100 characters.')
      : new OnceError('invalid_request', 'The URL path is not valid; check its percent-encoding.');
  void reply.status(known.status).send(known.toBody());
}
