import type { JsonValue, SurfaceBlock } from '@once/protocol';
import type { ReactNode } from 'react';
import { jsonText } from './json-text.ts';

/** Props of {@link SurfaceCard}. */
export interface SurfaceCardProps {
  readonly block: SurfaceBlock;
}

/**
 * A surface a tool opened: its type as the title and its current data, field by field.
 * Each merge patch changes `block.data`, and the card (keyed by its block) updates in place.
 */
export function SurfaceCard({ block }: SurfaceCardProps): ReactNode {
  const fields = Object.entries(block.data);
  const updating = block.status === 'open';
  return (
    <section
      className="card surface-card"
      data-testid="surface-card"
      data-surface-id={block.surfaceId}
      data-surface-type={block.surfaceType}
      aria-label={`${block.surfaceType} surface`}
    >
      <header className="card-header">
        <span className="card-icon" aria-hidden="true">
          ▣
        </span>
        <span className="card-title">{block.surfaceType}</span>
        {updating ? <span className="badge">Updating</span> : null}
      </header>
      {fields.length === 0 ? (
        <p className="card-note">{updating ? 'Waiting for its first data…' : 'No data.'}</p>
      ) : (
        <dl className="surface-fields">
          {fields.map(([name, value]) => (
            <div key={name} className="surface-field">
              <dt>{name}</dt>
              <dd>
                <SurfaceValue value={value} />
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

/** One field's value: a scalar as text, a list of scalars as one line, anything else as indented JSON. */
function SurfaceValue({ value }: { readonly value: JsonValue }): ReactNode {
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) {
    return value.map(String).join(', ');
  }
  return <pre className="card-code">{jsonText(value)}</pre>;
}
