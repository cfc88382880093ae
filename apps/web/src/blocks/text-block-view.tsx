import type { TextBlock } from '@once/protocol';
import { code } from '@streamdown/code';
import type { ReactNode } from 'react';
import { ErrorBoundary } from 'react-error-boundary';
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
 *
 * Markdown that cannot render shows as plain text instead, and the page goes on: Shiki's
 * highlighter is a chunk fetched the first time a code block appears, and when the daemon
 * that serves it is down at that moment (killed mid-answer, restarting) the fetch fails for
 * the rest of the page's life. Without this, that failure would blank the whole page.
 */
export function TextBlockView({ block }: TextBlockViewProps): ReactNode {
  const streaming = block.status === 'open';
  return (
    <div className="block text" data-testid="text-block">
      <ErrorBoundary fallback={<div className="plain-text">{block.text}</div>}>
        <Streamdown plugins={plugins} isAnimating={streaming} {...(streaming ? { caret: 'block' as const } : {})}>
          {block.text}
        </Streamdown>
      </ErrorBoundary>
    </div>
  );
}
