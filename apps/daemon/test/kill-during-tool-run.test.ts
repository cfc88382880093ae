import type { IncomingEvent, MessageSnapshot } from '@once/protocol';
import {
  foldEvents,
  offsetsOf,
  openEventStream,
  range,
  readUntilTurnEnds,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, eventsUrl, getSnapshot, sendMessage } from './daemon-api.ts';

// The clock tool takes a minute, so the kill lands while it runs.
const FLAGS = ['--demo-delay-ms', '1', '--demo-tokens', '30', '--demo-tool-delay-ms', '60000'];

afterEach(stopLeftoverDaemons);

describe('a daemon killed with SIGKILL during a tool run, with messages queued behind it', () => {
  it('ends the running message interrupted and answers each queued message once, in order', async () => {
    await using daemon = await startDaemon({ flags: FLAGS });
    const conversationId = await createConversation(daemon.url);
    const first = await sendMessage(daemon.url, conversationId, 'What time is it? Use a tool.');
    const second = await sendMessage(daemon.url, conversationId, 'And the second question?');
    const third = await sendMessage(daemon.url, conversationId, 'And the third one?');

    const received: IncomingEvent[] = [];
    await using before = await openEventStream(eventsUrl(daemon.url, conversationId));
    const toolRunning = (event: IncomingEvent) =>
      event.type === 'block_open' && (event.data as { blockType?: string }).blockType === 'tool_result';
    while (!received.some(toolRunning)) {
      const message = await before.next();
      if (message === undefined) throw new Error(`The stream ended after ${received.length} events.`);
      if (message.event !== undefined) received.push(message.event);
    }
    expect((await daemon.kill('SIGKILL')).signal).toBe('SIGKILL');
    await before.close();

    await daemon.restart();
    await using after = await openEventStream(eventsUrl(daemon.url, conversationId), {
      lastEventId: String(received.at(-1)?.offset),
    });
    // The interrupted turn and the two queued ones all end.
    const served = await readUntilTurnEnds(after, received, () => getSnapshot(daemon.url, conversationId), 3);

    expect(offsetsOf(received)).toEqual(range(received.length));
    const folded = foldEvents(conversationId, received);
    expect(folded.messages).toEqual(served.messages);

    const answersTo = (turnId: string) =>
      served.messages.filter((message: MessageSnapshot) => message.role === 'assistant' && message.turnId === turnId);
    expect(answersTo(first.turnId)).toHaveLength(1);
    expect(answersTo(first.turnId)[0]).toMatchObject({ status: 'interrupted' });
    expect(answersTo(first.turnId)[0]?.blocks.map((block) => [block.type, block.status])).toEqual([
      ['text', 'closed'],
      ['tool_use', 'closed'],
      ['tool_result', 'closed'],
    ]);
    for (const queued of [second, third]) {
      expect(answersTo(queued.turnId)).toHaveLength(1);
      expect(answersTo(queued.turnId)[0]).toMatchObject({ status: 'complete' });
    }
    // In order: the second is answered before the third, and nothing is answered twice.
    const turnEnds = received
      .filter((event) => event.type === 'turn_end')
      .map((event) => event.data as { turnId: string; reason: string });
    expect(turnEnds).toEqual([
      { turnId: first.turnId, reason: 'interrupted' },
      { turnId: second.turnId, reason: 'complete' },
      { turnId: third.turnId, reason: 'complete' },
    ]);
    expect(served.messages.filter((message: MessageSnapshot) => message.role === 'user')).toHaveLength(3);
  }, 30_000);
});
