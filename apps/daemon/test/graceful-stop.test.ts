import type { IncomingEvent } from '@once/protocol';
import {
  expectExactTranscript,
  foldEvents,
  openEventStream,
  readUntilTurnEnds,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, eventsUrl, getSnapshot, sendMessage } from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

describe('SIGTERM during a streaming turn', () => {
  it('exits 0 and, after a restart, the message is interrupted, the turn ended, nothing duplicated', async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '5', '--demo-tokens', '300'] });
    const conversationId = await createConversation(daemon.url);
    const { turnId } = await sendMessage(daemon.url, conversationId, 'Explain group commit, with a tool.');

    const received: IncomingEvent[] = [];
    await using before = await openEventStream(eventsUrl(daemon.url, conversationId));
    while (!received.some((event) => event.type === 'block_delta' && (event.blockIndex ?? 0) > 2)) {
      const message = await before.next();
      if (message === undefined) throw new Error('The stream ended before the answer streamed text.');
      if (message.event !== undefined) received.push(message.event);
    }
    expect(await daemon.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    // A clean stop ends the stream after sending the end of the turn.
    for await (const message of before) if (message.event !== undefined) received.push(message.event);
    const atStop = foldEvents(conversationId, received);
    // Connected clients saw the turn end before their stream closed, not only after a restart.
    expect(atStop.activeTurn).toBeUndefined();
    expect(atStop.messages.map((message) => message.status)).toEqual(['complete', 'interrupted']);

    await daemon.restart();
    await using after = await openEventStream(eventsUrl(daemon.url, conversationId), {
      lastEventId: String(received.at(-1)?.offset),
    });
    const served = await readUntilTurnEnds(after, received, () => getSnapshot(daemon.url, conversationId));

    // The restart found nothing left open: it wrote nothing, and nothing was answered again.
    expect(served.offset).toBe(atStop.offset);
    expectExactTranscript(conversationId, received, served);
    expect(served.messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'interrupted'],
    ]);
    expect(served.activity).toEqual({ phase: 'idle' });
    const ends = received.filter((event) => event.type === 'turn_end').map((event) => event.data);
    expect(ends).toEqual([{ turnId, reason: 'interrupted' }]);
    const completes = received.filter((event) => event.type === 'message_complete');
    expect(completes.map((event) => 'messageId' in event && event.messageId)).toEqual(
      served.messages.map((message) => message.id),
    );
  }, 30_000);
});
