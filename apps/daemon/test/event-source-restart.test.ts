import { type IncomingEvent, parseIncomingEvent } from '@once/protocol';
import { expectExactTranscript, freePort, startDaemon, stopLeftoverDaemons, watchEventSource } from '@once/testing';
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, eventsUrl, getSnapshot, sendMessage } from './daemon-api.ts';

const SLOW_DEMO = ['--demo-delay-ms', '5', '--demo-tokens', '300'];

afterEach(stopLeftoverDaemons);

describe('a plain EventSource', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'reconnects by itself when the daemon comes back after %s, and ends with the server’s transcript',
    async (signal) => {
      await using daemon = await startDaemon({ port: await freePort(), flags: SLOW_DEMO });
      const conversationId = await createConversation(daemon.url);
      await sendMessage(daemon.url, conversationId, 'Tell me about exactly-once delivery.');

      const source = new EventSource(eventsUrl(daemon.url, conversationId));
      using _ = { [Symbol.dispose]: () => source.close() };
      const received: IncomingEvent[] = [];
      // `ready` (no id) ends each connection's replay: one per connection.
      const watch = watchEventSource(source, (message) => received.push(parseIncomingEvent(JSON.parse(message.data))));
      const { until } = watch;

      await until(() => received.length >= 40);
      const exit = await daemon.kill(signal);
      expect(exit).toEqual(signal === 'SIGTERM' ? { code: 0, signal: null } : { code: null, signal: 'SIGKILL' });
      await until(() => watch.errors > 0);
      // Still trying: a network error is not the end of an EventSource.
      expect(source.readyState).toBe(EventSource.CONNECTING);

      await daemon.restart();
      const settled = async () => {
        const served = await getSnapshot(daemon.url, conversationId);
        return served.activeTurn === undefined && served.offset === received.at(-1)?.offset ? served : undefined;
      };
      // The second connection has replayed what the first one missed (after SIGTERM: nothing).
      await until(() => watch.readies === 2 && received.some((event) => event.type === 'turn_end'));
      let served = await settled();
      while (served === undefined) {
        const seen = received.length;
        await until(() => received.length > seen);
        served = await settled();
      }

      expectExactTranscript(conversationId, received, served);
      expect(served.messages.map((message) => [message.role, message.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'interrupted'],
      ]);
      expect(source.readyState).toBe(EventSource.OPEN);
      expect(watch.readies).toBe(2);
    },
    30_000,
  );
});
