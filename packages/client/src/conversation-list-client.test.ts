import type { Conversation, ConversationId, Offset } from '@once/protocol';
import { OnceError } from '@once/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createManualTimers } from '../test/manual-timers.ts';
import { createScriptedTransport, emptySnapshot } from '../test/scripted-transport.ts';
import { openConversationList } from './conversation-list-client.ts';
import type { ConversationPage, Transport, TransportItem } from './transport.ts';

const TS = '2026-11-23T21:00:00.000Z';

function conversation(number: number): Conversation {
  const id = `01936b2e-0000-7000-8000-${String(number).padStart(12, '0')}` as ConversationId;
  return { id, title: `Conversation ${number}`, createdAt: TS, updatedAt: TS };
}

function createdAt(offset: number, entry: Conversation): TransportItem {
  return {
    kind: 'event',
    event: {
      offset: offset as Offset,
      stream: 'account',
      type: 'conversation_created',
      ts: TS,
      data: { conversation: entry },
    },
  };
}

/** A scripted transport whose list answers come, one per call, from `pages`. */
function setUp(pages: (ConversationPage | Error)[]) {
  const scripted = createScriptedTransport(emptySnapshot(0));
  const cursors: (string | undefined)[] = [];
  const transport: Transport = {
    ...scripted,
    async listConversations(cursor) {
      cursors.push(cursor);
      const page = pages.shift();
      if (page === undefined) throw new Error('no page scripted');
      if (page instanceof Error) throw page;
      return page;
    },
  };
  const list = openConversationList({ transport, timers: createManualTimers(), random: () => 0.5 });
  const streamNumber = async (count: number) => {
    await vi.waitFor(() => expect(scripted.streams).toHaveLength(count));
    const stream = scripted.streams[count - 1];
    if (stream === undefined) throw new Error('unreachable');
    return stream;
  };
  return { list, cursors, streamNumber };
}

const page = (offset: number, conversations: Conversation[], nextCursor?: string): ConversationPage => ({
  offset: offset as Offset,
  conversations,
  ...(nextCursor === undefined ? {} : { nextCursor }),
});

describe('openConversationList', () => {
  it('reads every page, then follows the account stream after the list’s offset', async () => {
    const [one, two, three] = [conversation(1), conversation(2), conversation(3)];
    const { list, cursors, streamNumber } = setUp([page(4, [one], one.id), page(4, [two])]);
    const stream = await streamNumber(1);
    expect(cursors).toEqual([undefined, one.id]);
    expect(stream.afterOffset).toBe(4);
    expect(list.store.getSnapshot()).toEqual({ offset: 4, conversations: [one, two] });

    stream.push({ kind: 'ready', offset: 4 as Offset }, createdAt(5, three));
    await vi.waitFor(() => expect(list.store.getSnapshot().offset).toBe(5));
    expect(list.store.getSnapshot().conversations).toHaveLength(3);
    expect(list.connection.getSnapshot().status).toBe('live');
    list.close();
    await list.closed;
  });

  it('reads the pages again when they were read at different offsets or the cursor was deleted', async () => {
    const [one, two] = [conversation(1), conversation(2)];
    const { list, cursors, streamNumber } = setUp([
      page(4, [one], one.id),
      page(5, [two]),
      page(5, [one], one.id),
      new OnceError('bad_cursor', 'That page cursor is no longer in the list.'),
      page(6, [two]),
    ]);
    const stream = await streamNumber(1);
    expect(cursors).toEqual([undefined, one.id, undefined, one.id, undefined]);
    expect(stream.afterOffset).toBe(6);
    expect(list.store.getSnapshot()).toEqual({ offset: 6, conversations: [two] });
    list.close();
    await list.closed;
  });

  it('refetches the list when an account event is refused for a gap', async () => {
    const [one, two, three] = [conversation(1), conversation(2), conversation(3)];
    const { list, streamNumber } = setUp([page(2, [one]), page(4, [three, two, one])]);
    const first = await streamNumber(1);
    first.push({ kind: 'ready', offset: 2 as Offset }, createdAt(4, three));
    const second = await streamNumber(2);
    expect(second.afterOffset).toBe(4);
    expect(list.store.getSnapshot()).toEqual({ offset: 4, conversations: [three, two, one] });
    list.close();
    await list.closed;
  });

  it('delivers the list domain: the list, each event, and the whole list again after a refetch', async () => {
    const [one, two, three] = [conversation(1), conversation(2), conversation(3)];
    const { list, streamNumber } = setUp([page(2, [one]), page(4, [three, two, one])]);
    const domain = list.domains.conversations;
    const items: string[] = [];
    let folded: readonly Conversation[] | undefined;
    domain.subscribe((item) => {
      folded = domain.foldItem(folded, item);
      items.push(item.kind === 'resync' ? `${item.reason}@${item.offset}` : `${item.kind}@${item.event.offset}`);
    });
    const first = await streamNumber(1);
    first.push({ kind: 'ready', offset: 2 as Offset }, createdAt(3, two), createdAt(5, three));
    await streamNumber(2);
    await vi.waitFor(() => expect(items).toEqual(['subscribed@0', 'refetch@2', 'event@3', 'refetch@4']));
    expect(folded).toEqual([three, two, one]);
    list.close();
    await list.closed;
  });
});
