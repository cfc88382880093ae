import { getToolOrDynamicToolName, isDataUIPart, isToolUIPart, type UIMessage } from 'ai';
import type { ReactNode } from 'react';

/** One part of a UIMessage. */
export type Part = UIMessage['parts'][number];

/**
 * One part as the page shows it. Every part's element carries `data-part-type` (the
 * browser tests compare the page with the daemon's history through it), and the text a
 * part shows sits in its `.part-text` element.
 */
export function PartView({ part }: { readonly part: Part }): ReactNode {
  if (part.type === 'text') {
    return (
      <p className="part text" data-part-type="text">
        <span className="part-text">{part.text}</span>
      </p>
    );
  }
  if (part.type === 'reasoning') {
    return (
      <details className="part reasoning" data-part-type="reasoning" open={part.state === 'streaming'}>
        <summary>Reasoning</summary>
        <span className="part-text">{part.text}</span>
      </details>
    );
  }
  if (part.type === 'step-start') return <hr className="part step" data-part-type="step-start" />;
  if (isToolUIPart(part)) {
    const output =
      part.state === 'output-available' ? part.output : part.state === 'output-error' ? part.errorText : undefined;
    return (
      <div className="part tool" data-part-type={part.type} data-tool-call-id={part.toolCallId} data-state={part.state}>
        <span className="tool-name">{getToolOrDynamicToolName(part)}</span>{' '}
        <span className="tool-state">{part.state}</span>
        <pre className="tool-input">{JSON.stringify(part.input ?? null)}</pre>
        {output === undefined ? null : <pre className="part-text tool-output">{JSON.stringify(output)}</pre>}
      </div>
    );
  }
  if (isDataUIPart(part)) {
    return (
      <pre className="part data" data-part-type={part.type}>
        <span className="part-text">{JSON.stringify(part.data)}</span>
      </pre>
    );
  }
  if (part.type === 'source-url') {
    return (
      <a className="part source" data-part-type={part.type} href={part.url}>
        <span className="part-text">{part.title ?? part.url}</span>
      </a>
    );
  }
  // Files, source documents and the rarer parts: named, so nothing arrives unseen.
  return (
    <p className="part other" data-part-type={part.type}>
      [{part.type}]
    </p>
  );
}
