import type { AttachmentClient } from '@once/client';
import { createContext, type ReactNode, useContext } from 'react';

const AttachmentClientContext = createContext<AttachmentClient | undefined>(undefined);

/** Gives the components below it the client's uploads and attachment URLs. */
export function AttachmentClientProvider({
  client,
  children,
}: {
  readonly client: AttachmentClient;
  readonly children: ReactNode;
}): ReactNode {
  return <AttachmentClientContext value={client}>{children}</AttachmentClientContext>;
}

/** The nearest {@link AttachmentClientProvider}'s client, or undefined when there is none (no files then). */
export function useAttachmentClient(): AttachmentClient | undefined {
  return useContext(AttachmentClientContext);
}
