import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * Fastify's request logging in one line a request instead of two: nothing when a request
 * comes, and when its response has been sent, `request completed` with the request
 * (`req`: method and URL, through the logger's serializers), the response (`res`: status
 * code) and `responseTime` in milliseconds. Fastify writes an `incoming request` line
 * first, which repeats the request id and costs as much as the second line; on the AI SDK
 * chat endpoint, a POST per turn, the two lines were about 3 % of the daemon's CPU
 * (docs/decisions/037-the-turns-fixed-cost.md). Errors are logged as Fastify logs them.
 */
export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    } else {
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
  }
}
