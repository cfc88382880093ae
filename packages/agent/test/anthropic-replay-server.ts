import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const fixtures = join(import.meta.dirname, 'fixtures', 'anthropic');

/**
 * How the server answers one request. `fixture` names a file in
 * `test/fixtures/anthropic/`: a `.sse` file is streamed as `text/event-stream`, one
 * event at a time; a `.json` file holds `{ status, headers, body }` for a plain answer.
 */
export interface ReplayResponse {
  readonly fixture: string;
  /** Streams only this many events, then leaves the connection open until the client goes. */
  readonly holdOpenAfter?: number;
  /** Streams only this many events, then ends the response, as a dropped connection would. */
  readonly endAfter?: number;
}

/** One request the server received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body. */
  readonly body: unknown;
  /** Resolves when the connection of this request's response closes. */
  readonly closed: Promise<void>;
}

/** A local HTTP server replaying recorded Anthropic Messages API answers, in order. */
export interface AnthropicReplayServer extends AsyncDisposable {
  /** Base URL to give the SDK (`/v1/messages` is appended by it). */
  readonly baseURL: string;
  readonly requests: readonly ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts a server that answers the n-th request with the n-th response. */
export async function startAnthropicReplayServer(responses: readonly ReplayResponse[]): Promise<AnthropicReplayServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    const text = Buffer.concat(chunks).toString('utf8');
    requests.push({
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      body: text === '' ? undefined : JSON.parse(text),
      closed,
    });
    const planned = responses[requests.length - 1];
    if (planned === undefined) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'No fixture left.' } }));
      return;
    }
    replay(planned, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { baseURL: `http://127.0.0.1:${port}`, requests, close, [Symbol.asyncDispose]: close };
}

function replay(planned: ReplayResponse, response: ServerResponse): void {
  const content = readFileSync(join(fixtures, planned.fixture), 'utf8');
  if (planned.fixture.endsWith('.json')) {
    const { status, headers, body } = JSON.parse(content) as {
      status: number;
      headers: Record<string, string>;
      body: unknown;
    };
    response.writeHead(status, { ...headers, 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
    return;
  }
  const events = content.split(/\n\n+/).filter((event) => event.trim() !== '');
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const limit = planned.holdOpenAfter ?? planned.endAfter ?? events.length;
  for (const event of events.slice(0, limit)) response.write(`${event}\n\n`);
  if (planned.holdOpenAfter === undefined) response.end();
}
