import type { OnceRoutesContext, RegisterRoutes } from '@once/server';

type App = OnceRoutesContext['app'];
/** A route's handler as Fastify calls it. */
type Handler = (this: App, request: unknown, reply: unknown) => unknown;

/** A route a {@link lazyRoutes} set registers before its module is loaded. */
export interface LazyRoute {
  readonly method: 'GET' | 'POST';
  /** The route's path, in Fastify's syntax (`/v1/ai-sdk/chat/:id/stream`). */
  readonly url: string;
}

/**
 * A route set whose module is imported at the first request to one of its routes, not at
 * start-up: the daemon becomes ready without loading what only those routes use (the AI
 * SDK endpoints load the `ai` package and `@once/client`, about a fifth of the modules
 * the daemon loads). The routes are registered at once, each with a handler that loads
 * the set, lets it register its handlers on a stand-in of the app, and calls the one for
 * its method and path; everything else the set reaches through the app is the app's.
 * `routes` must list every route the set registers: `lazy-routes.test.ts` checks it
 * against the real set.
 *
 * @param routes Every route the set registers.
 * @param load Imports the set.
 */
export function lazyRoutes(routes: readonly LazyRoute[], load: () => Promise<RegisterRoutes>): RegisterRoutes {
  return (context) => {
    let handlers: Promise<Map<string, Handler>> | undefined;
    const loadHandlers = () => {
      handlers ??= load().then((register) => captureRoutes(register, context));
      return handlers;
    };
    for (const route of routes) {
      const key = routeKey(route.method, route.url);
      context.app.route({
        method: route.method,
        url: route.url,
        async handler(request, reply) {
          const handler = (await loadHandlers()).get(key);
          if (handler === undefined) throw new Error(`The lazily loaded routes register no ${key}.`);
          return handler.call(this, request, reply);
        },
      });
    }
  };
}

/** The handlers a route set registers, by method and path, without registering them. */
export function captureRoutes(register: RegisterRoutes, context: OnceRoutesContext): Map<string, Handler> {
  const found = new Map<string, Handler>();
  const capture =
    (method: LazyRoute['method']) =>
    (url: string, ...rest: unknown[]) => {
      // Fastify's shorthand also takes (path, options, handler); options would have to be
      // known before the set loads, so a set that passes them cannot be loaded lazily.
      if (rest.length !== 1) throw new Error(`${routeKey(method, url)} passes route options; register it eagerly.`);
      found.set(routeKey(method, url), rest[0] as Handler);
    };
  const app = new Proxy(context.app, {
    get(target, property, receiver) {
      if (property === 'get') return capture('GET');
      if (property === 'post') return capture('POST');
      return Reflect.get(target, property, receiver);
    },
  });
  register({ ...context, app });
  return found;
}

function routeKey(method: string, url: string): string {
  return `${method} ${url}`;
}
