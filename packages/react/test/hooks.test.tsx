// @vitest-environment happy-dom
import { messageKey } from '@once/core';
import type { MessageId, TurnId } from '@once/protocol';
import { act, memo, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventBuilder } from '../../core/test/event-builder.ts';
import { OnceProvider, useConnectionState, useConversation, useMessage, useMessages } from '../src/index.ts';
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

function render(client: FakeClient, children: ReactNode) {
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

    act(() => store().apply(builder.delta(second, 0, { text: 'second' })));
    act(() => store().apply(builder.delta(second, 0, { text: ' again' })));

    expect(textOf(second)).toBe('second again');
    expect(textOf(first)).toBe('first');
    expect(renders.get(first)).toBe(firstRenders);
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
});
