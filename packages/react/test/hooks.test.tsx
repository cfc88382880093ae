// @vitest-environment happy-dom
import {
  type ConnectionState,
  type ConversationListOpener,
  createClient,
  type DomainItem,
  defineAppDomain,
  type OnceClient,
} from '@once/client';
import { messageKey } from '@once/core';
import type { MessageId, TurnId } from '@once/protocol';
import { act, memo, type ReactNode, useCallback, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  activityAt,
  CONVERSATION_ID,
  createScriptedTransport,
  emptySnapshot,
} from '../../client/test/scripted-transport.ts';
import { eventBuilder } from '../../core/test/event-builder.ts';
import {
  OnceProvider,
  useConnectionState,
  useConversation,
  useConversationClient,
  useConversations,
  useDeliveries,
  useDomainSubscription,
  useMessage,
  useMessages,
  useOlderMessages,
} from '../src/index.ts';
import { createAccountTransport, createdAt } from './account-transport.ts';
import { createFakeClient, type FakeClient } from './fake-client.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement;
let root: Root;

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

function render(client: OnceClient & Partial<ConversationListOpener>, children: ReactNode) {
  act(() => root.render(<OnceProvider client={client}>{children}</OnceProvider>));
}

function textOf(testId: string): string | null | undefined {
  return container.querySelector(`[data-testid="${testId}"]`)?.textContent;
}

/** Events for a conversation with two assistant messages, each with an open text block. */
function twoMessages(client: FakeClient) {
  const builder = eventBuilder();
  const conversationId: string = builder.conversationId;
  const first = builder.newMessageId();
  const second = builder.newMessageId();
  const open = (messageId: MessageId) => [
    builder.messageOpen(messageId, { role: 'assistant', turnId: builder.newTurnId() as TurnId }),
    builder.blockOpen(messageId, 0, { blockType: 'text' }),
  ];
  const store = () => {
    const conversation = client.opened.at(-1);
    if (conversation === undefined) throw new Error('no conversation was opened');
    return conversation.store;
  };
  return { conversationId, builder, first, second, open, store };
}

function MessageText({ conversationId, messageKey: key, renders }: MessageTextProps) {
  const message = useMessage(conversationId, key);
  renders.set(key, (renders.get(key) ?? 0) + 1);
  const block = message?.blocks[0];
  return <p data-testid={key}>{block?.type === 'text' ? block.text : ''}</p>;
}

interface MessageTextProps {
  readonly conversationId: string;
  readonly messageKey: string;
  readonly renders: Map<string, number>;
}

const MemoMessageText = memo(MessageText);

function Transcript({ conversationId }: { conversationId: string }) {
  const { state } = useConversation(conversationId);
  const text = state.messages.map((message) => message.blocks.map((block) => ('text' in block ? block.text : '')));
  return <p data-testid="transcript">{text.join('|')}</p>;
}

function Status({ conversationId }: { conversationId: string }) {
  return <p data-testid="status">{useConnectionState(conversationId).status}</p>;
}

function MessageList({ conversationId, renders }: { conversationId: string; renders: Map<string, number> }) {
  const messages = useMessages(conversationId);
  return messages.map((message) => (
    <MemoMessageText
      key={messageKey(message)}
      conversationId={conversationId}
      messageKey={messageKey(message)}
      renders={renders}
    />
  ));
}

function Titles() {
  const { conversations } = useConversations();
  return <p data-testid="titles">{conversations.map((conversation) => conversation.title).join(',')}</p>;
}

interface FollowProps {
  readonly conversationId: string;
  readonly consumer: (item: DomainItem<ConnectionState, ConnectionState>) => void;
}

function Follow({ conversationId, consumer }: FollowProps) {
  useDomainSubscription(useConversationClient(conversationId).domains.connection, consumer, 4);
  return null;
}

/** An app-defined domain: votes in a conversation, tallied per option. */
const poll = defineAppDomain({
  name: 'poll',
  types: ['poll_vote'],
  schema: z.object({ option: z.string() }),
  initial: {} as Readonly<Record<string, number>>,
  fold: (tally, event) => ({ ...tally, [event.data.option]: (tally[event.data.option] ?? 0) + 1 }),
});
/** The app domains given to the provider: one stable array. */
const appDomains = [poll];
/** Shows a conversation's poll tally, folded from its app domain's items. */
function Tally({ conversationId }: { readonly conversationId: string }) {
  const domain = useConversationClient(conversationId).appDomain(poll);
  const [tally, setTally] = useState<Readonly<Record<string, number>>>();
  const consumer = useCallback(
    (item: DomainItem<Readonly<Record<string, number>>, unknown>) =>
      setTally((state) => domain.foldItem(state, item as never)),
    [domain],
  );
  useDomainSubscription(domain, consumer);
  return <p>{JSON.stringify(tally ?? null)}</p>;
}

