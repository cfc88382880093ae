import { isDeepStrictEqual } from 'node:util';
import { type BranchSource, leafOf } from '@once/core';
import type { IncomingEvent, MessageSnapshot } from '@once/protocol';
import { foldEvents, type SnapshotResponse } from '@once/testing';
import { checkAnswers } from './check-answers.ts';
import type { UserRecord } from './torture-user.ts';
import { aroundOffset, ofMessage } from './trace-lines.ts';

/** One broken promise, with the events that show it. */
export interface Violation {
  readonly conversationId: string;
  readonly what: string;
  /** A few events, one line each, around what went wrong. */
  readonly trace: readonly string[];
}

/** What a conversation ended as, on the daemon and in its client. */
export interface ConversationEnd {
  readonly record: UserRecord;
  /** Every event of the conversation, read as JSON pages from offset 0. */
  readonly events: readonly IncomingEvent[];
  readonly snapshot: SnapshotResponse;
  /** The client's store (its messages, the leaf it shows, what it still sends), once it caught up (or gave up waiting). */
  readonly client: BranchSource & { readonly offset: number; readonly pending: number };
  /** What the user's stalling consumer folded, once it handled everything; undefined if it has none. */
  readonly stalled: BranchSource | undefined;
}

/**
 * Every promise Once makes about one conversation, checked after a run: offsets gapless,
 * one `message_complete` per message, one user message per send, answers exactly once
 * (each turn one answer, each user message one answer to its send and one to each
 * regenerate of it, each regenerate request one answer: see {@link checkAnswers}),
 * history folded equal to the snapshot, and the client, the stalling consumer included,
 * holding exactly the snapshot and showing the same branch.
 */
export function checkConversation(end: ConversationEnd): Violation[] {
  const { record, events, snapshot, client, stalled } = end;
  const violations: Violation[] = [];
  const fail = (what: string, trace: readonly string[] = []) =>
    violations.push({ conversationId: record.conversationId, what, trace });

  events.forEach((event, index) => {
    if (event.offset !== index + 1) fail(`offset ${index + 1} is missing or repeated`, aroundOffset(events, index + 1));
  });
  if (snapshot.offset !== events.length) fail(`the snapshot is at ${snapshot.offset}, the log at ${events.length}`);

  const completes = new Map<string, number>();
  const opened: string[] = [];
  for (const event of events) {
    if (event.type === 'message_open' && 'messageId' in event && event.messageId !== undefined) {
      opened.push(event.messageId);
    }
    if (event.type === 'message_complete' && 'messageId' in event && event.messageId !== undefined) {
      completes.set(event.messageId, (completes.get(event.messageId) ?? 0) + 1);
    }
  }
  for (const messageId of opened) {
    const count = completes.get(messageId) ?? 0;
    if (count !== 1) fail(`message ${messageId} has ${count} message_complete`, ofMessage(events, messageId));
  }

  const users = snapshot.messages.filter((message) => message.role === 'user');
  for (const send of record.sends) {
    const made = users.filter((message) => message.clientMessageId === send.clientMessageId);
    const allowed = send.outcome === 'accepted' ? [1] : [0, 1];
    if (!allowed.includes(made.length)) {
      fail(
        `the ${send.outcome} send ${send.clientMessageId} made ${made.length} user messages`,
        made.flatMap((message) => ofMessage(events, message.id)),
      );
    }
  }
  for (const finding of checkAnswers({ events, messages: snapshot.messages, regenerates: record.regenerates })) {
    fail(finding.what, finding.trace);
  }
  for (const change of record.switches) {
    if (change.outcome === 'rejected')
      fail(`the daemon rejected the switch to message ${change.messageId}: ${change.error}`);
  }

  try {
    const folded = foldEvents(record.conversationId, events);
    if (!isDeepStrictEqual(folded.messages, snapshot.messages)) fail('folding the log does not give the snapshot');
    else if (leafOf(folded) !== leafOf(snapshot))
      fail(`folding the log ends the current path at ${leafOf(folded)}, the snapshot at ${leafOf(snapshot)}`);
  } catch (error) {
    fail(`folding the log failed: ${(error as Error).message}`);
  }

  if (client.offset !== snapshot.offset) fail(`the client stopped at offset ${client.offset}, not ${snapshot.offset}`);
  if (client.pending > 0) fail(`the client still shows ${client.pending} messages as sending`);
  const clientDiff = firstDifference(client.messages, snapshot.messages);
  if (clientDiff !== undefined)
    fail(`the client's store differs: ${clientDiff}`, ofMessage(events, clientDiff.split(' ')[1] ?? ''));
  else if (leafOf(client) !== leafOf(snapshot))
    fail(`the client shows the branch ending at ${leafOf(client)}, the snapshot at ${leafOf(snapshot)}`);
  if (stalled !== undefined) {
    const stalledDiff = firstDifference(stalled.messages, snapshot.messages);
    if (stalledDiff !== undefined) fail(`the stalling consumer's view differs: ${stalledDiff}`);
    else if (leafOf(stalled) !== leafOf(snapshot))
      fail(`the stalling consumer shows the branch ending at ${leafOf(stalled)}, the snapshot at ${leafOf(snapshot)}`);
  }
  return violations;
}

/** The first message where two message lists differ, in words, or undefined when they are equal. */
function firstDifference(actual: readonly MessageSnapshot[], expected: readonly MessageSnapshot[]): string | undefined {
  for (let index = 0; index < Math.max(actual.length, expected.length); index += 1) {
    const seen = actual[index];
    const wanted = expected[index];
    if (isDeepStrictEqual(seen, wanted)) continue;
    if (seen === undefined) return `message ${wanted?.id} is missing`;
    if (wanted === undefined) return `message ${seen.id} is extra`;
    return `message ${wanted.id} (${wanted.role}, ${wanted.status}) is ${seen.id === wanted.id ? `${seen.status} with other blocks` : `another message (${seen.id})`}`;
  }
  return undefined;
}
