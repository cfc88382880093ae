import { aiSdkRoutes } from '@once/ai-sdk';
import type { OnceRoutesContext, RegisterRoutes } from '@once/server';
import { describe, expect, it } from 'vitest';
import { AI_SDK_ROUTES } from './lazy-ai-sdk-routes.ts';
import { captureRoutes, lazyRoutes } from './lazy-routes.ts';

/** A stand-in app that records the routes registered on it. */
function recordingApp() {
  const routes: { method: string; url: string; handler: (request: unknown, reply: unknown) => unknown }[] = [];
  const app = { log: 'the app log', route: (route: (typeof routes)[number]) => routes.push(route) };
  return { routes, context: { app } as unknown as OnceRoutesContext };
}

describe('lazyRoutes', () => {
  it('lists every route the AI SDK endpoints register, so none is missing before they load', () => {
    const { context } = recordingApp();
    const registered = [...captureRoutes(aiSdkRoutes, context).keys()].sort();
    expect(registered).toEqual(AI_SDK_ROUTES.map((route) => `${route.method} ${route.url}`).sort());
  });

  it('registers the routes at once, loads the set at the first request only, and answers through its handler', async () => {
    let loads = 0;
    const set: RegisterRoutes = ({ app }) => {
      app.get('/a', async () => `a through ${String(app.log)}`);
      app.post('/b', async () => 'b');
    };
    const { routes, context } = recordingApp();
    lazyRoutes(
      [
        { method: 'GET', url: '/a' },
        { method: 'POST', url: '/b' },
      ],
      async () => {
        loads += 1;
        return set;
      },
    )(context);
    expect(routes.map((route) => `${route.method} ${route.url}`)).toEqual(['GET /a', 'POST /b']);
    expect(loads).toBe(0);
    expect(await routes[0]?.handler({}, {})).toBe('a through the app log');
    expect(await routes[1]?.handler({}, {})).toBe('b');
    expect(loads).toBe(1);
  });

  it('refuses a set that passes route options, which it could not apply', () => {
    const { context } = recordingApp();
    const withOptions: RegisterRoutes = ({ app }) => {
      app.post('/c', { bodyLimit: 10 }, async () => 'c');
    };
    expect(() => captureRoutes(withOptions, context)).toThrow('POST /c passes route options');
  });
});
