// The five ways a useChat session meets trouble, against a real daemon process, as one
// suite any ChatTransport runs: OnceChatTransport here, DefaultChatTransport on the
// daemon's AI SDK endpoints elsewhere. Each asserts what a user would see: every message
// the Chat shows equals the daemon's own (toUIMessages of its snapshot), no part twice,
// the same ids throughout.
import {
  type CuttableProxy,
  createDaemonClient,
  type DaemonClient,
  type DaemonProcess,
  startCuttableProxy,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import type { ChatTransport, UIMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { loadUIMessages } from '../src/chat/index.ts';
import { toUIMessages } from '../src/index.ts';
import { NodeChat } from './node-chat.ts';
import { contentOf } from './ui-message-streams.ts';

/** Where a transport finds the conversation. */
export interface ChatFixture {
  /** The daemon's address as the transport should use it (a proxy in the network-drop case). */
  readonly baseUrl: string;
  readonly conversationId: string;
}

/** Options of {@link describeUseChatScenarios}. */
export interface UseChatScenariosOptions {
  /** Names the suite, e.g. `OnceChatTransport`. */
  readonly name: string;
  /** A new transport, as one browser tab would build it. */
  readonly makeTransport: (fixture: ChatFixture) => ChatTransport<UIMessage>;
  /** The history a reloaded page starts from. Default: `loadUIMessages`. */
  readonly loadMessages?: (fixture: ChatFixture) => Promise<UIMessage[]>;
  /** Extra daemon flags (an endpoint's settings). The demo model's pace is set here. */
  readonly daemonFlags?: readonly string[];
}

// About 150 words 15 ms apart: each answer streams for two seconds or more.
const DEMO = ['--demo-delay-ms', '15', '--demo-tokens', '150'];
const TEST_TIMEOUT_MS = 90_000;
const TOOL_PROMPT = 'What time is it? Use a tool.';

export function describeUseChatScenarios(options: UseChatScenariosOptions): void {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterEach(stopLeftoverDaemons);

  const loadMessages =
    options.loadMessages ??
    ((fixture: ChatFixture) => loadUIMessages({ baseUrl: fixture.baseUrl, conversationId: fixture.conversationId }));

  const start = async (via: 'direct' | 'proxy' = 'direct') => {
    const daemon: DaemonProcess = await startDaemon({ flags: [...DEMO, ...(options.daemonFlags ?? [])] });
    cleanups.push(() => daemon[Symbol.asyncDispose]());
    const api: DaemonClient = createDaemonClient(daemon.url);
    const conversationId = await api.createConversation();
    let proxy: CuttableProxy | undefined;
    if (via === 'proxy') {
      proxy = await startCuttableProxy(() => ({ host: '127.0.0.1', port: daemon.port }));
      cleanups.push(() => proxy?.close());
    }
    const fixture: ChatFixture = { baseUrl: proxy?.url ?? daemon.url, conversationId };
    const chat = (messages?: UIMessage[]) => {
      const transport = options.makeTransport(fixture);
      cleanups.push(() => transport.close?.());
      return new NodeChat({ id: conversationId, transport, ...(messages === undefined ? {} : { messages }) });
    };
    return { daemon, api, fixture, proxy, chat };
  };

  /** Waits for the daemon's turn to end and the Chat to be done; a Chat whose stream died resumes, as useChat does. */
  const settle = async (chat: NodeChat, api: DaemonClient, conversationId: string) => {
    const deadline = Date.now() + 60_000;
    while ((await api.getSnapshot(conversationId)).activeTurn !== undefined) {
      if (Date.now() > deadline) throw new Error('The turn did not end within 60 s.');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await chat.until(() => chat.status === 'ready' || chat.status === 'error', 'the chat to settle');
    if (chat.status === 'error') {
      await chat.resumeStream();
      await chat.until(() => chat.status === 'ready', 'the resumed chat to settle');
    }
  };

  /**
   * Every message the Chat shows is the daemon's message with that id, part for part;
   * `whole`: and it shows all of them, in order. No message twice, and every assistant
   * id it ever showed is one of the daemon's (no temporary id, no id replaced).
   */
  const expectSameAsDaemon = async (chat: NodeChat, api: DaemonClient, conversationId: string, whole = true) => {
    const expected = toUIMessages((await api.getSnapshot(conversationId)).messages);
    const ids = chat.messages.map((message) => message.id);
    expect(new Set(ids).size).toBe(ids.length);
    if (whole) expect(ids).toEqual(expected.map((message) => message.id));
    for (const message of chat.messages) {
      const daemons = expected.find((candidate) => candidate.id === message.id);
      expect(daemons, `the daemon has message ${message.id}`).toBeDefined();
      expect(message.role).toBe(daemons?.role);
      expect(contentOf(message)).toEqual(contentOf(daemons as UIMessage));
    }
    const expectedIds = expected.map((message) => message.id);
    for (const id of chat.shownIds) expect(expectedIds).toContain(id);
    return expected;
  };

  /** Waits until the chat's `count`th message is an answer that has shown `characters` characters. */
  const midStream = (chat: NodeChat, count = 2, characters = 60) =>
    chat.until(
      () => chat.messages.length >= count && chat.lastAnswerText().length > characters,
      `${characters} characters of answer ${count}`,
    );

  describe(`useChat on Once through ${options.name}`, () => {
    it(
      'a network drop mid-stream: the answer arrives whole, nothing twice',
      async () => {
        const { api, fixture, proxy, chat } = await start('proxy');
        const tab = chat();
        const sent = tab.sendMessage({ text: TOOL_PROMPT });
        await midStream(tab);
        const before = tab.lastAnswerText();
        proxy?.cut({ refuseMs: 500 });
        expect(proxy?.cuts).toBe(1);
        await sent;
        await settle(tab, api, fixture.conversationId);

        const expected = await expectSameAsDaemon(tab, api, fixture.conversationId);
        expect(tab.lastAnswerText().startsWith(before)).toBe(true);
        expect(expected.at(-1)?.parts.some((part) => part.type === 'tool-clock')).toBe(true);
        expect(tab.error).toBeUndefined();
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a reload mid-stream: the page loads the history and resumes the same message',
      async () => {
        const { api, fixture, chat } = await start();
        const first = chat();
        void first.sendMessage({ text: 'Tell me about durable streams.' });
        await midStream(first);
        const streamingId = first.messages.at(-1)?.id;

        const history = await loadMessages(fixture);
        expect(history.at(-1)?.id).toBe(streamingId);
        const reloaded = chat(history);
        await reloaded.resumeStream();
        await settle(reloaded, api, fixture.conversationId);

        await expectSameAsDaemon(reloaded, api, fixture.conversationId);
        expect(reloaded.shownIds).toEqual([streamingId]);
        expect(reloaded.finishReasons.at(-1)).toBe('stop');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'the daemon killed with SIGKILL mid-turn and restarted: the message ends interrupted, as it got',
      async () => {
        const { daemon, api, fixture, chat } = await start();
        const tab = chat();
        const sent = tab.sendMessage({ text: 'Tell me about durable streams.' });
        await midStream(tab);
        await daemon.kill('SIGKILL');
        const before = tab.lastAnswerText();
        await daemon.restart();
        await sent;
        await settle(tab, api, fixture.conversationId);

        await expectSameAsDaemon(tab, api, fixture.conversationId);
        const snapshot = await api.getSnapshot(fixture.conversationId);
        expect(snapshot.messages.at(-1)?.status).toBe('interrupted');
        expect(tab.lastAnswerText().startsWith(before)).toBe(true);
        expect(tab.finishReasons.at(-1)).toBe('interrupted');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a reload while a second answer streams: the first answer is not copied into the resumed one',
      async () => {
        const { api, fixture, chat } = await start();
        const first = chat();
        await first.sendMessage({ text: TOOL_PROMPT });
        await settle(first, api, fixture.conversationId);
        void first.sendMessage({ text: 'And tell me about durable streams.' });
        await midStream(first, 4);

        const reloaded = chat(await loadMessages(fixture));
        await reloaded.resumeStream();
        await settle(reloaded, api, fixture.conversationId);

        const expected = await expectSameAsDaemon(reloaded, api, fixture.conversationId);
        expect(expected.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
        expect(reloaded.shownIds).toEqual([expected[1]?.id, expected[3]?.id]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'two tabs on one conversation send at once: each shows its own turn exactly, and a reload shows both',
      async () => {
        const { api, fixture, chat } = await start();
        const left = chat();
        const right = chat();
        await Promise.all([
          left.sendMessage({ text: 'Tell me about durable streams.' }),
          right.sendMessage({ text: TOOL_PROMPT }),
        ]);
        await settle(left, api, fixture.conversationId);
        await settle(right, api, fixture.conversationId);

        for (const tab of [left, right]) {
          await expectSameAsDaemon(tab, api, fixture.conversationId, false);
          expect(tab.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
        }
        expect(left.messages[1]?.id).not.toBe(right.messages[1]?.id);
        const reloaded = chat(await loadMessages(fixture));
        const expected = await expectSameAsDaemon(reloaded, api, fixture.conversationId);
        expect(expected).toHaveLength(4);
      },
      TEST_TIMEOUT_MS,
    );
  });
}
