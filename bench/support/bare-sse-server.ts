// The physical limit for SSE fan-out: a bare node:http server that holds every GET as an
// event stream and, on POST /emit?count=N, writes N block_delta-sized events to every
// stream, one event per write. It prints its port on stdout when listening.
import { createServer, type ServerResponse } from 'node:http';
import { listenAndPrintPort } from './listen-and-print-port.ts';

const streams = new Set<ServerResponse>();
const conversationId = '01a20a9c-81e0-74db-8a16-b4e5662ce13f';
const messageId = '01a20a9c-8d7a-7465-aaac-f7f82d340411';

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method === 'GET' && url.pathname === '/events') {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write('retry: 1000\n\n');
    streams.add(response);
    response.on('close', () => streams.delete(response));
    return;
  }
  if (request.method === 'POST' && url.pathname === '/emit') {
    const count = Number(url.searchParams.get('count') ?? '0');
    response.end('ok');
    let offset = 0;
    const burst = () => {
      // Yield between bursts like a producer would, so sockets get written.
      for (let index = 0; index < 50 && offset < count; index += 1) {
        offset += 1;
        const event = {
          offset,
          stream: 'conversation',
          conversationId,
          messageId,
          blockIndex: 0,
          seq: offset + 1,
          ts: new Date().toISOString(),
          type: 'block_delta',
          data: { text: 'tok ' },
        };
        const frame = `id: ${offset}\nevent: block_delta\ndata: ${JSON.stringify(event)}\n\n`;
        for (const stream of streams) stream.write(frame);
      }
      if (offset < count) setImmediate(burst);
    };
    burst();
    return;
  }
  if (request.method === 'GET' && url.pathname === '/replay') {
    // Catch-up limit: write `count` stored frames to one client, 500 per write, with backpressure.
    const count = Number(url.searchParams.get('count') ?? '0');
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('retry: 1000\n\n');
    let offset = 0;
    const frames: string[] = [];
    const pump = () => {
      while (offset < count) {
        frames.length = 0;
        for (let index = 0; index < 500 && offset < count; index += 1) {
          offset += 1;
          frames.push(
            `id: ${offset}\nevent: block_delta\ndata: {"offset":${offset},"stream":"conversation","conversationId":"${conversationId}","messageId":"${messageId}","blockIndex":0,"seq":${offset + 1},"ts":"2026-11-23T21:00:00.000Z","type":"block_delta","data":{"text":"tok "}}\n\n`,
          );
        }
        if (!response.write(frames.join(''))) {
          response.once('drain', pump);
          return;
        }
      }
      response.end('event: ready\ndata: {}\n\n');
    };
    pump();
    return;
  }
  response.statusCode = 404;
  response.end();
});
listenAndPrintPort(server);
