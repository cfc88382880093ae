import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationClient } from '@once/client';
import { currentPath } from '@once/core';
import { isOnceError } from '@once/protocol';
import type { SeededRandom } from './seeded-random.ts';

/** One regenerate a torture user asked for, and how it ended. */
export interface RegenerateRequest {
  readonly clientMessageId: string;
  /** The assistant message whose answer was asked for again. */
  readonly messageId: string;
  /**
   * - `accepted`: a 202 came back; its answer must be in the log exactly once.
   * - `refused`: `409 conflict`, a turn ran. An earlier attempt whose 202 was lost may
   *   still have been queued, so at most one answer.
   * - `rejected`: another 4xx. A bug: the user only regenerates answers it was shown.
   * - `failed`: the client gave up retrying (the daemon unreachable all along); at most one answer.
   * - `pending`: not ended yet.
   */
  outcome: 'pending' | 'accepted' | 'refused' | 'rejected' | 'failed';
  /** Why, for a rejected or failed one. */
  error?: string;
  /** Times the user sent it again, with the same clientMessageId, because its answer had not shown up. */
  resent: number;
}

/** How long the user waits for an accepted regenerate's answer before sending the request again, in ms. */
const RESEND_AFTER_MS = 3000;
/** How long the user waits for an accepted regenerate's answer in all, in ms; then the check reports it missing. */
const GIVE_UP_AFTER_MS = 30_000;

/**
 * Asks for another answer, as a person pressing Regenerate: on the last answer of the
 * current path mostly, on an older one of the path sometimes (which starts a new branch
 * there). Once accepted, waits until the answer shows in the store, sending the same
 * request again every few seconds meanwhile: PROTOCOL says a daemon that dies between the
 * 202 and the turn's start loses the request, and that sending it again runs it, once.
 * Does nothing when the path has no finished answer yet.
 */
export async function regenerateAnswer(
  conversation: ConversationClient,
  random: SeededRandom,
  requests: RegenerateRequest[],
): Promise<void> {
  const answers = currentPath(conversation.store.getSnapshot()).filter(
    (message) => message.role === 'assistant' && message.status !== 'streaming',
  );
  const last = answers.at(-1);
  if (last === undefined) return;
  const target = random.chance(0.7) ? last : random.pick(answers);
  const request: RegenerateRequest = {
    clientMessageId: crypto.randomUUID(),
    messageId: target.id,
    outcome: 'pending',
    resent: 0,
  };
  requests.push(request);
  const ask = () => conversation.regenerate(target.id, { clientMessageId: request.clientMessageId });
  try {
    await ask();
    request.outcome = 'accepted';
  } catch (error) {
    const refusal = isOnceError(error) && error.status < 500 ? error : undefined;
    request.outcome = refusal === undefined ? 'failed' : refusal.code === 'conflict' ? 'refused' : 'rejected';
    if (request.outcome !== 'refused') request.error = (error as Error).message;
    return;
  }
  const giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
  let resendAt = Date.now() + RESEND_AFTER_MS;
  while (!shown(conversation, request.clientMessageId) && Date.now() < giveUpAt) {
    if (Date.now() >= resendAt) {
      request.resent += 1;
      // A 409 or a lost connection here changes nothing: the request was accepted once.
      await ask().catch(() => {});
      resendAt = Date.now() + RESEND_AFTER_MS;
    }
    await sleep(100);
  }
}

/** Whether the store holds the answer of the regenerate with this clientMessageId. */
function shown(conversation: ConversationClient, clientMessageId: string): boolean {
  return conversation.store
    .getSnapshot()
    .messages.some((message) => message.role === 'assistant' && message.clientMessageId === clientMessageId);
}
