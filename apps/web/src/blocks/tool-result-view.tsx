import type { ToolResultBlock } from '@once/protocol';
import type { ReactNode } from 'react';
import { jsonText } from './json-text.ts';
import { errorMessageOf } from './tool-call-state.ts';

/** Props of {@link ToolResultView}. */
export interface ToolResultViewProps {
  readonly result: ToolResultBlock;
}

/**
 * What a tool gave back: the output it streamed, then its final result — a string as
 * plain text, anything else as indented JSON, an error `{ error }` as its sentence.
 */
export function ToolResultView({ result }: ToolResultViewProps): ReactNode {
  const failed = result.isError === true;
  const final = result.result;
  const errorMessage = failed ? errorMessageOf(final) : undefined;
  const finalText = final === undefined || final === result.text ? undefined : (errorMessage ?? jsonText(final));
  return (
    <>
      {result.text === '' ? null : (
        <div className="card-section">
          <div className="card-label">Output</div>
          <pre className="card-code tool-output">{result.text}</pre>
        </div>
      )}
      {finalText === undefined ? null : (
        <div className="card-section">
          <div className="card-label">{failed ? 'Error' : 'Result'}</div>
          <pre className={failed ? 'card-code tool-result error' : 'card-code tool-result'}>{finalText}</pre>
        </div>
      )}
    </>
  );
}