function Deliveries({ conversationId }: { conversationId: string }) {
  const log = useDeliveries(conversationId);
  const resumes = log.resumes.map((resume) => resume.afterOffset).join(',');
  return (
    <p data-testid="deliveries">
      received {log.received}, applied {log.applied}, duplicates {log.duplicates}, resumed after {resumes}
    </p>
  );
}

function Older({ conversationId }: { conversationId: string }) {
  const { hasOlder, count, loading, loadOlder } = useOlderMessages(conversationId);
  return (
    <button type="button" data-testid="older" onClick={() => void loadOlder()}>
      {loading ? 'loading' : hasOlder ? `${count} older` : 'all shown'}
    </button>
  );
}

describe('React bindings', () => {
  it('render streaming text as events arrive, and ignore a duplicate', () => {
    const client = createFakeClient();
    const { conversationId, builder, first, open, store } = twoMessages(client);
    render(client, <Transcript conversationId={conversationId} />);
    const opening = open(first);
    const hello = builder.delta(first, 0, { text: 'Hello' });
    act(() => store().apply([...opening, hello]));
    expect(textOf('transcript')).toBe('Hello');
    act(() => store().apply([hello, builder.delta(first, 0, { text: ', world' })]));
    expect(textOf('transcript')).toBe('Hello, world');
  });

  it('re-render only the message that changed', () => {
    const client = createFakeClient();
    const renders = new Map<string, number>();
    const { conversationId, builder, first, second, open, store } = twoMessages(client);
    render(client, <MessageList conversationId={conversationId} renders={renders} />);
    act(() => store().apply([...open(first), builder.delta(first, 0, { text: 'first' }), ...open(second)]));
    const firstRenders = renders.get(first);
    expect(firstRenders).toBeGreaterThan(0);

    const secondRenders = renders.get(second) ?? 0;
    act(() => store().apply(builder.delta(second, 0, { text: 'second' })));
    act(() => store().apply(builder.delta(second, 0, { text: ' again' })));

    expect(textOf(second)).toBe('second again');
    expect(renders.get(second)).toBe(secondRenders + 2);
    expect(textOf(first)).toBe('first');
    expect(renders.get(first)).toBe(firstRenders);
  });

  it('re-render a row that only useMessage feeds (no list above it) only when its own message changed', () => {
    const client = createFakeClient();
    const renders = new Map<string, number>();
    const { conversationId, builder, first, second, open, store } = twoMessages(client);
    // Rows keyed by id from the start, under a parent that never re-renders: only useMessage
    // and the core's kept identities decide what renders again.
    render(
      client,
      [first, second].map((key) => (
        <MessageText key={key} conversationId={conversationId} messageKey={key} renders={renders} />
      )),
    );
    act(() => store().apply([...open(first), builder.delta(first, 0, { text: 'first' }), ...open(second)]));
    const firstRenders = renders.get(first) ?? 0;
    const secondRenders = renders.get(second) ?? 0;

    act(() => store().apply(builder.delta(second, 0, { text: 'second' })));
    act(() => store().apply(builder.delta(first, 0, { text: ' changed' })));

    expect(textOf(second)).toBe('second');
    expect(textOf(first)).toBe('first changed');
    expect(renders.get(second)).toBe(secondRenders + 1);
    expect(renders.get(first)).toBe(firstRenders + 1);
  });

  it('useConversations follows the live list, and closes it when the last user unmounts', async () => {
    const transport = createAccountTransport();
    const client = createClient({ transport });
    render(client, [<Titles key="a" />, <Titles key="b" />]);
    await act(async () => {
      await vi.waitFor(() => expect(transport.openStreams()).toBe(1));
    });
    expect(textOf('titles')).toBe('');
    await act(async () => {
      transport.push(createdAt(1, '01936b2e-0000-7000-8000-00000000000a', 'first'));
      transport.push(createdAt(2, '01936b2e-0000-7000-8000-00000000000b', 'second'));
      await vi.waitFor(() => expect(textOf('titles')).toBe('second,first'));
    });

    render(client, null);
    await act(async () => {
      await vi.waitFor(() => expect(transport.openStreams()).toBe(0));
    });
    client.close();
  });

  it('useDomainSubscription delivers a domain while mounted and unsubscribes on unmount', async () => {
    const client = createFakeClient();
    const seen: string[] = [];
    const consumer = (item: DomainItem<ConnectionState, ConnectionState>) => {
      seen.push(
        item.kind === 'resync' ? `resync:${item.state.status}` : `event:${item.kind === 'event' && item.event.status}`,
      );
    };
    render(client, <Follow conversationId="c-1" consumer={consumer} />);
    await act(async () => {});
    const [conversation] = client.opened;
    act(() => conversation?.setConnection({ status: 'live', failures: 0 }));
    await act(async () => {});
    expect(seen).toEqual(['resync:connecting', 'event:live']);

    render(client, null);
    await act(async () => {});
    act(() => conversation?.setConnection({ status: 'offline', failures: 0 }));
    await act(async () => {});
    expect(seen).toEqual(['resync:connecting', 'event:live']);
  });

  it('an app domain given to OnceProvider reaches every conversation, and a component follows it', async () => {
    const transport = createScriptedTransport(emptySnapshot(0));
    const client = createClient({ transport });
    act(() =>
      root.render(
        <OnceProvider client={client} appDomains={appDomains}>
          <Tally conversationId={CONVERSATION_ID} />
        </OnceProvider>,
      ),
    );
    await vi.waitFor(() => expect(transport.streams).toHaveLength(1));
    const vote = (offset: number, option: string) => ({
      kind: 'event' as const,
      event: {
        offset,
        stream: 'conversation',
        conversationId: CONVERSATION_ID,
        type: 'poll_vote',
        ts: createdAt,
        data: { option },
        unknownType: true,
      } as never,
    });
    await act(async () => transport.streams[0]?.push(vote(1, 'a'), vote(2, 'b'), vote(3, 'a')));
    await vi.waitFor(() => expect(container.textContent).toBe(JSON.stringify({ a: 2, b: 1 })));
    act(() => root.render(null));
    client.close();
  });

  it('useOlderMessages follows whether older messages are left and loads the next page on demand', async () => {
    const client = createFakeClient();
    render(client, <Older conversationId="c-1" />);
    const [conversation] = client.opened;
    expect(textOf('older')).toBe('all shown');
    act(() => conversation?.setOlder({ hasOlder: true, count: 40, loading: false }));
    expect(textOf('older')).toBe('40 older');
    act(() => container.querySelector<HTMLButtonElement>('[data-testid="older"]')?.click());
    expect(conversation?.loadOlderCalls()).toBe(1);
    act(() => conversation?.setOlder({ hasOlder: true, count: 40, loading: true }));
    expect(textOf('older')).toBe('loading');
  });

  it('follow the connection state and close the conversation when the last user unmounts', async () => {
    const client = createFakeClient();
    render(client, [<Status key="a" conversationId="c-1" />, <Status key="b" conversationId="c-1" />]);
    expect(client.opened).toHaveLength(1);
    const [conversation] = client.opened;
    expect(textOf('status')).toBe('connecting');
    act(() => conversation?.setConnection({ status: 'live', failures: 0 }));
    expect(textOf('status')).toBe('live');

    render(client, <Status conversationId="c-1" />);
    await act(async () => {});
    expect(conversation?.isClosed()).toBe(false);
    render(client, null);
    await act(async () => {});
    expect(conversation?.isClosed()).toBe(true);
  });

  it('useDeliveries shows what the wire delivered: counts, duplicates, and where each connection resumed', async () => {
    const transport = createScriptedTransport(emptySnapshot(4));
    const client = createClient({ transport });
    render(client, <Deliveries conversationId={CONVERSATION_ID} />);
    await vi.waitFor(() => expect(transport.streams).toHaveLength(1));
    await act(async () => transport.streams[0]?.push(activityAt(5), activityAt(6), activityAt(6)));
    await vi.waitFor(() => expect(textOf('deliveries')).toBe('received 3, applied 2, duplicates 1, resumed after 4'));
    await act(async () => transport.streams[0]?.fail(new TypeError('fetch failed')));
    await vi.waitFor(() => expect(transport.streams).toHaveLength(2));
    await vi.waitFor(() => expect(textOf('deliveries')).toBe('received 3, applied 2, duplicates 1, resumed after 4,6'));
    act(() => root.render(null));
    client.close();
  });
});
