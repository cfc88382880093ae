// A chat route on a real node:http server for tests: records each request, then answers
// with `handle` (an AI SDK route such as examples/ai-sdk-route, or one that misbehaves on
// purpose), so Once can be put in front of it with --provider ui-stream.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the route received: its headers and its parsed JSON body. */
export interface ReceivedRequest {
  readonly headers: IncomingMessage['headers'];
  // biome-ignore lint/suspicious/noExplicitAny: tests read the chat request as JSON
  readonly body: any;
}

/** A running route: its URL, what it received, and how to stop it. */
export interface ChatRouteServer extends AsyncDisposable {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Resolves when the client of the latest request went away (a cancel, a finished read). */
  readonly closed: () => Promise<void>;
}

/** Serves `handle` at `http://127.0.0.1:PORT/api/chat`; the body arrives already read as `body`. */
export async function startChatRoute(
  handle: (request: IncomingMessage & { body: string }, response: ServerResponse) => Promise<void> | void,
): Promise<ChatRouteServer> {
  const requests: ReceivedRequest[] = [];
  let closedNow: Promise<void> = Promise.resolve();
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const piece of request) body += piece;
    requests.push({ headers: request.headers, body: JSON.parse(body) });
    closedNow = new Promise((resolve) => response.on('close', () => resolve()));
    // The route reads the body again: hand it a request that replays it.
    const replayed = Object.assign(request, {
      body,
      async *[Symbol.asyncIterator]() {
        yield body;
      },
    });
    try {
      await handle(replayed, response);
    } catch (error) {
      if (!response.headersSent) response.writeHead(500).end(String(error));
      else response.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/chat`,
    requests,
    closed: () => closedNow,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Writes UI message chunks as the AI SDK's SSE wire format, without ending the response. */
export function writeChunks(response: ServerResponse, ...chunks: readonly unknown[]): void {
  if (!response.headersSent) {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' });
  }
  for (const chunk of chunks) response.write(`data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\n\n`);
}
