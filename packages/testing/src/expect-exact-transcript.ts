import type { ConversationSnapshot, IncomingEvent } from '@once/protocol';
import { expect } from 'vitest';
import { range } from './event-log-conformance.ts';
import { foldEvents, offsetsOf } from './fold-events.ts';

/**
 * Once's promise, checked on what a client received: every offset from 1 to the served
 * snapshot's, once each and in order, folding to exactly the snapshot the daemon serves
 * (history equals stream).
 */
export function expectExactTranscript(
  conversationId: string,
  received: readonly IncomingEvent[],
  served: ConversationSnapshot & { readonly conversation?: unknown },
): void {
  expect(offsetsOf(received)).toEqual(range(served.offset));
  const { conversation: _conversation, ...snapshot } = served;
  expect(foldEvents(conversationId, received)).toEqual(snapshot);
}
