import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnceServer } from '@once/server';
import { openSqliteEventLog } from '@once/sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { serveWebApp } from './serve-web-app.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serverWith(distDir: string) {
  const server = createOnceServer({ log: openSqliteEventLog({ path: ':memory:' }), logKind: 'sqlite' });
  cleanups.push(() => server.stop());
  await serveWebApp(server.app, distDir);
  return server.app;
}

async function builtApp() {
  const distDir = await mkdtemp(join(tmpdir(), 'once-web-dist-'));
  cleanups.push(() => rm(distDir, { recursive: true, force: true }));
  await mkdir(join(distDir, 'assets'));
  await writeFile(join(distDir, 'index.html'), '<!doctype html><title>Once app</title>');
  await writeFile(join(distDir, 'assets', 'index-abc.js'), 'console.log("app")');
  return distDir;
}

describe('serveWebApp', () => {
  it('serves the built index.html at / and its hashed assets, cached for good', async () => {
    const app = await serverWith(await builtApp());
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Once app');
    expect(page.headers['cache-control']).toBe('no-cache');
    const script = await app.inject({ url: '/assets/index-abc.js' });
    expect(script.body).toBe('console.log("app")');
    expect(script.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/health' })).statusCode).not.toBe(404);
  });

  it('says how to build the app when it is not built', async () => {
    const app = await serverWith(join(tmpdir(), 'once-web-dist-that-does-not-exist'));
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('npm run build');
  });
});
