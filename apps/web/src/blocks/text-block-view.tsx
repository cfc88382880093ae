import type { TextBlock } from '@once/protocol';
import { code } from '@streamdown/code';
import type { ReactNode } from 'react';
import { Streamdown } from 'streamdown';

/** Streamdown's plugins: Shiki highlighting (light and dark themes) for fenced code blocks. */
const plugins = { code };

/** Props of {@link TextBlockView}. */
export interface TextBlockViewProps {
  readonly block: TextBlock;
}

/**
 * A text block as markdown. While the block is open, Streamdown completes unfinished
 * syntax (an open fence, a half-written link) so the partial text renders as it will end,
 * and shows a caret where the next token lands.
 */
export function TextBlockView({ block }: TextBlockViewProps): ReactNode {
  const streaming = block.status === 'open';
  return (
    <div className="block text" data-testid="text-block">
      <Streamdown plugins={plugins} isAnimating={streaming} {...(streaming ? { caret: 'block' as const } : {})}>
        {block.text}
      </Streamdown>
    </div>
  );
}
