import type { ApprovalDecision } from '@once/protocol';

/**
 * Where running turns wait for the user's decision on a tool call, and where
 * `POST …/approvals/:toolUseId` delivers it. A wait ends with the decision, with `deny`
 * when it times out, or with `deny` when the turn is cancelled (the runner then sees the
 * abort).
 */
export interface ApprovalGate {
  /** Waits for a decision on one tool call of one conversation. */
  wait(conversationId: string, toolUseId: string, signal: AbortSignal): Promise<ApprovalDecision>;
  /** Delivers a decision. @returns false when no turn is waiting for this call. */
  decide(conversationId: string, toolUseId: string, decision: ApprovalDecision): boolean;
}

/** Options of {@link createApprovalGate}. */
export interface ApprovalGateOptions {
  /** How long a call waits before it counts as denied, in ms. Default 300000 (5 minutes). */
  readonly timeoutMs?: number;
}

export function createApprovalGate(options: ApprovalGateOptions = {}): ApprovalGate {
  const timeoutMs = options.timeoutMs ?? 300_000;
  const waiting = new Map<string, (decision: ApprovalDecision) => void>();
  const keyOf = (conversationId: string, toolUseId: string) => `${conversationId}\u0000${toolUseId}`;
  return {
    wait(conversationId, toolUseId, signal) {
      const key = keyOf(conversationId, toolUseId);
      return new Promise<ApprovalDecision>((resolve) => {
        const finish = (decision: ApprovalDecision) => {
          if (waiting.get(key) !== finish) return;
          waiting.delete(key);
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(decision);
        };
        const onAbort = () => finish('deny');
        const timer = setTimeout(() => finish('deny'), timeoutMs);
        timer.unref?.();
        waiting.set(key, finish);
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    decide(conversationId, toolUseId, decision) {
      const finish = waiting.get(keyOf(conversationId, toolUseId));
      if (finish === undefined) return false;
      finish(decision);
      return true;
    },
  };
}
