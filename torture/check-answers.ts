import type { IncomingEvent, MessageSnapshot } from '@once/protocol';
import type { RegenerateRequest } from './regenerate-answer.ts';
import { ofMessage, ofTurn } from './trace-lines.ts';

/** What {@link checkAnswers} looks at: one settled conversation and the regenerates its user asked for. */
export interface AnswersToCheck {
  readonly events: readonly IncomingEvent[];
  /** Every message of the daemon's snapshot, every branch. */
  readonly messages: readonly MessageSnapshot[];
  readonly regenerates: readonly RegenerateRequest[];
}

/** One broken promise about answers, with the events that show it. */
export interface AnswerFinding {
  readonly what: string;
  readonly trace: readonly string[];
}

/**
 * Exactly-once for answers, with branches, once a conversation has settled:
 *
 * - every turn started once and has exactly one answer (an assistant message of its turn);
 * - every user message has exactly one answer its send asked for (one without `replaces`);
 * - every answer with `replaces` is the answer of a regenerate the user asked for: it
 *   carries that request's clientMessageId, replaces the message the user regenerated and
 *   answers the same question;
 * - each regenerate request made one answer if it was accepted, at most one otherwise,
 *   never two; and the daemon refused none the user could rightly ask for.
 */
export function checkAnswers({ events, messages, regenerates }: AnswersToCheck): AnswerFinding[] {
  const findings: AnswerFinding[] = [];
  const fail = (what: string, trace: readonly string[] = []) => findings.push({ what, trace });

  const questionOf = new Map<string, string>();
  const starts = new Map<string, number>();
  for (const event of events) {
    if (event.type !== 'turn_start') continue;
    const { turnId, userMessageId } = event.data as { turnId: string; userMessageId: string };
    questionOf.set(turnId, userMessageId);
    starts.set(turnId, (starts.get(turnId) ?? 0) + 1);
  }
  const answers = messages.filter((message) => message.role === 'assistant');
  const traceOf = (answer: MessageSnapshot) => [...ofTurn(events, answer.turnId), ...ofMessage(events, answer.id)];

  for (const [turnId, count] of starts) {
    const ofThisTurn = answers.filter((answer) => answer.turnId === turnId);
    if (count !== 1) fail(`turn ${turnId} started ${count} times`, ofTurn(events, turnId));
    if (ofThisTurn.length !== 1) {
      fail(`turn ${turnId}, answering user message ${questionOf.get(turnId)}, has ${ofThisTurn.length} answers`, [
        ...ofTurn(events, turnId),
        ...ofThisTurn.flatMap((answer) => ofMessage(events, answer.id)),
      ]);
    }
  }
  for (const answer of answers) {
    if (!questionOf.has(answer.turnId)) fail(`answer ${answer.id} is of turn ${answer.turnId}, which never started`);
  }

  for (const question of messages.filter((message) => message.role === 'user')) {
    const firsts = answers.filter(
      (answer) => answer.replaces === undefined && questionOf.get(answer.turnId) === question.id,
    );
    if (firsts.length !== 1) {
      fail(
        `user message ${question.id} has ${firsts.length} answers not asked for by a regenerate (its send's answer, once)`,
        [...ofMessage(events, question.id), ...firsts.flatMap(traceOf)],
      );
    }
  }

  const requests = new Map(regenerates.map((request) => [request.clientMessageId, request]));
  for (const answer of answers) {
    if (answer.replaces === undefined) continue;
    const request = answer.clientMessageId === undefined ? undefined : requests.get(answer.clientMessageId);
    if (request === undefined) {
      fail(
        `answer ${answer.id} replaces ${answer.replaces} but carries no regenerate the user asked for (clientMessageId ${answer.clientMessageId})`,
        traceOf(answer),
      );
      continue;
    }
    const regenerated = messages.find((message) => message.id === request.messageId);
    if (answer.replaces !== request.messageId) {
      fail(
        `answer ${answer.id} of regenerate ${request.clientMessageId} replaces ${answer.replaces}, not the message regenerated, ${request.messageId}`,
        traceOf(answer),
      );
    } else if (regenerated !== undefined && questionOf.get(answer.turnId) !== questionOf.get(regenerated.turnId)) {
      fail(
        `answer ${answer.id} of regenerate ${request.clientMessageId} answers user message ${questionOf.get(answer.turnId)}, not ${questionOf.get(regenerated.turnId)}, the one message ${request.messageId} answered`,
        traceOf(answer),
      );
    }
  }

  for (const request of regenerates) {
    const made = answers.filter((answer) => answer.clientMessageId === request.clientMessageId);
    const asked = `regenerate ${request.clientMessageId} of message ${request.messageId}`;
    const resent = request.resent > 0 ? `, sent again ${request.resent} times,` : '';
    if (request.outcome === 'rejected') fail(`the daemon rejected the ${asked}: ${request.error}`);
    const allowed = request.outcome === 'accepted' ? [1] : [0, 1];
    if (!allowed.includes(made.length)) {
      fail(`the ${request.outcome} ${asked}${resent} made ${made.length} answers`, [
        ...ofMessage(events, request.messageId).slice(0, 1),
        ...made.flatMap(traceOf),
      ]);
    }
  }
  return findings;
}
