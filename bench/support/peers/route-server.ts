// The AI SDK chat route both backends run, as its own process (`node route-server.ts`),
// printing its port once it listens. Environment: PORT (default any), ROUTE_MODE and
// REDIS_PREFIX.
//
// ROUTE_MODE=peer is the usual resumable setup of the AI SDK's docs ("Chatbot Resume
// Streams"): POST /api/chat runs `streamText` and hands the outgoing SSE to
// `resumable-stream` on Redis (`consumeSseStream`), keeping the chat's messages and its
// active stream id in Redis (saved when the answer finishes); GET /api/chat/:id/stream
// resumes the active stream (204 when there is none); GET /api/chat/:id/messages is the
// history a reloaded page starts from.
//
// ROUTE_MODE=upstream is the same `streamText` with no resumption: the route Once's
// `--provider ui-stream` calls, so both sides stream the same model output.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { convertToModelMessages, generateId, streamText, UI_MESSAGE_STREAM_HEADERS, type UIMessage } from 'ai';
import { createClient } from 'redis';
import { createResumableStreamContext } from 'resumable-stream';
import { answerModel, specOf } from './answer-model.ts';

const mode = process.env.ROUTE_MODE === 'upstream' ? 'upstream' : 'peer';
const prefix = process.env.REDIS_PREFIX ?? 'once-bench-peers';

interface StoredChat {
  readonly messages: UIMessage[];
  readonly activeStreamId: string | null;
}

const redis = mode === 'peer' ? await createClient({ url: 'redis://127.0.0.1:6379' }).connect() : undefined;
const subscriber = mode === 'peer' ? await createClient({ url: 'redis://127.0.0.1:6379' }).connect() : undefined;
const streams =
  redis === undefined
    ? undefined
    : createResumableStreamContext({
        keyPrefix: prefix,
        // A long-running server: the producer's promise just runs to its end.
        waitUntil: null,
        // biome-ignore lint/suspicious/noExplicitAny: node-redis's client types differ per module setting
        publisher: redis as any,
        // biome-ignore lint/suspicious/noExplicitAny: as above
        subscriber: subscriber as any,
      });

const chatKey = (id: string) => `${prefix}:chat:${id}`;

async function loadChat(id: string): Promise<StoredChat | undefined> {
  const text = await redis?.get(chatKey(id));
  return text ? (JSON.parse(text) as StoredChat) : undefined;
}

async function saveChat(id: string, chat: StoredChat): Promise<void> {
  await redis?.set(chatKey(id), JSON.stringify(chat), { EX: 3600 });
}

/** Writes a web `Response` to the node response; a client gone away stops the copy, not the producer. */
async function send(web: Response, response: ServerResponse): Promise<void> {
  response.writeHead(web.status, Object.fromEntries(web.headers));
  response.on('error', () => {});
  if (web.body === null) return void response.end();
  const encoder = new TextEncoder();
  for await (const chunk of web.body as AsyncIterable<Uint8Array | string>) {
    if (response.destroyed) break;
    response.write(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
  }
  response.end();
}

async function readBody(request: IncomingMessage): Promise<{ id: string; messages: UIMessage[] }> {
  let body = '';
  for await (const piece of request) body += piece;
  return JSON.parse(body) as { id: string; messages: UIMessage[] };
}

async function post(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { id, messages } = await readBody(request);
  const result = streamText({ model: answerModel(specOf(messages)), messages: await convertToModelMessages(messages) });
  if (streams === undefined) return send(result.toUIMessageStreamResponse(), response);
  await saveChat(id, { messages, activeStreamId: null });
  const web = result.toUIMessageStreamResponse({
    originalMessages: messages,
    generateMessageId: generateId,
    onFinish: ({ messages: finished }) => saveChat(id, { messages: finished, activeStreamId: null }),
    async consumeSseStream({ stream }) {
      const streamId = generateId();
      await streams.createNewResumableStream(streamId, () => stream);
      await saveChat(id, { messages, activeStreamId: streamId });
    },
  });
  return send(web, response);
}

async function resume(id: string, response: ServerResponse): Promise<void> {
  const chat = await loadChat(id);
  if (streams === undefined || !chat?.activeStreamId) return void response.writeHead(204).end();
  const stream = await streams.resumeExistingStream(chat.activeStreamId);
  if (!stream) return void response.writeHead(204).end();
  return send(
    new Response(stream.pipeThrough(new TextEncoderStream()), { headers: UI_MESSAGE_STREAM_HEADERS }),
    response,
  );
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://route');
  const streamMatch = /^\/api\/chat\/([^/]+)\/stream$/.exec(url.pathname);
  const messagesMatch = /^\/api\/chat\/([^/]+)\/messages$/.exec(url.pathname);
  const handled =
    request.method === 'POST' && (url.pathname === '/api/chat' || url.pathname === '/api/upstream')
      ? post(request, response)
      : request.method === 'GET' && streamMatch?.[1] !== undefined
        ? resume(decodeURIComponent(streamMatch[1]), response)
        : request.method === 'GET' && messagesMatch?.[1] !== undefined
          ? loadChat(decodeURIComponent(messagesMatch[1])).then((chat) =>
              response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chat?.messages ?? [])),
            )
          : Promise.resolve(void response.writeHead(404).end());
  // A resume whose producer is gone (the route was killed) fails as the docs' route would: a 500.
  handled.catch((error: unknown) => {
    if (!response.headersSent) response.writeHead(500).end(String(error));
    else response.destroy();
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
