import { isOnceError, OnceError } from '@once/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * Every error leaves as `{ error: { code, message } }` with its status: our own errors as
 * they are, Fastify's (body too large, wrong content type, unknown route) translated to
 * a sentence a person can act on, anything unexpected as a logged 500 that leaks nothing.
 */
export function installErrorHandler(app: FastifyInstance, maxBodyBytes: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = translate(error, maxBodyBytes);
    if (known.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.status(known.status).send(known.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
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
