// The answers check must see what it is there to see: a conversation with regenerates, as
// a daemon served it, passes; each way of answering twice or not at all, made by changing
// one thing in it, is reported.
import type { IncomingEvent, MessageSnapshot } from '@once/protocol';
import { createDaemonClient, readConversation, startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnswersToCheck, checkAnswers } from './check-answers.ts';
import type { RegenerateRequest } from './regenerate-answer.ts';

const accepted = (clientMessageId: string, messageId: string): RegenerateRequest => ({
  clientMessageId,
  messageId,
  outcome: 'accepted',
  resent: 0,
});

describe('checkAnswers', () => {
  let served: AnswersToCheck;
  /** The question, its first answer, the answer of regenerate-1 (of the first), of regenerate-2 (of regenerate-1's). */
  let question: MessageSnapshot, first: MessageSnapshot, again: MessageSnapshot, third: MessageSnapshot;

  beforeAll(async () => {
    await using daemon = await startDaemon({ flags: ['--demo-delay-ms', '0', '--demo-tokens', '12'] });
    const api = createDaemonClient(daemon.url);
    const conversationId = await api.createConversation();
    await api.sendMessage(conversationId, 'Tell me about durable streams.', 'send-1');
    const regenerate = async (messageId: string, clientMessageId: string, turns: number) => {
      const path = `/v1/conversations/${conversationId}/messages/${messageId}/regenerate`;
      expect((await api.request('POST', path, { body: { clientMessageId } })).status).toBe(202);
      return (await readConversation(api, conversationId, turns)).snapshot.messages;
    };
    const answered = (await readConversation(api, conversationId, 1)).snapshot.messages;
    const afterOne = await regenerate(answered[1]?.id as string, 'regenerate-1', 2);
    await regenerate(afterOne[2]?.id as string, 'regenerate-2', 3);
    const { events, snapshot } = await readConversation(api, conversationId, 3);
    [question, first, again, third] = snapshot.messages as [
      MessageSnapshot,
      MessageSnapshot,
      MessageSnapshot,
      MessageSnapshot,
    ];
    served = {
      events,
      messages: snapshot.messages,
      regenerates: [accepted('regenerate-1', first.id), accepted('regenerate-2', again.id)],
    };
  }, 60_000);
  afterAll(stopLeftoverDaemons);

  const whats = (changed: Partial<AnswersToCheck>) =>
    checkAnswers({ ...served, ...changed }).map((found) => found.what);

  it('finds nothing wrong with a question answered, then regenerated twice, as the daemon served it', () => {
    expect(served.messages.map((message) => [message.role, message.replaces])).toEqual([
      ['user', undefined],
      ['assistant', undefined],
      ['assistant', first.id],
      ['assistant', again.id],
    ]);
    expect(checkAnswers(served)).toEqual([]);
  });

  it('reports an accepted regenerate that made no answer, and lets one refused with 409 make none', () => {
    const regenerates: RegenerateRequest[] = [
      ...served.regenerates,
      accepted('lost-1', third.id),
      { ...accepted('refused-1', third.id), outcome: 'refused' },
    ];
    expect(whats({ regenerates })).toEqual([`the accepted regenerate lost-1 of message ${third.id} made 0 answers`]);
  });

  it('reports one regenerate request answered twice, with both answers in the trace', () => {
    // The second request's answer relabelled as the first's: two answers carry one clientMessageId.
    const messages = served.messages.map((message) =>
      message.clientMessageId === 'regenerate-2' ? { ...message, clientMessageId: 'regenerate-1' } : message,
    ) as MessageSnapshot[];
    const found = checkAnswers({ ...served, messages, regenerates: served.regenerates.slice(0, 1) });
    const twice = found.find(
      (finding) => finding.what === `the accepted regenerate regenerate-1 of message ${first.id} made 2 answers`,
    );
    expect(twice?.trace.filter((line) => line.includes('turn_start'))).toHaveLength(2);
  });

  it('reports a regenerate answer stored without its request (no replaces, no clientMessageId) as a second answer to the send', () => {
    const messages = served.messages.map((message) => {
      if (message.id !== third.id) return message;
      const { replaces: _replaces, clientMessageId: _clientMessageId, ...unlabelled } = message;
      return unlabelled;
    }) as MessageSnapshot[];
    const found = whats({ messages });
    expect(found).toContain(
      `user message ${question.id} has 2 answers not asked for by a regenerate (its send's answer, once)`,
    );
    expect(found).toContain(`the accepted regenerate regenerate-2 of message ${again.id} made 0 answers`);
  });

  it('reports an answer that replaces another message than the one the user regenerated', () => {
    const regenerates = [accepted('regenerate-1', first.id), accepted('regenerate-2', first.id)];
    expect(whats({ regenerates })).toEqual([
      `answer ${third.id} of regenerate regenerate-2 replaces ${again.id}, not the message regenerated, ${first.id}`,
    ]);
  });

  it('reports a turn started twice and a turn without an answer', () => {
    const start = served.events.find((event) => event.type === 'turn_start') as IncomingEvent;
    const turnId = (start.data as { turnId: string }).turnId;
    const events = [...served.events, { ...start, offset: served.events.length + 1 } as IncomingEvent];
    expect(whats({ events })).toEqual([`turn ${turnId} started 2 times`]);
    const withoutFirst = served.messages.filter((message) => message.id !== first.id);
    expect(whats({ messages: withoutFirst })).toContain(
      `turn ${turnId}, answering user message ${question.id}, has 0 answers`,
    );
  });

  it('reports a regenerate the daemon rejected with a 4xx other than 409', () => {
    const rejected: RegenerateRequest = {
      ...accepted('rejected-1', first.id),
      outcome: 'rejected',
      error: 'No message in this conversation.',
    };
    expect(whats({ regenerates: [...served.regenerates, rejected] })).toEqual([
      `the daemon rejected the regenerate rejected-1 of message ${first.id}: No message in this conversation.`,
    ]);
  });
});
