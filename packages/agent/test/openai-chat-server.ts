import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer of the fake Chat Completions server. */
export interface ChatReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Keep the response open after the body, until {@link ChatServer.cutConnections} or close. */
  readonly hold?: boolean;
}

/** A request as the server received it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body, parsed. */
  readonly body: Record<string, unknown>;
  /** Settles when the connection of this request's response has closed. */
  readonly closed: Promise<void>;
}

/** A local server that answers `POST /v1/chat/completions` with scripted replies, in order. */
export interface ChatServer extends AsyncDisposable {
  /** Base URL to hand to the SDK, `/v1` included. */
  readonly baseURL: string;
  readonly requests: readonly ReceivedRequest[];
  /** Destroys the sockets of held responses mid-stream, as a crashing server would. */
  cutConnections(): void;
  close(): Promise<void>;
}

const fixtures = new URL('./fixtures/openai/', import.meta.url);

/** A `200 text/event-stream` reply whose body is the fixture `<name>.sse`, byte for byte. */
export function streamReply(name: string, options: { hold?: boolean } = {}): ChatReply {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    body: readFileSync(new URL(`${name}.sse`, fixtures), 'utf8'),
    ...options,
  };
}

/** An error reply from the fixture `<name>.json`: `{ status, headers, body }`. */
export function errorReply(name: string): ChatReply {
  const fixture = JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8')) as {
    status: number;
    headers: Record<string, string>;
    body: unknown;
  };
  return { status: fixture.status, headers: fixture.headers, body: JSON.stringify(fixture.body) };
}

export async function startChatServer(replies: readonly ChatReply[]): Promise<ChatServer> {
  const queue = [...replies];
  const requests: ReceivedRequest[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const closed = new Promise<void>((resolve) => response.on('close', resolve));
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        closed,
      });
      const reply = request.url === '/v1/chat/completions' ? queue.shift() : undefined;
      if (reply === undefined) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `No reply scripted for ${request.method} ${request.url}.` } }));
        return;
      }
      response.writeHead(reply.status, reply.headers);
      if (reply.hold) {
        held.add(response);
        response.write(reply.body);
      } else {
        response.end(reply.body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const cutConnections = () => {
    for (const response of held) response.destroy();
    held.clear();
  };
  const close = async () => {
    cutConnections();
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  };
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    cutConnections,
    close,
    [Symbol.asyncDispose]: close,
  };
}
