// A child process of the soak: holds many raw SSE connections to the daemon (no SDK, no
// store, so 5,000 of them fit on one core) spread over the conversations, and checks each
// one's offsets as they arrive: every `id:` must be the previous one plus one. A closed
// connection comes back with `?after=<last offset>`, as a browser's EventSource would.
// Usage: node sse-connections.ts <base url> <connections> <conversation id>...
// Prints `ready` once every connection got its `event: ready`; on a `report` line on stdin
// it prints one JSON line: per conversation, each connection's last offset, gaps, repeats
// and reconnects.
import { request } from 'node:http';
import { createInterface } from 'node:readline';

/** What one connection saw, for the report. */
interface ConnectionState {
  readonly conversationId: string;
  last: number;
  gaps: number;
  repeats: number;
  reconnects: number;
  ready: boolean;
}

const [baseUrl, countText, ...conversationIds] = process.argv.slice(2);
if (baseUrl === undefined || countText === undefined || conversationIds.length === 0) {
  throw new Error('usage: node sse-connections.ts <base url> <connections> <conversation id>...');
}
const connections: ConnectionState[] = [];
let readyCount = 0;

function follow(state: ConnectionState): void {
  const url = `${baseUrl}/v1/conversations/${state.conversationId}/events?after=${state.last}`;
  const outgoing = request(url, { headers: { accept: 'text/event-stream' }, agent: false }, (response) => {
    let tail = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      const text = tail + chunk;
      // Only complete lines are read; the unfinished last line waits for the next chunk.
      const end = text.lastIndexOf('\n');
      tail = text.slice(end + 1);
      let at = text.startsWith('id: ') ? 0 : text.indexOf('\nid: ');
      while (at !== -1 && at < end) {
        const start = text.startsWith('id: ', at) ? at + 4 : at + 5;
        const offset = Number(text.slice(start, text.indexOf('\n', start)));
        if (offset === state.last + 1) state.last = offset;
        else if (offset <= state.last) state.repeats += 1;
        else {
          state.gaps += 1;
          state.last = offset;
        }
        at = text.indexOf('\nid: ', start);
      }
      if (!state.ready && text.includes('event: ready')) {
        state.ready = true;
        readyCount += 1;
        if (readyCount === count) console.log('ready');
      }
    });
    response.on('close', () => reconnect(state));
  });
  outgoing.on('error', () => reconnect(state));
  outgoing.end();
}

let stopping = false;
function reconnect(state: ConnectionState): void {
  if (stopping) return;
  state.reconnects += 1;
  setTimeout(() => follow(state), 100);
}

const count = Number(countText);
for (let index = 0; index < count; index += 1) {
  const state = {
    conversationId: conversationIds[index % conversationIds.length] as string,
    last: 0,
    gaps: 0,
    repeats: 0,
    reconnects: 0,
    ready: false,
  };
  connections.push(state);
  follow(state);
  // A few at a time, so the daemon's accept queue is not flooded.
  if (index % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 20));
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'report') return;
  stopping = true;
  console.log(JSON.stringify(connections.map(({ ready: _ready, ...state }) => state)));
});
