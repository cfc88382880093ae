import type { OnceClient } from '@once/client';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { type ConversationRegistry, createConversationRegistry } from './conversation-registry.ts';

const OnceContext = createContext<ConversationRegistry | undefined>(undefined);

/** Props of {@link OnceProvider}. */
export interface OnceProviderProps {
  /** The client every hook below reads from; create it once, outside render. */
  readonly client: OnceClient;
  readonly children?: ReactNode;
}

/** Makes a Once client available to the hooks of the components below it. */
export function OnceProvider({ client, children }: OnceProviderProps): ReactNode {
  const registry = useMemo(() => createConversationRegistry(client), [client]);
  return <OnceContext value={registry}>{children}</OnceContext>;
}

/** The registry of the nearest {@link OnceProvider}; throws when there is none. */
export function useConversationRegistry(): ConversationRegistry {
  const registry = useContext(OnceContext);
  if (registry === undefined) throw new Error('Once hooks need an <OnceProvider client={…}> above them.');
  return registry;
}
