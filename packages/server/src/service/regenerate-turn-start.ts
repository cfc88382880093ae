import type { AppendDrafts } from '@once/producer';
import type { ClientMessageId, MessageId, TurnId } from '@once/protocol';

/** What a turn must say of itself for {@link withRegenerateTurnStart}: a queued turn. */
export interface TurnToStamp {
  readonly turnId: TurnId;
  /** A regenerate turn: the assistant message its answer replaces. */
  readonly replaces?: MessageId;
  /** A regenerate turn: the request's clientMessageId. */
  readonly clientMessageId?: ClientMessageId;
}

/**
 * What a turn appends through, with a regenerate turn's `replaces` and `clientMessageId`
 * added to its `turn_start` (decision 040). The daemon adds them rather than trusting each
 * runner to (a config's `runTurn` may not know of them): from that event on, the log says
 * which answer the turn replaces and which request it runs, so recovery can place an answer
 * the turn never opened beside the one regenerated, and a retry of the request finds the
 * turn. Any other turn's writes pass unchanged.
 */
export function withRegenerateTurnStart(turn: TurnToStamp, append: AppendDrafts): AppendDrafts {
  const { replaces, clientMessageId } = turn;
  if (replaces === undefined && clientMessageId === undefined) return append;
  const regenerate = {
    ...(replaces === undefined ? {} : { replaces }),
    ...(clientMessageId === undefined ? {} : { clientMessageId }),
  };
  return (drafts) =>
    append(
      drafts.map((draft) =>
        draft.type === 'turn_start' && draft.data.turnId === turn.turnId
          ? { ...draft, data: { ...draft.data, ...regenerate } }
          : draft,
      ),
    );
}
