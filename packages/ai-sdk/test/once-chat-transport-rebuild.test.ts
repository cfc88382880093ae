// When the client has to resync a message to a state that does not extend what a stream
// showed, OnceChatTransport ends the stream as a network drop and the resume rebuilds the
// message whole. Here a delta is corrupted in transit; the message_complete that carries
// the true final message then contradicts what was shown.
import { createDaemonClient, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageRebuildError, OnceChatTransport } from '../src/chat/index.ts';
import { toUIMessages } from '../src/index.ts';
import { NodeChat } from './node-chat.ts';
import { contentOf } from './ui-message-streams.ts';

afterEach(stopLeftoverDaemons);

const CORRUPTED = 'CORRUPTED ';

/** A fetch that rewrites the text of the `nth` block_delta (in either wire form) of the first event stream it reads. */
function corruptingFetch(nth: number): typeof fetch {
  let corrupted = false;
  return async (input, init) => {
    const response = await fetch(input, init);
    const streams = response.headers.get('content-type')?.startsWith('text/event-stream') === true;
    if (!streams || corrupted || response.body === null) return response;
    corrupted = true;
    let seen = 0;
    let pending = '';
    const frames = new TransformStream<string, string>({
      transform(text, controller) {
        pending += text;
        const end = pending.lastIndexOf('\n\n');
        if (end === -1) return;
        const complete = pending.slice(0, end + 2);
        pending = pending.slice(end + 2);
        // A delta is a full envelope, or a short frame of the compact form (decision 019).
        controller.enqueue(
          complete.replace(
            /^(?:event: block_delta\ndata: (.*)|data:(\[.*\]))$/gm,
            (frame, json: string | undefined, short: string | undefined) => {
              seen += 1;
              if (seen !== nth) return frame;
              if (short !== undefined) {
                const [, ...rest] = JSON.parse(short) as unknown[];
                return `data:${JSON.stringify([CORRUPTED, ...rest])}`;
              }
              const event = JSON.parse(json ?? '') as { data: { text?: string } };
              return `event: block_delta\ndata: ${JSON.stringify({ ...event, data: { text: CORRUPTED } })}`;
            },
          ),
        );
      },
      flush(controller) {
        controller.enqueue(pending);
      },
    });
    const body = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(frames)
      .pipeThrough(new TextEncoderStream());
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

describe('OnceChatTransport when a message it streamed is resynced to something else', () => {
  it('ends the stream as a network drop, and the resume shows the true message, once', async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '10', '--demo-tokens', '80'] });
    const api = createDaemonClient(daemon.url);
    const conversationId = await api.createConversation();
    const transport = new OnceChatTransport({ baseUrl: daemon.url, fetch: corruptingFetch(10) });
    const chat = new NodeChat({ id: conversationId, transport });
    try {
      await chat.sendMessage({ text: 'Tell me about durable streams.' });
      expect(chat.status).toBe('error');
      expect(chat.error).toBeInstanceOf(MessageRebuildError);
      expect(chat.error).toBeInstanceOf(TypeError);
      expect(chat.lastAnswerText()).toContain(CORRUPTED);

      await chat.resumeStream();
      await chat.until(() => chat.status === 'ready', 'the resumed chat');

      const expected = toUIMessages((await api.getSnapshot(conversationId)).messages);
      expect(chat.messages.map((message) => message.id)).toEqual(expected.map((message) => message.id));
      expect(chat.messages.map(contentOf)).toEqual(expected.map(contentOf));
      expect(chat.lastAnswerText()).not.toContain(CORRUPTED);
      expect(chat.finishReasons.at(-1)).toBe('stop');
      // Nothing is left to rebuild: the next resume finds no running turn.
      expect(await transport.reconnectToStream({ chatId: conversationId })).toBeNull();
    } finally {
      transport.close();
    }
  }, 60_000);
});
