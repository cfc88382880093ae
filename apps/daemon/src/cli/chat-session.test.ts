import type { SendResult } from '@once/client';
import { type ConversationState, createConversationState, type MessageStore } from '@once/core';
import type {
  BlockSnapshot,
  ClientMessageId,
  ConversationId,
  MessageId,
  MessageSnapshot,
  PendingApproval,
  TurnId,
} from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { createChatScreen } from './chat-screen.ts';
import { type ChatConversation, createChatSession, QUIT_WINDOW_MS } from './chat-session.ts';

const CONVERSATION = 'conversation-1' as ConversationId;

/** A conversation whose store states the test sets one after another, recording the requests made. */
function fakeConversation() {
  let state = createConversationState(CONVERSATION);
  const listeners = new Set<() => void>();
  const sent: { content: string; clientMessageId: ClientMessageId }[] = [];
  const decisions: [string, string][] = [];
  let cancels = 0;
  const store = {
    getSnapshot: () => state,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as MessageStore;
  const conversation: ChatConversation = {
    store,
    async send(content, options) {
      const clientMessageId = options?.clientMessageId as ClientMessageId;
      sent.push({ content, clientMessageId });
      return { userMessageId: `user-${sent.length}`, turnId: `turn-${sent.length}` } as unknown as SendResult;
    },
    async cancel() {
      cancels += 1;
    },
    async decide(toolUseId, decision) {
      decisions.push([toolUseId, decision]);
    },
  };
  return {
    conversation,
    sent,
    decisions,
    cancels: () => cancels,
    /** Makes `next` the store's state and tells the listeners, as an applied event would. */
    set(next: Partial<ConversationState>) {
      state = { ...createConversationState(CONVERSATION), ...next };
      for (const listener of listeners) listener();
    },
  };
}

function message(
  id: string,
  role: 'user' | 'assistant',
  turn: number,
  status: MessageSnapshot['status'],
  blocks: BlockSnapshot[],
  clientMessageId?: ClientMessageId,
): MessageSnapshot {
  return {
    id: id as MessageId,
    conversationId: CONVERSATION,
    role,
    status,
    turnId: `turn-${turn}` as TurnId,
    ...(clientMessageId === undefined ? {} : { clientMessageId }),
    createdAt: '2026-12-06T12:00:00.000Z',
    blocks,
    watermarks: {},
  };
}

const text = (index: number, value: string, status: 'open' | 'closed' = 'open'): BlockSnapshot => ({
  index,
  type: 'text',
  status,
  text: value,
});

const running = (turn: number) => ({
  activeTurn: { turnId: `turn-${turn}` as TurnId, userMessageId: `user-${turn}` as MessageId },
});

/** A session on a fake conversation, its stdout and stderr as strings. */
function chat(interactive: boolean) {
  const fake = fakeConversation();
  const output = { out: '', err: '' };
  let clock = 0;
  const screen = createChatScreen(
    { write: (value: string) => (output.out += value) },
    { write: (value: string) => (output.err += value) },
  );
  const session = createChatSession({ conversation: fake.conversation, screen, now: () => clock, interactive });
  fake.conversation.store.subscribe(session.update);
  let quit = false;
  void session.done.then(() => {
    quit = true;
  });
  return {
    ...fake,
    session,
    output,
    quit: async () => {
      await settle();
      return quit;
    },
    advance: (milliseconds: number) => {
      clock += milliseconds;
    },
  };
}

/** Lets the fake requests' promises settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('chat session at a terminal', () => {
  it('prints a streamed answer once, however often the store repeats it, then the prompt', async () => {
    const run = chat(true);
    run.session.start();
    expect(run.output.out).toBe('> ');
    run.session.line('Hello?');
    await settle();
    const question = message(
      'user-1',
      'user',
      1,
      'complete',
      [text(0, 'Hello?', 'closed')],
      run.sent[0]?.clientMessageId,
    );
    run.set({ messages: [question, message('a-1', 'assistant', 1, 'streaming', [text(0, 'Hel')])], ...running(1) });
    run.set({
      messages: [question, message('a-1', 'assistant', 1, 'streaming', [text(0, 'Hello, wor')])],
      ...running(1),
    });
    // A refetched snapshot holds the same text again: nothing prints twice.
    run.set({
      messages: [question, message('a-1', 'assistant', 1, 'streaming', [text(0, 'Hello, wor')])],
      ...running(1),
    });
    expect(run.output.out).toBe('> \nHello, wor');
    run.set({ messages: [question, message('a-1', 'assistant', 1, 'complete', [text(0, 'Hello, world.', 'closed')])] });
    // The typed line is the terminal's echo, not printed again; the answer, then the prompt.
    expect(run.output.out).toBe('> \nHello, world.\n> ');
    expect(run.sent.map((sent) => sent.content)).toEqual(['Hello?']);
  });

  it('prints a tool call with its input once closed, then its result or error', () => {
    const run = chat(true);
    run.session.start();
    const call = (status: 'open' | 'closed'): BlockSnapshot => ({
      index: 1,
      type: 'tool_use',
      status,
      toolName: 'shout',
      toolUseId: 'call-1',
      partialJson: '{"text":"hi"}',
      ...(status === 'closed' ? { input: { text: 'hi' } } : {}),
    });
    const result = (isError: boolean): BlockSnapshot => ({
      index: 2,
      type: 'tool_result',
      status: 'closed',
      toolUseId: 'call-1',
      text: '',
      result: isError ? { error: 'There is nothing to shout.' } : 'HI',
      isError,
    });
    const answer = (blocks: BlockSnapshot[]) => ({
      messages: [message('a-1', 'assistant', 1, 'streaming', [text(0, 'Let me shout.', 'closed'), ...blocks])],
      ...running(1),
    });
    run.set(answer([call('open')]));
    expect(run.output.out).toBe('> \nLet me shout.');
    run.set(answer([call('closed')]));
    run.set(answer([call('closed'), result(false)]));
    expect(run.output.out).toBe('> \nLet me shout.\n[shout {"text":"hi"}]\n[result "HI"]\n');

    const failing = chat(true);
    failing.session.start();
    failing.set(answer([call('closed'), result(true)]));
    expect(failing.output.out).toContain('\n[error {"error":"There is nothing to shout."}]\n');
  });

  it('asks a pending approval once, sends y as allow and anything else as deny, and asks a reused id again', async () => {
    const run = chat(true);
    run.session.start();
    const approval: PendingApproval = { toolUseId: 'call-1', toolName: 'shout', input: { text: 'hi' } };
    const waiting = (turn: number) => ({
      messages: [message(`a-${turn}`, 'assistant', turn, 'streaming', [])],
      ...running(turn),
      pendingApprovals: [approval],
    });
    run.set(waiting(1));
    run.set(waiting(1));
    expect(run.output.out).toBe('> \nAllow shout {"text":"hi"}? [y/N] ');
    run.session.line('y');
    await settle();
    expect(run.decisions).toEqual([['call-1', 'allow']]);
    expect(run.sent).toEqual([]);
    run.set({ messages: [message('a-1', 'assistant', 1, 'complete', [])] });
    // The next turn's tool call has the same id (the demo model numbers them per message).
    run.set(waiting(2));
    expect(run.output.out.split('Allow shout').length - 1).toBe(2);
    run.session.line('nope');
    await settle();
    expect(run.decisions).toEqual([
      ['call-1', 'allow'],
      ['call-1', 'deny'],
    ]);
  });

  it('ends a cut-short answer with its status', () => {
    const run = chat(true);
    run.session.start();
    run.set({ messages: [message('a-1', 'assistant', 1, 'streaming', [text(0, 'Half')])], ...running(1) });
    run.set({ messages: [message('a-1', 'assistant', 1, 'interrupted', [text(0, 'Half an answer')])] });
    expect(run.output.out).toBe('> \nHalf an answer [interrupted]\n> ');
  });

  it('prints the history once at start, and a line typed before it after it, as the person’s own', async () => {
    const run = chat(true);
    run.set({
      messages: [
        message('user-0', 'user', 0, 'complete', [text(0, 'Earlier', 'closed')]),
        message('a-0', 'assistant', 0, 'complete', [text(0, 'An earlier answer.', 'closed')]),
      ],
    });
    run.session.line('Typed early');
    expect(run.output.out).toBe('');
    expect(run.sent).toEqual([]);
    run.session.start();
    await settle();
    expect(run.output.out).toBe('\n> Earlier\n\nAn earlier answer.\n');
    expect(run.sent.map((sent) => sent.content)).toEqual(['Typed early']);
  });

  it('Ctrl-C stops a running turn, and quits when pressed again within the window or at the prompt', async () => {
    const run = chat(true);
    run.session.start();
    run.set({ messages: [message('a-1', 'assistant', 1, 'streaming', [text(0, 'Long')])], ...running(1) });
    run.session.interrupt();
    expect(run.cancels()).toBe(1);
    expect(run.output.err).toContain('Ctrl-C again to quit');
    expect(await run.quit()).toBe(false);
    run.advance(QUIT_WINDOW_MS + 1);
    run.session.interrupt();
    expect(run.cancels()).toBe(2);
    run.advance(QUIT_WINDOW_MS - 1);
    run.session.interrupt();
    expect(await run.quit()).toBe(true);

    const idle = chat(true);
    idle.session.start();
    idle.session.interrupt();
    expect(idle.cancels()).toBe(0);
    expect(await idle.quit()).toBe(true);
  });

  it('Ctrl-D quits once the running turn has ended', async () => {
    const run = chat(true);
    run.session.start();
    run.set({ messages: [message('a-1', 'assistant', 1, 'streaming', [text(0, 'Still')])], ...running(1) });
    run.session.endOfInput();
    expect(await run.quit()).toBe(false);
    run.set({ messages: [message('a-1', 'assistant', 1, 'complete', [text(0, 'Still going.', 'closed')])] });
    expect(await run.quit()).toBe(true);
    expect(run.output.out).toBe('> \nStill going.\n');
  });
});

describe('chat session on piped input', () => {
  it('sends each line after the turn before it ended, answers a question with the next line, and quits at the end', async () => {
    const run = chat(false);
    for (const line of ['Please shout {"text":"hi"}', 'y', 'Thanks']) run.session.line(line);
    run.session.endOfInput();
    run.session.start();
    await settle();
    expect(run.sent.map((sent) => sent.content)).toEqual(['Please shout {"text":"hi"}']);
    const first = message(
      'user-1',
      'user',
      1,
      'complete',
      [text(0, 'Please shout', 'closed')],
      run.sent[0]?.clientMessageId,
    );
    const approval: PendingApproval = { toolUseId: 'call-1', toolName: 'shout', input: { text: 'hi' } };
    run.set({
      messages: [first, message('a-1', 'assistant', 1, 'streaming', [])],
      ...running(1),
      pendingApprovals: [approval],
    });
    await settle();
    expect(run.decisions).toEqual([['call-1', 'allow']]);
    expect(run.sent).toHaveLength(1);
    const answered = message('a-1', 'assistant', 1, 'complete', [text(0, 'HI', 'closed')]);
    run.set({ messages: [first, answered] });
    await settle();
    expect(run.sent.map((sent) => sent.content)).toEqual(['Please shout {"text":"hi"}', 'Thanks']);
    expect(await run.quit()).toBe(false);
    const second = message(
      'user-2',
      'user',
      2,
      'complete',
      [text(0, 'Thanks', 'closed')],
      run.sent[1]?.clientMessageId,
    );
    run.set({
      messages: [
        first,
        answered,
        second,
        message('a-2', 'assistant', 2, 'complete', [text(0, 'You are welcome.', 'closed')]),
      ],
    });
    expect(await run.quit()).toBe(true);
    // No prompt; each line printed as the person's, the answer to the question after it.
    expect(run.output.out).toBe(
      '\n> Please shout\n\nAllow shout {"text":"hi"}? [y/N] y\nHI\n\n> Thanks\n\nYou are welcome.\n',
    );
  });

  it('denies an approval nobody is left to answer', async () => {
    const run = chat(false);
    run.session.line('Please shout {"text":"hi"}');
    run.session.endOfInput();
    run.session.start();
    await settle();
    const approval: PendingApproval = { toolUseId: 'call-1', toolName: 'shout', input: { text: 'hi' } };
    run.set({
      messages: [message('a-1', 'assistant', 1, 'streaming', [])],
      ...running(1),
      pendingApprovals: [approval],
    });
    await settle();
    expect(run.decisions).toEqual([['call-1', 'deny']]);
    expect(run.output.out).not.toContain('Allow');
  });
});
