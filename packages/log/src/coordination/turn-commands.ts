import type { ApprovalDecision } from '@once/protocol';

/**
 * A request meant for whichever daemon runs a conversation's turn: the daemon that
 * received it over HTTP may not be the one running it.
 */
export type TurnCommand =
  | {
      readonly kind: 'cancel';
      readonly conversationId: string;
      /** The turn to cancel: a turn that already ended is not cancelled by mistake in its successor. */
      readonly turnId: string;
    }
  | {
      readonly kind: 'decide';
      readonly conversationId: string;
      readonly toolUseId: string;
      readonly decision: ApprovalDecision;
    };

/** Called with each command delivered; it ignores those for turns this daemon does not run. */
export type TurnCommandHandler = (command: TurnCommand) => void;

/**
 * Delivers {@link TurnCommand}s to every daemon of the log, this one included. Delivery
 * is at most once: a daemon that is not listening at that moment (restarting) misses it,
 * and the client sees the turn go on and may ask again (cancel and decide are idempotent).
 */
export interface TurnCommands {
  /** Sends a command to every daemon; resolves once it is handed to the transport. */
  send(command: TurnCommand): Promise<void>;
  /** Registers a handler; returns the function that unregisters it. */
  listen(handler: TurnCommandHandler): () => void;
}

/** {@link TurnCommands} within one process: every handler registered here gets each command. */
export function createLocalTurnCommands(): TurnCommands & { deliver(command: TurnCommand): void } {
  const handlers = new Set<TurnCommandHandler>();
  const deliver = (command: TurnCommand) => {
    for (const handler of handlers) handler(command);
  };
  return {
    deliver,
    send: async (command) => deliver(command),
    listen(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
