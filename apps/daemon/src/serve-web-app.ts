import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { OnceServer } from '@once/server';

/** Where `npm run build --workspace @once/web` writes the web app. */
export const WEB_APP_DIST = join(import.meta.dirname, '..', '..', 'web', 'dist');

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Once</title></head>
<body><h1>Once is running</h1>
<p>The web app is not built yet. Run <code>npm run build</code> (or <code>npm start</code>, which builds it when missing) and reload.</p>
<p>The API is at <code>/v1/</code>; see the README.</p></body></html>
`;

/**
 * Serves the built web app on the daemon's port: `GET /` answers `index.html`, `/assets/*`
 * its hashed files (cached for a year, since their names change with their content).
 * Without a build, `GET /` answers a short page saying how to build it. Call before listening.
 */
export async function serveWebApp(app: OnceServer['app'], distDir: string = WEB_APP_DIST): Promise<void> {
  if (!existsSync(join(distDir, 'index.html'))) {
    app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic, {
    root: join(distDir, 'assets'),
    prefix: '/assets/',
    immutable: true,
    maxAge: '365d',
  });
  app.get('/', (_request, reply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', distDir, { cacheControl: false }),
  );
}
