// The checker must see what it is there to see: a real conversation passes, and each kind
// of broken promise, made by changing one thing in it, is reported.
import type { IncomingEvent, MessageId } from '@once/protocol';
import { createDaemonClient, readConversation, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConversationEnd, checkConversation } from './check-conversation.ts';

describe('checkConversation', () => {
  let end: ConversationEnd;

  beforeAll(async () => {
    const daemon = await startDaemon({ flags: ['--demo-delay-ms', '0', '--demo-tokens', '12'] });
    const api = createDaemonClient(daemon.url);
    const conversationId = await api.createConversation();
    await api.sendMessage(conversationId, 'What time is it? Use a tool.', 'send-1');
    // The answer regenerated, then the first answer shown again: two branches, the leaf not the last message.
    const answer = (await readConversation(api, conversationId)).snapshot.messages[1]?.id as MessageId;
    const regenerate = `/v1/conversations/${conversationId}/messages/${answer}/regenerate`;
    expect((await api.request('POST', regenerate, { body: { clientMessageId: 'regenerate-1' } })).status).toBe(202);
    await readConversation(api, conversationId, 2);
    const branch = `/v1/conversations/${conversationId}/branch`;
    expect((await api.request('POST', branch, { body: { messageId: answer } })).status).toBe(200);
    const { events, snapshot } = await readConversation(api, conversationId, 2);
    const view = { messages: snapshot.messages, leafId: snapshot.leafId as MessageId };
    end = {
      record: {
        conversationId,
        sends: [{ clientMessageId: 'send-1', outcome: 'accepted' }],
        regenerates: [{ clientMessageId: 'regenerate-1', messageId: answer, outcome: 'accepted', resent: 0 }],
        switches: [{ messageId: answer, outcome: 'accepted' }],
        stalledView: async () => view,
        overflows: 0,
      },
      events,
      snapshot,
      client: { ...view, offset: snapshot.offset, pending: 0 },
      stalled: view,
    };
  }, 60_000);
  afterAll(stopLeftoverDaemons);

  const whats = (changed: Partial<ConversationEnd>) => checkConversation({ ...end, ...changed }).map((v) => v.what);
  const messageId = () => end.snapshot.messages[1]?.id as string;

  it('finds nothing wrong with a conversation as the daemon served it', () => {
    expect(end.snapshot.leafId).toBe(messageId());
    expect(checkConversation(end)).toEqual([]);
  });

  it('reports a gap in the offsets', () => {
    expect(whats({ events: end.events.filter((event) => event.offset !== 5) })).toContain(
      'offset 5 is missing or repeated',
    );
  });

  it('reports a message completed twice, with its events as the trace', () => {
    const complete = end.events.find(
      (event) => event.type === 'message_complete' && 'messageId' in event && event.messageId === messageId(),
    ) as IncomingEvent;
    const events = [...end.events, { ...complete, offset: end.events.length + 1 } as IncomingEvent];
    const found = checkConversation({
      ...end,
      events,
      snapshot: { ...end.snapshot, offset: events.length } as ConversationEnd['snapshot'],
    });
    const twice = found.find((violation) => violation.what === `message ${messageId()} has 2 message_complete`);
    expect(twice?.trace.some((line) => line.includes('message_complete'))).toBe(true);
  });

  it('reports an accepted send that made no user message', () => {
    const sends = [{ clientMessageId: 'never-arrived', outcome: 'accepted' as const }];
    expect(whats({ record: { ...end.record, sends } })).toContain(
      'the accepted send never-arrived made 0 user messages',
    );
  });

  it('reports a client whose store lost text, stopped early, or still shows a message as sending', () => {
    const [user, assistant] = end.snapshot.messages;
    const cut = { ...assistant, blocks: assistant?.blocks.slice(0, 1) } as typeof assistant;
    const found = whats({
      client: {
        offset: end.snapshot.offset - 1,
        messages: [user, cut, ...end.snapshot.messages.slice(2)] as typeof end.snapshot.messages,
        leafId: end.snapshot.leafId,
        pending: 1,
      },
    });
    expect(found).toContain(`the client stopped at offset ${end.snapshot.offset - 1}, not ${end.snapshot.offset}`);
    expect(found).toContain('the client still shows 1 messages as sending');
    expect(found.some((what) => what.startsWith("the client's store differs"))).toBe(true);
  });

  it('reports a stalling consumer that missed a message', () => {
    expect(
      whats({ stalled: { messages: end.snapshot.messages.slice(0, 1) } }).some((what) =>
        what.startsWith("the stalling consumer's view differs"),
      ),
    ).toBe(true);
  });

  it('reports a client or a stalling consumer that holds every message but shows another branch', () => {
    // Without the leaf, the path ends at the last message opened: the regenerated answer, not the one switched back to.
    const regenerated = end.snapshot.messages[2]?.id;
    const elsewhere = { messages: end.snapshot.messages };
    expect(whats({ client: { ...end.client, ...elsewhere, leafId: undefined }, stalled: elsewhere })).toEqual([
      `the client shows the branch ending at ${regenerated}, the snapshot at ${messageId()}`,
      `the stalling consumer shows the branch ending at ${regenerated}, the snapshot at ${messageId()}`,
    ]);
  });

  it('reports a branch switch the daemon rejected with a 4xx other than 409', () => {
    const switches = [{ messageId: messageId() as MessageId, outcome: 'rejected' as const, error: 'No message.' }];
    expect(whats({ record: { ...end.record, switches } })).toEqual([
      `the daemon rejected the switch to message ${messageId()}: No message.`,
    ]);
  });
});
