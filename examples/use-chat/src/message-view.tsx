import type { UIMessage } from 'ai';
import type { ReactNode } from 'react';
import { PartView } from './part-view.tsx';

/** One message: its role, and its parts in order. `data-message-id` is the id useChat holds. */
export function MessageView({ message }: { readonly message: UIMessage }): ReactNode {
  return (
    <li className={`message ${message.role}`} data-message-id={message.id} data-role={message.role}>
      {message.parts.map((part, index) => (
        // Parts only ever append or change in place, so their place is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <PartView key={index} part={part} />
      ))}
    </li>
  );
}
