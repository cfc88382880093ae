import type { ReactNode } from 'react';
import { formatBytes } from './format-bytes.ts';

/** The files chosen in the composer, not sent yet, each with a button that removes it. */
export function PendingFiles({
  files,
  remove,
}: {
  readonly files: readonly File[];
  readonly remove: (index: number) => void;
}): ReactNode {
  if (files.length === 0) return null;
  return (
    <ul className="pending-files" aria-label="Files to send">
      {files.map((file, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the same file may be chosen twice; the list only changes by removal
        <li key={index} className="attachment-chip">
          <span className="attachment-name">{file.name}</span>
          <span className="attachment-size">{formatBytes(file.size)}</span>
          <button type="button" aria-label={`Remove ${file.name}`} onClick={() => remove(index)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
