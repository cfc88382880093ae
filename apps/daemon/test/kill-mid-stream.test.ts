import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingEvent, MessageSnapshot } from '@once/protocol';
import {
  expectExactTranscript,
  foldEvents,
  openEventStream,
  readUntilTurnEnds,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createConversation, eventsUrl, getSnapshot, sendMessage } from './daemon-api.ts';

// 200 tokens 5 ms apart: the assistant message streams for about a second, over 200 events.
const SLOW_DEMO = ['--demo-delay-ms', '5', '--demo-tokens', '200'];
const SEED = 20_261_123;

/**
 * The first events are the user message (5), `turn_start`, `activity` and the assistant's
 * `message_open`: from 12 on, the assistant has streamed text. Every run's answer has
 * more than 200 events, so 180 still lands mid-stream.
 */
const killPoint = fc.integer({ min: 12, max: 180 });
/**
 * How the client meets the kill. `lagMs`: it stops reading that long before the kill, so
 * the daemon has committed events the client has not read. `drain`: it reads what the
 * dead socket still holds; otherwise it drops the connection and the replay after the
 * restart must bring those events.
 */
const clientBehaviour = fc.record({ lagMs: fc.constantFrom(0, 30), drain: fc.boolean() });

afterEach(stopLeftoverDaemons);

describe('a daemon killed with SIGKILL mid-stream', () => {
  it('resumes from Last-Event-ID after a restart: every event once, the fold equals the snapshot, the message interrupted', async () => {
    await fc.assert(
      fc.asyncProperty(killPoint, fc.boolean(), clientBehaviour, async (killAfter, withTool, { lagMs, drain }) => {
        await using daemon = await startDaemon({ flags: SLOW_DEMO });
        const conversationId = await createConversation(daemon.url);
        const prompt = withTool ? 'What time is it? Use a tool.' : 'Tell me about durable streams.';
        const { turnId } = await sendMessage(daemon.url, conversationId, prompt);

        const received: IncomingEvent[] = [];
        await using firstConnection = await openEventStream(eventsUrl(daemon.url, conversationId));
        while (received.length < killAfter) {
          const message = await firstConnection.next();
          if (message === undefined) throw new Error(`The stream ended after ${received.length} events.`);
          if (message.event !== undefined) received.push(message.event);
        }
        await sleep(lagMs);
        const exit = await daemon.kill('SIGKILL');
        expect(exit.signal).toBe('SIGKILL');
        if (drain) {
          // Whatever reached the socket before the kill is delivered; a torn last frame is not.
          for await (const message of firstConnection) if (message.event !== undefined) received.push(message.event);
        }
        await firstConnection.close();
        const beforeKill = assistantOf(foldEvents(conversationId, received).messages);

        await daemon.restart();
        const lastEventId = String(received.at(-1)?.offset);
        await using resumed = await openEventStream(eventsUrl(daemon.url, conversationId), { lastEventId });
        const served = await readUntilTurnEnds(resumed, received, () => getSnapshot(daemon.url, conversationId));

        // Exactly once: offsets 1..n, none missing, none twice, across the kill.
        expectExactTranscript(conversationId, received, served);

        // The assistant message was cut, not lost and not restarted: it ends interrupted,
        // keeping every block's text as it was streamed before the kill.
        expect(served.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
        const assistant = assistantOf(served.messages);
        expect(assistant.id).toBe(beforeKill.id);
        expect(assistant.status).toBe('interrupted');
        expect(textOf(beforeKill)).not.toBe('');
        beforeKill.blocks.forEach((block, index) => {
          expect(textOfBlock(assistant.blocks[index])).toMatch(startsWith(textOfBlock(block)));
        });
        if (withTool) expect(assistant.blocks.some((block) => block.type === 'tool_use')).toBe(true);

        // One message_complete per message, carrying the final message; one turn_end.
        for (const message of served.messages) {
          const completes = received.filter(
            (event) => event.type === 'message_complete' && 'messageId' in event && event.messageId === message.id,
          );
          expect(completes).toHaveLength(1);
          expect(completes[0]?.data).toMatchObject({ status: message.status, message: { blocks: message.blocks } });
        }
        const turnEnds = received.filter((event) => event.type === 'turn_end');
        expect(turnEnds.map((event) => event.data)).toEqual([{ turnId, reason: 'interrupted' }]);
      }),
      { seed: SEED, numRuns: 5, endOnFailure: true },
    );
    // Five runs of a start, a kill and a restart: 44 s on a loaded 2-core machine.
  }, 120_000);
});

function assistantOf(messages: readonly MessageSnapshot[]): MessageSnapshot {
  const assistant = messages.find((message) => message.role === 'assistant');
  if (assistant === undefined) throw new Error('No assistant message yet.');
  return assistant;
}

function textOfBlock(block: MessageSnapshot['blocks'][number] | undefined): string {
  if (block === undefined) return '';
  if ('text' in block) return block.text;
  if ('partialJson' in block) return block.partialJson;
  return '';
}

function textOf(message: MessageSnapshot): string {
  return message.blocks.map(textOfBlock).join('');
}

function startsWith(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
}
