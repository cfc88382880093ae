import type { ConversationListOpener, OnceClient, OpenConversationOptions } from '@once/client';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { type ConversationListRegistry, createConversationListRegistry } from './conversation-list-registry.ts';
import { type ConversationRegistry, createConversationRegistry } from './conversation-registry.ts';

interface Registries {
  readonly conversations: ConversationRegistry;
  readonly list: ConversationListRegistry;
}

const OnceContext = createContext<Registries | undefined>(undefined);

/** Props of {@link OnceProvider}. */
export interface OnceProviderProps {
  /**
   * The client every hook below reads from; create it once, outside render. A client made
   * by `createClient` also serves `useConversations`.
   */
  readonly client: OnceClient & Partial<ConversationListOpener>;
  /**
   * App-defined domains every conversation opened below is given (`defineAppDomain` in
   * `@once/client`); read one with `useConversationClient(id).appDomain(domain)` and
   * `useDomainSubscription`. Pass a stable array: a new one opens the conversations anew.
   * Default: none.
   */
  readonly appDomains?: OpenConversationOptions['appDomains'];
  /**
   * Open every conversation below from its latest `pageSize` messages; older ones load on
   * demand through `useOlderMessages`. Default: the whole history at once.
   */
  readonly pageSize?: number;
  readonly children?: ReactNode;
}

/** Makes a Once client available to the hooks of the components below it. */
export function OnceProvider({ client, appDomains, pageSize, children }: OnceProviderProps): ReactNode {
  const registries = useMemo(
    () => ({
      conversations: createConversationRegistry(client, {
        ...(appDomains === undefined ? {} : { appDomains }),
        ...(pageSize === undefined ? {} : { pageSize }),
      }),
      list: createConversationListRegistry(client),
    }),
    [client, appDomains, pageSize],
  );
  return <OnceContext value={registries}>{children}</OnceContext>;
}

/** The conversation registry of the nearest {@link OnceProvider}; throws when there is none. */
export function useConversationRegistry(): ConversationRegistry {
  return useRegistries().conversations;
}

/** The conversation list registry of the nearest {@link OnceProvider}; throws when there is none. */
export function useConversationListRegistry(): ConversationListRegistry {
  return useRegistries().list;
}

function useRegistries(): Registries {
  const registries = useContext(OnceContext);
  if (registries === undefined) throw new Error('Once hooks need an <OnceProvider client={…}> above them.');
  return registries;
}
