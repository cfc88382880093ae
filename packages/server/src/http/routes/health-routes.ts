import type { Registry } from 'prom-client';
import type { RouteContext } from './route-context.ts';

/** Options of the health routes. */
export interface HealthRouteOptions {
  readonly registry: Registry;
  /** False until recovery has finished; health then answers 503. */
  readonly isReady: () => boolean;
  /** The log's kind, reported by health, e.g. "sqlite". */
  readonly logKind: string;
}

/** `GET /v1/health` (liveness and readiness) and `GET /metrics` (Prometheus). */
export function registerHealthRoutes({ app, sse }: RouteContext, options: HealthRouteOptions): void {
  const started = Date.now();
  app.get('/v1/health', async (_request, reply) => {
    const ready = options.isReady();
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ok' : 'starting',
      log: options.logKind,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      sseConnections: sse.size,
    });
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.type(options.registry.contentType).send(await options.registry.metrics());
  });
}
