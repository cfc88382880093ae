import { Agent, get, type IncomingMessage } from 'node:http';
import { type IncomingEvent, parseIncomingEvent } from '@once/protocol';
import { createParser } from 'eventsource-parser';

/** What an event stream replayed up to `ready` on one connection. */
export interface ConnectionReplay {
  /** True when the stream was not the connection's first request. */
  readonly reusedConnection: boolean;
  readonly events: IncomingEvent[];
  /** The offset `ready` carried. */
  readonly readyOffset: number;
}

/**
 * Reads an event stream up to `ready` over node:http, as the connection's first request
 * (`afterRequest` undefined) or on a kept-alive connection that first carried a GET of
 * `afterRequest`: the daemon serves these two on different paths (decision 006), and a
 * client must not be able to tell them apart.
 */
export async function replayOnConnection(eventsUrl: string, afterRequest?: string): Promise<ConnectionReplay> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    if (afterRequest !== undefined) {
      const response = await new Promise<IncomingMessage>((resolve, reject) =>
        get(afterRequest, { agent }, resolve).on('error', reject),
      );
      response.resume();
      await new Promise((resolve) => response.on('end', resolve));
    }
    return await new Promise<ConnectionReplay>((resolve, reject) => {
      const request = get(eventsUrl, { agent, headers: { accept: 'text/event-stream' } }, (response) => {
        const events: IncomingEvent[] = [];
        const parser = createParser({
          onEvent: (message) => {
            if (message.id !== undefined) events.push(parseIncomingEvent(JSON.parse(message.data)));
            else if (message.event === 'ready') {
              const readyOffset = (JSON.parse(message.data) as { offset: number }).offset;
              resolve({ reusedConnection: request.reusedSocket, events, readyOffset });
              response.destroy();
            }
          },
        });
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => parser.feed(chunk));
        response.on('end', () => reject(new Error(`The event stream ended before ready (${response.statusCode}).`)));
      });
      request.on('error', reject);
    });
  } finally {
    agent.destroy();
  }
}
