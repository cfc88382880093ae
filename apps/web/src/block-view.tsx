import type { BlockSnapshot } from '@once/protocol';
import type { ReactNode } from 'react';
import { SurfaceCard } from './blocks/surface-card.tsx';
import { TextBlockView } from './blocks/text-block-view.tsx';
import { ThinkingBlockView } from './blocks/thinking-block-view.tsx';
import { ToolCard } from './blocks/tool-card.tsx';
import type { ToolResultsByCall } from './blocks/tool-results-by-call.ts';

/** Props of {@link BlockView}. */
export interface BlockViewProps {
  readonly block: BlockSnapshot;
  /** The message's conversation; absent for a user message the server has not confirmed yet. */
  readonly conversationId: string | undefined;
  /** The message's tool results by call, so a call's card shows its result. */
  readonly toolResults: ToolResultsByCall;
  /** The message stopped streaming. */
  readonly messageEnded: boolean;
}

/**
 * One block of a message: text as markdown, thinking folded, a tool call with its result as
 * one card, a surface as a card. A tool_result whose call is in the message renders nothing
 * here: the call's card shows it.
 */
export function BlockView({ block, conversationId, toolResults, messageEnded }: BlockViewProps): ReactNode {
  switch (block.type) {
    case 'text':
      return <TextBlockView block={block} />;
    case 'thinking':
      return <ThinkingBlockView block={block} />;
    case 'tool_use':
      if (conversationId === undefined) return null;
      return (
        <ToolCard
          conversationId={conversationId}
          toolUseId={block.toolUseId}
          call={block}
          result={toolResults.results.get(block.toolUseId)}
          messageEnded={messageEnded}
        />
      );
    case 'tool_result':
      if (conversationId === undefined || toolResults.calls.has(block.toolUseId)) return null;
      return (
        <ToolCard
          conversationId={conversationId}
          toolUseId={block.toolUseId}
          call={undefined}
          result={block}
          messageEnded={messageEnded}
        />
      );
    case 'surface':
      return <SurfaceCard block={block} />;
    default: {
      const unknown: never = block;
      return unknown;
    }
  }
}
