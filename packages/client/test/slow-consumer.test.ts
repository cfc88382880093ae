import { startDaemon, stopLeftoverDaemons } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../src/create-client.ts';
import type { DomainItem } from '../src/domains/domain-item.ts';
import type { MessageDomainState } from '../src/domains/message-domain.ts';
import { createConversation, DEMO_FLAGS, expectStoreToEqual, sendDirect, waitUntilQuiet } from './daemon-api.ts';

afterEach(stopLeftoverDaemons);

/** Each item comes after the offset of the one before: no event twice, none older than a resync's state. */
function expectInOffsetOrder(items: readonly DomainItem<unknown, unknown>[]): void {
  let offset = 0;
  for (const item of items) {
    if (item.kind === 'resync') {
      expect(item.offset).toBeGreaterThanOrEqual(offset);
      offset = item.offset;
    } else {
      const next = (item.event as { offset: number }).offset;
      expect(next).toBeGreaterThan(offset);
      offset = next;
    }
  }
}

describe('a domain consumer slower than the stream', () => {
  it('with a buffer of 8 ends exact (its fold equals the daemon snapshot) and was told of the overflow', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    const client = createClient({ baseUrl: daemon.url });
    const conversation = client.conversation(conversationId);
    const message = conversation.domains.message;

    const items: DomainItem<MessageDomainState, unknown>[] = [];
    let folded: MessageDomainState | undefined;
    let release: () => void = () => {};
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const subscription = message.subscribe(
      async (item) => {
        items.push(item);
        folded = message.foldItem(folded, item);
        // Slow, and on its first event stuck until the answers are over: far behind its buffer.
        if (items.filter((seen) => seen.kind === 'event').length === 1) await stuck;
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
      { bufferSize: 8 },
    );
    try {
      await sendDirect(daemon.url, conversationId, 'Tell me about durable streams.');
      await expectStoreToEqual(conversation, await waitUntilQuiet(daemon.url, conversationId));
      // The whole first answer arrived while the consumer was stuck; the second streams while it catches up.
      release();
      await conversation.send('Now use a tool, please.');
      const served = await waitUntilQuiet(daemon.url, conversationId);
      await expectStoreToEqual(conversation, served);
      await subscription.settled();

      expect(folded?.messages).toEqual(served.messages);
      const overflows = items.filter((item) => item.kind === 'resync' && item.reason === 'overflow');
      expect(overflows.length).toBeGreaterThan(0);
      for (const overflow of overflows) expect(overflow).toMatchObject({ replaced: expect.any(Number) });
      const replaced = overflows.reduce((sum, item) => sum + (item.kind === 'resync' ? item.replaced : 0), 0);
      expect(replaced).toBeGreaterThan(8);
      expectInOffsetOrder(items);
    } finally {
      release();
      subscription.unsubscribe();
      client.close();
      await conversation.closed;
    }
  }, 60_000);

  it('a turn consumer and a connection consumer on the same conversation also end exact', async () => {
    await using daemon = await startDaemon({ flags: DEMO_FLAGS });
    const conversationId = await createConversation(daemon.url);
    const client = createClient({ baseUrl: daemon.url });
    const conversation = client.conversation(conversationId);
    const { turn, approval, connection } = conversation.domains;
    let turnState: ReturnType<typeof turn.current>['state'] | undefined;
    let approvalState: ReturnType<typeof approval.current>['state'] | undefined;
    const statuses: string[] = [];
    const subscriptions = [
      turn.subscribe(
        async (item) => {
          turnState = turn.foldItem(turnState, item);
          await new Promise((resolve) => setTimeout(resolve, 2));
        },
        { bufferSize: 2 },
      ),
      approval.subscribe((item) => {
        approvalState = approval.foldItem(approvalState, item);
      }),
      connection.subscribe((item) => {
        statuses.push(
          item.kind === 'event' ? item.event.status : `resync:${item.kind === 'resync' && item.state.status}`,
        );
      }),
    ];
    try {
      await conversation.send('What time is it? Use a tool.');
      const served = await waitUntilQuiet(daemon.url, conversationId);
      await expectStoreToEqual(conversation, served);
      await Promise.all(subscriptions.map((subscription) => subscription.settled()));
      expect(turnState).toEqual({ activity: served.activity });
      expect(approvalState).toEqual({ pendingApprovals: served.pendingApprovals });
      expect(statuses).toContain('live');
    } finally {
      for (const subscription of subscriptions) subscription.unsubscribe();
      client.close();
      await conversation.closed;
    }
  }, 60_000);
});
