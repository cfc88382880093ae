import type { ApprovalDecision, ToolResultBlock, ToolUseBlock } from '@once/protocol';
import { type ReactNode, useState } from 'react';
import { ApprovalPrompt } from './approval-prompt.tsx';
import { jsonText } from './json-text.ts';
import { TOOL_CALL_STATE_LABELS, toolCallState } from './tool-call-state.ts';
import { ToolResultView } from './tool-result-view.tsx';
import { useAwaitingApproval } from './use-awaiting-approval.ts';

/** Props of {@link ToolCard}. */
export interface ToolCardProps {
  readonly conversationId: string;
  readonly toolUseId: string;
  /** The tool_use block; absent for a result whose call is not in this message. */
  readonly call: ToolUseBlock | undefined;
  /** The tool_result block with the same toolUseId, once it opened. */
  readonly result: ToolResultBlock | undefined;
  /** The message stopped streaming: a call without a result will not get one now. */
  readonly messageEnded: boolean;
}

/**
 * One tool call from start to end in one card: its name, its input as it streams (the raw
 * partial JSON, then indented JSON once complete), Allow / Deny while it waits for the
 * user, then its output and result, or its error.
 */
export function ToolCard({ conversationId, toolUseId, call, result, messageEnded }: ToolCardProps): ReactNode {
  const awaitingApproval = useAwaitingApproval(conversationId, toolUseId);
  const [sent, setSent] = useState<ApprovalDecision>();
  const state = toolCallState({ call, result, awaitingApproval, deniedHere: sent === 'deny', messageEnded });
  const toolName = call?.toolName ?? 'tool';
  const input = call === undefined ? undefined : call.input === undefined ? call.partialJson : jsonText(call.input);

  return (
    <section
      className={`card tool-card state-${state}`}
      data-testid="tool-card"
      data-tool-name={toolName}
      data-state={state}
      aria-label={`Tool call ${toolName}: ${TOOL_CALL_STATE_LABELS[state]}`}
    >
      <header className="card-header">
        <span className="card-icon" aria-hidden="true">
          ⚙
        </span>
        <span className="card-title">{toolName}</span>
        <span className="badge">{TOOL_CALL_STATE_LABELS[state]}</span>
      </header>
      {input === undefined ? null : (
        <div className="card-section">
          <div className="card-label">Input</div>
          <pre className="card-code tool-input">{input === '' ? '…' : input}</pre>
        </div>
      )}
      {state === 'awaiting-approval' ? (
        <ApprovalPrompt
          conversationId={conversationId}
          toolUseId={toolUseId}
          toolName={toolName}
          sent={sent}
          onSent={setSent}
        />
      ) : null}
      {state === 'denied' ? <p className="card-note">Denied — the tool did not run.</p> : null}
      {state !== 'denied' && result !== undefined ? <ToolResultView result={result} /> : null}
      {state === 'error' && result === undefined ? (
        <p className="card-note">The answer ended before this tool ran.</p>
      ) : null}
    </section>
  );
}
