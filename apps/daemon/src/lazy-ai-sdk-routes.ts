import { type LazyRoute, lazyRoutes } from './lazy-routes.ts';

/** The routes `aiSdkRoutes` (`@once/ai-sdk`) registers, known before it is loaded. */
export const AI_SDK_ROUTES: readonly LazyRoute[] = [
  { method: 'POST', url: '/v1/ai-sdk/chat' },
  { method: 'GET', url: '/v1/ai-sdk/chat/:id/stream' },
];

/** The AI SDK endpoints, with `@once/ai-sdk` (and the `ai` package) imported at their first request. */
export const lazyAiSdkRoutes = lazyRoutes(AI_SDK_ROUTES, async () => (await import('@once/ai-sdk')).aiSdkRoutes);
