import type { Delivery } from '@once/client';
import { memo, type ReactNode } from 'react';

/** A message id in short form: its last 8 characters (the first ones are a timestamp, alike across messages). */
export function shortId(id: string): string {
  return id.length <= 8 ? id : `…${id.slice(-8)}`;
}

/** Props of {@link DeliveryRow}. */
export interface DeliveryRowProps {
  readonly delivery: Delivery;
}

/** One delivered event: offset, type, message, block, seq, and what the store did with it. */
export const DeliveryRow = memo(function DeliveryRow({ delivery }: DeliveryRowProps): ReactNode {
  const { event, outcome } = delivery;
  const fields = event as { messageId?: unknown; blockIndex?: unknown; seq?: unknown };
  const messageId = typeof fields.messageId === 'string' ? fields.messageId : undefined;
  return (
    <tr
      data-testid="inspector-row"
      data-offset={event.offset}
      data-outcome={outcome}
      className={`inspector-${outcome}`}
    >
      <td>{event.offset}</td>
      <td>{event.type}</td>
      <td title={messageId}>{messageId === undefined ? '' : shortId(messageId)}</td>
      <td>{typeof fields.blockIndex === 'number' && fields.blockIndex >= 0 ? fields.blockIndex : ''}</td>
      <td>{typeof fields.seq === 'number' ? fields.seq : ''}</td>
      <td>{outcome === 'applied' ? '' : outcome}</td>
    </tr>
  );
});
