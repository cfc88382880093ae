import type { ApprovalDecision } from '@once/protocol';
import { useConversationClient } from '@once/react';
import { type ReactNode, useState } from 'react';

/** Props of {@link ApprovalPrompt}. */
export interface ApprovalPromptProps {
  readonly conversationId: string;
  readonly toolUseId: string;
  readonly toolName: string;
  /** The decision sent from this card, until the conversation confirms it. */
  readonly sent: ApprovalDecision | undefined;
  /** Called when a decision is sent, and with undefined when sending it failed. */
  readonly onSent: (decision: ApprovalDecision | undefined) => void;
}

/**
 * Allow and Deny for a call waiting for the user. A click sends the decision through the
 * conversation client; the card changes once the daemon's `approval_resolved` arrives.
 */
export function ApprovalPrompt({ conversationId, toolUseId, toolName, sent, onSent }: ApprovalPromptProps): ReactNode {
  const conversation = useConversationClient(conversationId);
  const [error, setError] = useState<string>();

  const decide = (decision: ApprovalDecision) => {
    setError(undefined);
    onSent(decision);
    conversation.decide(toolUseId, decision).catch((cause: unknown) => {
      onSent(undefined);
      setError(cause instanceof Error ? cause.message : String(cause));
    });
  };

  return (
    <fieldset className="approval" aria-label={`Approve ${toolName}`}>
      <p className="approval-question">
        {sent === undefined ? `Allow ${toolName} to run?` : sent === 'allow' ? 'Allowing…' : 'Denying…'}
      </p>
      <div className="approval-actions">
        <button type="button" className="allow" disabled={sent !== undefined} onClick={() => decide('allow')}>
          Allow
        </button>
        <button type="button" className="deny" disabled={sent !== undefined} onClick={() => decide('deny')}>
          Deny
        </button>
      </div>
      {error === undefined ? null : (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
