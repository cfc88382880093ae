import type { BlockSnapshot } from '@once/protocol';
import type { ReactNode } from 'react';
import { Streamdown } from 'streamdown';

/** Props of {@link BlockView}. */
export interface BlockViewProps {
  readonly block: BlockSnapshot;
}

/** One block: text as markdown, the rest compactly. */
export function BlockView({ block }: BlockViewProps): ReactNode {
  switch (block.type) {
    case 'text':
      return (
        <div className="block text" data-testid="text-block">
          <Streamdown isAnimating={block.status === 'open'}>{block.text}</Streamdown>
        </div>
      );
    case 'thinking':
      return <div className="block thinking">{block.text}</div>;
    case 'tool_use':
      return (
        <div className="block tool">
          <span className="tool-name">{block.toolName}</span>{' '}
          <code>{block.input === undefined ? block.partialJson : JSON.stringify(block.input)}</code>
        </div>
      );
    case 'tool_result':
      return (
        <div className={block.isError === true ? 'block tool error' : 'block tool'}>
          <span className="tool-name">result</span>{' '}
          <code>{block.result === undefined ? block.text : JSON.stringify(block.result)}</code>
        </div>
      );
    case 'surface':
      return (
        <div className="block surface">
          <span className="tool-name">{block.surfaceType}</span> <code>{JSON.stringify(block.data)}</code>
        </div>
      );
    default: {
      const unknown: never = block;
      return <div className="block">{JSON.stringify(unknown)}</div>;
    }
  }
}
