import { type AppendDrafts, CANCELLED, SHUTTING_DOWN, type TurnRunner } from '@once/producer';
import type {
  ApprovalDecision,
  ClientMessageId,
  ConversationId,
  MessageId,
  MessageSnapshot,
  TurnId,
} from '@once/protocol';
import { withRegenerateTurnStart } from './regenerate-turn-start.ts';
import { trackTurnWrites } from './turn-writes.ts';

/** A turn waiting to run. */
export interface QueuedTurn {
  readonly turnId: TurnId;
  readonly userMessageId: MessageId;
  /** A regenerate turn: the assistant message its answer replaces (decision 022). */
  readonly replaces?: MessageId;
  /** A regenerate turn: the clientMessageId its assistant message opens with. */
  readonly clientMessageId?: ClientMessageId;
}

/**
 * One turn at a time per conversation; turns queued meanwhile run in order.
 *
 *   idle ──enqueue──► running ──turn ends, queue empty──► idle
 *                        └──turn ends, queue not empty──► running (next turn)
 */
export interface TurnScheduler {
  enqueue(conversationId: ConversationId, turn: QueuedTurn): void;
  /** Aborts the running turn, if any. @returns the cancelled turn's id. */
  cancel(conversationId: ConversationId): TurnId | undefined;
  /** Drops the queued turns and cancels the running one (the conversation is going away). */
  discard(conversationId: ConversationId): void;
  /**
   * Drops the queued turns and stops the running one as if the daemon shut down (its
   * message ends `interrupted`): this daemon may no longer run the conversation's turns.
   */
  stop(conversationId: ConversationId): void;
  /** The id of the turn running in the conversation, if any. */
  running(conversationId: ConversationId): TurnId | undefined;
  /** Turns queued or running for the conversation. */
  pending(conversationId: ConversationId): number;
  /** Stops every running turn, drops the queues, and waits for the runners to finish. */
  shutdown(): Promise<void>;
}

/** Options of {@link createTurnScheduler}. */
export interface TurnSchedulerOptions {
  readonly run: TurnRunner;
  /** The conversation's completed history up to a message, read when its turn starts. */
  readonly historyUpTo: (
    conversationId: ConversationId,
    userMessageId: MessageId,
  ) => Promise<readonly MessageSnapshot[]>;
  readonly appendTo: (conversationId: ConversationId) => AppendDrafts;
  readonly awaitApproval: (
    conversationId: ConversationId,
    toolUseId: string,
    signal: AbortSignal,
  ) => Promise<ApprovalDecision>;
  /** Called when a runner fails outside its own error handling. */
  readonly onError: (error: unknown, turn: QueuedTurn, conversationId: ConversationId) => void;
  /** Called when a conversation's last queued turn ended and nothing is left to run there. */
  readonly onIdle?: (conversationId: ConversationId) => void;
}

interface Lane {
  readonly queue: QueuedTurn[];
  running?:
    | { readonly turn: QueuedTurn; readonly controller: AbortController; readonly done: Promise<void> }
    | undefined;
}

export function createTurnScheduler(options: TurnSchedulerOptions): TurnScheduler {
  const lanes = new Map<string, Lane>();
  let stopping = false;

  const next = (conversationId: ConversationId, lane: Lane) => {
    if (lane.running !== undefined || stopping) return;
    const turn = lane.queue.shift();
    if (turn === undefined) {
      lanes.delete(conversationId);
      options.onIdle?.(conversationId);
      return;
    }
    const controller = new AbortController();
    const writes = trackTurnWrites(withRegenerateTurnStart(turn, options.appendTo(conversationId)));
    const done = (async () => {
      try {
        const history = await options.historyUpTo(conversationId, turn.userMessageId);
        await options.run({
          conversationId,
          ...turn,
          history,
          append: writes.append,
          signal: controller.signal,
          shouldHandOff: () => lane.queue.length > 0,
          awaitApproval: (toolUseId) => options.awaitApproval(conversationId, toolUseId, controller.signal),
        });
      } catch (error) {
        options.onError(error, turn, conversationId);
      } finally {
        // Running until its last write is stored or refused: see trackTurnWrites.
        await writes.end();
        lane.running = undefined;
        next(conversationId, lane);
      }
    })();
    lane.running = { turn, controller, done };
  };

  return {
    enqueue(conversationId, turn) {
      if (stopping) return;
      let lane = lanes.get(conversationId);
      if (lane === undefined) {
        lane = { queue: [] };
        lanes.set(conversationId, lane);
      }
      lane.queue.push(turn);
      next(conversationId, lane);
    },
    cancel(conversationId) {
      const running = lanes.get(conversationId)?.running;
      if (running === undefined || running.controller.signal.aborted) return undefined;
      running.controller.abort(CANCELLED);
      return running.turn.turnId;
    },
    discard(conversationId) {
      abortLane(lanes.get(conversationId), CANCELLED);
    },
    stop(conversationId) {
      abortLane(lanes.get(conversationId), SHUTTING_DOWN);
    },
    running(conversationId) {
      return lanes.get(conversationId)?.running?.turn.turnId;
    },
    pending(conversationId) {
      const lane = lanes.get(conversationId);
      return lane === undefined ? 0 : lane.queue.length + (lane.running ? 1 : 0);
    },
    async shutdown() {
      stopping = true;
      const running = [...lanes.values()].flatMap((lane) => {
        lane.queue.length = 0;
        if (lane.running === undefined) return [];
        lane.running.controller.abort(SHUTTING_DOWN);
        return [lane.running.done];
      });
      await Promise.all(running);
    },
  };
}

function abortLane(lane: Lane | undefined, reason: typeof CANCELLED | typeof SHUTTING_DOWN): void {
  if (lane === undefined) return;
  lane.queue.length = 0;
  if (lane.running !== undefined && !lane.running.controller.signal.aborted) lane.running.controller.abort(reason);
}
