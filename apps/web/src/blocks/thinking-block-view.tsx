import type { ThinkingBlock } from '@once/protocol';
import type { ReactNode } from 'react';

/** Props of {@link ThinkingBlockView}. */
export interface ThinkingBlockViewProps {
  readonly block: ThinkingBlock;
}

/**
 * The model's reasoning, folded away: open while it streams, so the reader sees that the
 * assistant is working, and collapsed once the block closes (a click opens it again).
 */
export function ThinkingBlockView({ block }: ThinkingBlockViewProps): ReactNode {
  const streaming = block.status === 'open';
  return (
    <details className="block thinking" data-testid="thinking-block" open={streaming}>
      <summary>{streaming ? 'Thinking…' : 'Thought for a moment'}</summary>
      <div className="thinking-text">{block.text}</div>
    </details>
  );
}
