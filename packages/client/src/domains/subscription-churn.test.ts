import { createMessageStore } from '@once/core';
import type { ConversationId } from '@once/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConversation, conversationArbitrary, idsFor } from '../../../core/test/conversation-script.ts';
import { createConversationDomains } from './conversation-domains.ts';
import type { DomainDispatcher, DomainSubscription } from './create-domain-dispatcher.ts';

const conversationId = idsFor(0)() as ConversationId;
const DOMAINS = ['message', 'turn', 'approval', 'usage'] as const;
type DomainName = (typeof DOMAINS)[number];

/** What happens between two events: a consumer subscribes, or one (maybe already gone) unsubscribes. */
type Step =
  | { readonly kind: 'subscribe'; readonly domain: DomainName }
  | { readonly kind: 'unsubscribe'; readonly which: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('subscribe' as const), domain: fc.constantFrom(...DOMAINS) }),
  fc.record({ kind: fc.constant('unsubscribe' as const), which: fc.nat({ max: 20 }) }),
);

interface Consumer {
  readonly domain: DomainName;
  readonly subscription: DomainSubscription;
  state: unknown;
}

/**
 * The hub offers events only while a built-in domain has a consumer (it counts them as they
 * come and go): whatever the order of subscribes and unsubscribes (an unsubscribe repeated,
 * the last consumer of a domain leaving and another arriving), every consumer still
 * subscribed folds exactly its domain's state in the store.
 */
describe('conversation domains with consumers coming and going', () => {
  it('every consumer still subscribed folds exactly the store, whatever came and went before', async () => {
    await fc.assert(
      fc.asyncProperty(
        conversationArbitrary,
        fc.array(fc.array(step, { maxLength: 3 }), { minLength: 1, maxLength: 30 }),
        async (turns, churn) => {
          const events = buildConversation(turns, conversationId);
          const store = createMessageStore({ conversationId });
          const hub = createConversationDomains(store);
          const consumers: Consumer[] = [];
          const subscribe = (domain: DomainName) => {
            const dispatcher = hub.domains[domain] as DomainDispatcher<unknown, unknown>;
            const consumer: Consumer = {
              domain,
              state: undefined,
              subscription: dispatcher.subscribe((item) => {
                consumer.state = dispatcher.foldItem(consumer.state, item);
              }),
            };
            consumers.push(consumer);
          };
          const live = new Set<Consumer>();
          for (const [index, event] of events.entries()) {
            for (const each of churn[index % churn.length] ?? []) {
              if (each.kind === 'subscribe') {
                subscribe(each.domain);
                live.add(consumers.at(-1) as Consumer);
              } else if (consumers.length > 0) {
                const consumer = consumers[each.which % consumers.length] as Consumer;
                consumer.subscription.unsubscribe();
                live.delete(consumer);
              }
            }
            // Consumers take their items in microtasks: let some arrive between events.
            if (index % 3 === 0) await Promise.resolve();
            store.apply(event);
            hub.accepted(event);
          }
          for (const consumer of live) await consumer.subscription.settled();
          for (const consumer of live) {
            expect(consumer.state).toEqual(hub.domains[consumer.domain].current().state);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
