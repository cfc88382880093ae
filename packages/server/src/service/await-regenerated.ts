import { type ConversationState, pathTo } from '@once/core';
import type { CommitListener } from '@once/log';
import type { ClientMessageId, ConversationId, MessageId, TurnId } from '@once/protocol';

/** The ids a regenerate returns, read off its answer in the conversation's state. */
export interface Regenerated {
  readonly turnId: TurnId;
  readonly userMessageId: MessageId;
}

/** What {@link awaitRegenerated} needs from the conversation service. */
export interface AwaitRegeneratedOptions {
  /** The conversation's state folded up to the log's head. */
  readonly current: (conversationId: ConversationId) => Promise<ConversationState>;
  /** Registers a commit listener on the log; returns the function that unregisters it. */
  readonly onCommit: (listener: CommitListener) => () => void;
  /** How long to wait for the answer, in ms. */
  readonly timeoutMs: number;
}

/**
 * Waits for the answer of a regenerate another daemon accepted and has not started yet:
 * the log learns of a regenerate only from its turn's `turn_start` (decision 040) and its
 * answer's `message_open`, both carrying the request's clientMessageId, so a retry that
 * reaches another daemon first can only watch the conversation's commits for them.
 * @returns the answer's (or turn's) ids; undefined when neither came within `timeoutMs`, or when an
 *   answer of another turn opened first (the holder runs a regenerate turn before any
 *   turn queued after it, so this id was not queued there).
 */
export async function awaitRegenerated(
  options: AwaitRegeneratedOptions,
  conversationId: ConversationId,
  clientMessageId: ClientMessageId,
): Promise<Regenerated | undefined> {
  const { promise, resolve, reject } = Promise.withResolvers<Regenerated | undefined>();
  // One look at a time, in the order of the commits that asked for them.
  let looking: Promise<void> = Promise.resolve();
  const look = () => {
    looking = looking
      .then(async () => {
        const sighting = sightingOf(await options.current(conversationId), clientMessageId);
        if (sighting === 'another answer') resolve(undefined);
        else if (sighting !== undefined) resolve(sighting);
      })
      .catch(reject);
    return looking;
  };
  const stop = options.onCommit((notice) => {
    if (notice.stream.stream === 'conversation' && notice.stream.conversationId === conversationId) void look();
  });
  // A last look before giving up, should a commit's notice have been missed.
  const timer = setTimeout(() => void look().then(() => resolve(undefined)), options.timeoutMs);
  // The commit that opened the answer may have come before the listener did.
  void look();
  try {
    return await promise;
  } finally {
    stop();
    clearTimeout(timer);
  }
}

/**
 * The answer of the regenerate `clientMessageId` names, if the state has it, or its turn,
 * started and running with no answer open yet (its `turn_start` names the request,
 * decision 040).
 */
export function findRegenerated(state: ConversationState, clientMessageId: ClientMessageId): Regenerated | undefined {
  const message = state.messages.find(
    (entry) => entry.role === 'assistant' && entry.clientMessageId === clientMessageId,
  );
  const running = state.activeTurn;
  if (message === undefined && running?.clientMessageId === clientMessageId) {
    return { turnId: running.turnId, userMessageId: running.userMessageId };
  }
  if (message === undefined) return undefined;
  const userMessageId = userMessageOf(state, message.id);
  return userMessageId === undefined ? undefined : { turnId: message.turnId, userMessageId };
}

/**
 * The user message an assistant message answers: the one that opened its turn; for a
 * regenerated answer, the one the answer it replaces answers. Not the last user message on
 * its path: an answer opens after every question sent while its turn waited, so on the tree
 * it follows the last of them. Falls back to that path only for an answer whose turn's user
 * message the state lacks.
 */
export function userMessageOf(state: ConversationState, assistantId: MessageId): MessageId | undefined {
  const seen = new Set<MessageId>();
  for (let id: MessageId | undefined = assistantId; id !== undefined && !seen.has(id); ) {
    seen.add(id);
    const answer = state.messages.find((message) => message.id === id);
    if (answer === undefined) break;
    const question = state.messages.find((message) => message.role === 'user' && message.turnId === answer.turnId);
    if (question !== undefined) return question.id;
    id = answer.replaces;
  }
  return pathTo(state, assistantId).findLast((message) => message.role === 'user')?.id;
}

/** The regenerate's answer or turn; `another answer` when the running turn opened one not carrying its id. */
function sightingOf(
  state: ConversationState,
  clientMessageId: ClientMessageId,
): Regenerated | 'another answer' | undefined {
  const found = findRegenerated(state, clientMessageId);
  if (found !== undefined) return found;
  const running = state.activeTurn?.turnId;
  const opened = state.messages.some((message) => message.role === 'assistant' && message.turnId === running);
  return running !== undefined && opened ? 'another answer' : undefined;
}
