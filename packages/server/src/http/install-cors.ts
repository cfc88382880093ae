import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import {
  CORS_ALLOWED_HEADERS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
  CORS_METHODS,
  type CorsPolicy,
} from './cors-policy.ts';

/**
 * Answers CORS for every Fastify route, preflights included, by `policy`: an allowed
 * origin gets the grant, any other origin nothing but `vary: Origin`, and its preflight
 * falls through to the not-found handler. Event streams served below Fastify write the
 * same headers themselves (`event-stream-entry.ts`).
 */
export function installCors(app: FastifyInstance, policy: CorsPolicy): void {
  void app.register(cors, {
    origin: (origin, callback) => callback(null, policy.allowedOrigin(origin) ?? false),
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: CORS_MAX_AGE_SECONDS,
    // An OPTIONS from an allowed origin is answered as a preflight even without
    // Access-Control-Request-Method, instead of @fastify/cors's plain-text 400.
    strictPreflight: false,
  });
}
