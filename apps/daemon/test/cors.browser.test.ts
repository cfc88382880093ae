// A page on another origin uses a real daemon started with --cors-origins, in Chromium:
// it creates a conversation, sends a message and reads the event stream with a bearer
// token and Last-Event-ID, as @once/client does (fetch, not EventSource). A page on an
// origin not in the list is refused by the browser.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromiumMissing, launchChromium, startDaemon, stopLeftoverDaemons } from '@once/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const missing = chromiumMissing('the CORS browser test');

const TOKEN = 'cors-token';

// The app's page: plain browser JavaScript, served from its own origin. Each function
// returns what it saw, for the test to judge.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>An app on its own origin</title>
<script>
async function readEvents(url, lastEventId, until) {
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', authorization: 'Bearer ${TOKEN}', 'last-event-id': String(lastEventId) },
    signal: AbortSignal.timeout(60000),
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const events = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the event stream ended early');
    buffer += value;
    for (let end = buffer.indexOf('\\n\\n'); end !== -1; end = buffer.indexOf('\\n\\n')) {
      const fields = {};
      for (const line of buffer.slice(0, end).split('\\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
      }
      buffer = buffer.slice(end + 2);
      if (fields.event !== undefined) events.push({ id: fields.id === undefined ? null : Number(fields.id), type: fields.event });
      if (until(fields.event)) {
        await reader.cancel();
        return { status: response.status, contentType: response.headers.get('content-type'), events };
      }
    }
  }
}

async function chat(daemon) {
  const headers = { authorization: 'Bearer ${TOKEN}', 'content-type': 'application/json' };
  const created = await fetch(daemon + '/v1/conversations', { method: 'POST', headers, body: '{}' });
  const { conversation } = await created.json();
  const path = daemon + '/v1/conversations/' + conversation.id;
  const sent = await fetch(path + '/messages', {
    method: 'POST',
    headers,
    body: JSON.stringify({ content: 'Hello from another origin', clientMessageId: 'cors-1' }),
  });
  const whole = await readEvents(path + '/events', 0, (type) => type === 'turn_end');
  const from = whole.events[1].id;
  const resumed = await readEvents(path + '/events', from, (type) => type === 'ready');
  const renamed = await fetch(path, { method: 'PATCH', headers, body: JSON.stringify({ title: 'Renamed' }) });
  const deleted = await fetch(path, { method: 'DELETE', headers: { authorization: headers.authorization } });
  return {
    created: created.status,
    sent: sent.status,
    whole,
    from,
    resumed: resumed.events,
    renamed: renamed.status,
    deleted: deleted.status,
  };
}

async function tryDaemon(daemon) {
  const outcomes = {};
  const attempts = {
    'a JSON request with a token': () => fetch(daemon + '/v1/conversations', { headers: { authorization: 'Bearer ${TOKEN}' } }),
    'a request needing no preflight': () => fetch(daemon + '/v1/health'),
    'an event stream': () => fetch(daemon + '/v1/account/events?token=${TOKEN}', { headers: { accept: 'text/event-stream' } }),
  };
  for (const [name, attempt] of Object.entries(attempts)) {
    try {
      outcomes[name] = 'answered ' + (await attempt()).status;
    } catch (error) {
      outcomes[name] = 'refused: ' + error.name;
    }
  }
  return outcomes;
}
</script>
`;

/** A tiny web server of its own origin (another port of 127.0.0.1) serving {@link PAGE}. */
async function servePage(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Evaluates `expression` in `page`. A failure is rethrown with the first line of its message
 * only: the rest is the page's stack, naming the page's URL, which Vitest would try to read
 * as a source file (and report that instead of the failure).
 */
async function runInPage(page: Page, expression: string): Promise<unknown> {
  try {
    return await page.evaluate(expression);
  } catch (error) {
    throw new Error(`In the page: ${(error as Error).message.split('\n')[0]}`);
  }
}

describe.skipIf(missing !== undefined)('a browser app on its own origin (--cors-origins), in Chromium', () => {
  let browser: Browser | undefined;
  const servers: Server[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve).closeAllConnections())),
    );
    await stopLeftoverDaemons();
  });

  it('lets a page on a listed origin chat and read its event stream, and refuses a page on another', async () => {
    const app = await servePage();
    const stranger = await servePage();
    servers.push(app.server, stranger.server);
    await using daemon = await startDaemon({
      flags: [
        '--cors-origins',
        app.origin,
        '--auth-tokens',
        `${TOKEN}=alice`,
        '--demo-delay-ms',
        '2',
        '--demo-tokens',
        '30',
      ],
    });
    const context = await (browser as Browser).newContext();
    try {
      const page = await context.newPage();
      await page.goto(app.origin);
      const result = await runInPage(page, `chat(${JSON.stringify(daemon.url)})`);
      const { whole, from, resumed, ...statuses } = result as {
        created: number;
        sent: number;
        renamed: number;
        deleted: number;
        from: number;
        whole: { status: number; contentType: string; events: { id: number | null; type: string }[] };
        resumed: { id: number | null; type: string }[];
      };
      expect(statuses, daemon.logs()).toEqual({ created: 201, sent: 202, renamed: 200, deleted: 204 });
      expect(whole.status).toBe(200);
      expect(whole.contentType).toBe('text/event-stream; charset=utf-8');
      const types = whole.events.map((event) => event.type);
      expect(types).toContain('message_complete');
      expect(types.at(-1)).toBe('turn_end');
      // Last-Event-ID crossed the preflight and was honoured: the stream resumed right after it.
      const after = whole.events.filter((event) => event.id !== null && event.id > from);
      const replayed = resumed.filter((event) => event.id !== null);
      expect(replayed[0]?.id).toBe(from + 1);
      expect(replayed.slice(0, after.length)).toEqual(after);
      expect(resumed.at(-1)?.type).toBe('ready');

      const other = await context.newPage();
      await other.goto(stranger.origin);
      expect(await runInPage(other, `tryDaemon(${JSON.stringify(daemon.url)})`)).toEqual({
        'a JSON request with a token': 'refused: TypeError',
        'a request needing no preflight': 'refused: TypeError',
        'an event stream': 'refused: TypeError',
      });
    } finally {
      await context.close();
    }
  }, 120_000);
});
