import type { DomainConsumer, DomainDispatcher } from '@once/client';
import { useEffect } from 'react';

/**
 * Subscribes `consumer` to a domain while the component is mounted (see
 * `DomainDispatcher.subscribe`). Pass a stable consumer (`useCallback`): a new one, a new
 * domain or a new buffer size subscribes again, and the new subscription starts with a
 * `subscribed` resync.
 * @param bufferSize Items that may wait for the consumer; default the client's (1,024).
 */
export function useDomainSubscription<State, Event>(
  domain: DomainDispatcher<State, Event>,
  consumer: DomainConsumer<State, Event>,
  bufferSize?: number,
): void {
  useEffect(() => {
    const subscription = domain.subscribe(consumer, bufferSize === undefined ? {} : { bufferSize });
    return () => subscription.unsubscribe();
  }, [domain, consumer, bufferSize]);
}
