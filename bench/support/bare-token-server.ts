// The physical limit for the latency benchmark: a bare node:http server that streams
// answers the way a daemon's turns do — a timer per answer, a token every `tokenMs`, each
// token one SSE frame written to its stream's socket as it is made, stamped with `ts` —
// and does nothing else: no log, no commit, no reducer, no fan-out. It prints its port on
// stdout when listening.
//
//   GET  /events/<n>                                   holds stream n open
//   POST /round?streams=N&tokens=T&tokenMs=M&staggerMs=S  starts an answer on streams
//        0…N−1, spread over S ms, then a `done` frame after each answer's last token
import { createServer, type ServerResponse } from 'node:http';
import { listenAndPrintPort } from './listen-and-print-port.ts';

const streams = new Map<number, ServerResponse>();
const conversationId = '01a20a9c-81e0-74db-8a16-b4e5662ce13f';
const messageId = '01a20a9c-8d7a-7465-aaac-f7f82d340411';

/** One answer on stream `index`: `tokens` tokens, one every `tokenMs`, each written as it is made. */
function answer(index: number, tokens: number, tokenMs: number): void {
  let seq = 0;
  const tick = () => {
    const stream = streams.get(index);
    if (stream === undefined) return;
    seq += 1;
    const event = {
      offset: seq,
      stream: 'conversation',
      conversationId,
      messageId,
      blockIndex: 0,
      seq,
      ts: new Date().toISOString(),
      type: 'block_delta',
      data: { text: ` tok${seq}` },
    };
    stream.write(`id: ${seq}\nevent: block_delta\ndata: ${JSON.stringify(event)}\n\n`);
    if (seq < tokens) setTimeout(tick, tokenMs);
    else stream.write('event: done\ndata: {}\n\n');
  };
  setTimeout(tick, tokenMs);
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const stream = /^\/events\/(\d+)$/.exec(url.pathname);
  if (request.method === 'GET' && stream !== null) {
    const index = Number(stream[1]);
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write('retry: 1000\n\n');
    streams.set(index, response);
    response.on('close', () => streams.delete(index));
    return;
  }
  if (request.method === 'POST' && url.pathname === '/round') {
    const count = Number(url.searchParams.get('streams') ?? '0');
    const tokens = Number(url.searchParams.get('tokens') ?? '0');
    const tokenMs = Number(url.searchParams.get('tokenMs') ?? '20');
    const staggerMs = Number(url.searchParams.get('staggerMs') ?? '0');
    for (let index = 0; index < count; index += 1) {
      setTimeout(() => answer(index, tokens, tokenMs), (index / count) * staggerMs);
    }
    response.end('ok');
    return;
  }
  response.statusCode = 404;
  response.end();
});
listenAndPrintPort(server);
