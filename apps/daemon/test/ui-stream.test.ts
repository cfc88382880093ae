// A real daemon (`once serve --provider ui-stream`) in front of a real AI SDK chat route:
// examples/ai-sdk-route on the AI SDK's own mock model, served from this test process.
import { spawnSync } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { MessageSnapshot } from '@once/protocol';
import {
  type ChatRouteServer,
  createDaemonClient,
  type DaemonClient,
  startChatRoute,
  startDaemon,
  stopLeftoverDaemons,
  writeChunks,
} from '@once/testing';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatRoute } from '../../../examples/ai-sdk-route/chat-route.ts';
import { weatherTool } from '../../../examples/ai-sdk-route/weather-tool.ts';
import { finish, respond, textParts, toolCallParts } from '../../../packages/ai-sdk/test/mock-model.ts';

// Real daemon processes on a machine that may be busy: generous, never a timing assertion.
const PROCESS_TEST_MS = 60_000;
const ONCE_BIN = join(import.meta.dirname, '..', 'bin', 'once.js');

afterEach(stopLeftoverDaemons);

const routes: ChatRouteServer[] = [];
afterEach(async () => {
  for (const route of routes.splice(0)) await route[Symbol.asyncDispose]();
});

async function route(handle: Parameters<typeof startChatRoute>[0]): Promise<ChatRouteServer> {
  const server = await startChatRoute(handle);
  routes.push(server);
  return server;
}

/** Polls the snapshot until `check` holds; returns that snapshot's messages. */
async function waitFor(client: DaemonClient, conversationId: string, check: (messages: MessageSnapshot[]) => boolean) {
  for (;;) {
    const snapshot = await client.getSnapshot(conversationId);
    if (check(snapshot.messages)) return snapshot.messages;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The assistant message of a conversation's only turn, once it has ended. */
const answered = (client: DaemonClient, conversationId: string) =>
  waitFor(client, conversationId, (messages) => messages[1] !== undefined && messages[1].status !== 'streaming').then(
    (messages) => messages[1] as MessageSnapshot,
  );

/**
 * A daemon in front of a route that streams the start of an answer, then nothing: a turn
 * still running when the test stops or kills the daemon.
 */
async function startStalledTurn() {
  const upstream = await route((_request, response) => {
    writeChunks(response, { type: 'start' }, { type: 'text-start', id: '0' });
    writeChunks(response, { type: 'text-delta', id: '0', delta: 'Once upon a time' });
  });
  const daemon = await startDaemon({ flags: ['--provider', 'ui-stream', '--upstream-url', upstream.url] });
  const client = createDaemonClient(daemon.url);
  const conversationId = await client.createConversation();
  await client.sendMessage(conversationId, 'A long story, please.');
  await waitFor(client, conversationId, (messages) => messages[1]?.blocks[0]?.type === 'text');
  return { daemon, upstream, conversationId, [Symbol.asyncDispose]: () => daemon[Symbol.asyncDispose]() };
}

describe('once serve --provider ui-stream', () => {
  it(
    'writes a multi-step turn of an AI SDK route as one assistant message: text, the tool call and its output, more text',
    async () => {
      const model = new MockLanguageModelV4({
        doStream: [
          respond(
            ...textParts('t1', 'Let me check.'),
            ...toolCallParts('call-1', 'weather', '{"city":"Paris"}'),
            finish('tool-calls'),
          ),
          respond(...textParts('t2', 'Sunny, 21 °C.'), finish('stop')),
        ],
      });
      const upstream = await route(createChatRoute({ model, tools: { weather: weatherTool } }));
      await using daemon = await startDaemon({
        flags: [
          '--provider',
          'ui-stream',
          '--upstream-url',
          upstream.url,
          '--upstream-header',
          'Authorization: Bearer k',
        ],
      });
      const client = createDaemonClient(daemon.url);
      const conversationId = await client.createConversation();
      await client.sendMessage(conversationId, 'Weather in Paris?', 'client-1');

      const answer = await answered(client, conversationId);

      expect(answer).toMatchObject({ role: 'assistant', status: 'complete', stopReason: 'end_turn' });
      expect(answer.blocks).toMatchObject([
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', toolUseId: 'call-1', toolName: 'weather', input: { city: 'Paris' } },
        { type: 'tool_result', toolUseId: 'call-1', result: { city: 'Paris', forecast: 'sunny', celsius: 21 } },
        { type: 'text', text: 'Sunny, 21 °C.' },
      ]);
      expect(upstream.requests).toHaveLength(1);
      expect(upstream.requests[0]?.headers.authorization).toBe('Bearer k');
      expect(upstream.requests[0]?.body).toEqual({
        id: conversationId,
        trigger: 'submit-message',
        messages: [{ id: 'client-1', role: 'user', parts: [{ type: 'text', text: 'Weather in Paris?' }] }],
      });
    },
    PROCESS_TEST_MS,
  );

  it(
    'a daemon killed with SIGKILL mid-turn ends the message interrupted when it starts again, keeping its text',
    async () => {
      await using turn = await startStalledTurn();
      const { daemon, conversationId } = turn;

      const exit = await daemon.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      await daemon.restart();
      const messages = await waitFor(
        createDaemonClient(daemon.url),
        conversationId,
        (all) => all[1]?.status !== 'streaming',
      );

      expect(messages.map((message) => message.role)).toEqual(['user', 'assistant']);
      expect(messages[1]).toMatchObject({
        status: 'interrupted',
        blocks: [{ type: 'text', text: 'Once upon a time' }],
      });
    },
    PROCESS_TEST_MS,
  );

  it(
    'a daemon stopped with SIGTERM mid-turn aborts the upstream request and ends the message interrupted',
    async () => {
      await using turn = await startStalledTurn();
      const { daemon, upstream, conversationId } = turn;

      const exit = await daemon.kill('SIGTERM');
      expect(exit.code).toBe(0);
      await upstream.closed();
      await daemon.restart();
      const messages = (await createDaemonClient(daemon.url).getSnapshot(conversationId)).messages;

      expect(messages[1]).toMatchObject({
        status: 'interrupted',
        blocks: [{ type: 'text', text: 'Once upon a time' }],
      });
    },
    PROCESS_TEST_MS,
  );

  it(
    'an upstream that answers 500, sends a malformed chunk or dies mid-stream ends the message error, keeping what came',
    async () => {
      let dying: ServerResponse | undefined;
      const upstream = await route((request, response) => {
        const { messages } = JSON.parse(request.body) as { messages: { parts: { text: string }[] }[] };
        const asked = messages.at(-1)?.parts[0]?.text;
        if (asked === 'answer 500') {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('The model key is missing.');
          return;
        }
        writeChunks(
          response,
          { type: 'start' },
          { type: 'text-start', id: '0' },
          { type: 'text-delta', id: '0', delta: 'Partly' },
        );
        if (asked === 'send a malformed chunk') writeChunks(response, '{"type":"text-delta","id":"0"');
        else dying = response;
      });
      await using daemon = await startDaemon({ flags: ['--provider', 'ui-stream', '--upstream-url', upstream.url] });
      const client = createDaemonClient(daemon.url);
      const ask = async (content: string) => {
        const conversationId = await client.createConversation();
        await client.sendMessage(conversationId, content);
        return answered(client, conversationId);
      };

      const dieMidStream = async () => {
        const conversationId = await client.createConversation();
        await client.sendMessage(conversationId, 'die mid-stream');
        // Once the daemon has written what came, the route's socket is destroyed.
        await waitFor(client, conversationId, (messages) =>
          (JSON.stringify(messages[1]?.blocks[0]) ?? '').includes('"Partly"'),
        );
        dying?.socket?.destroy();
        return answered(client, conversationId);
      };

      const [refused, malformed, died] = await Promise.all([
        ask('answer 500'),
        ask('send a malformed chunk'),
        dieMidStream(),
      ]);

      expect(refused).toMatchObject({ status: 'error', blocks: [] });
      expect(refused.error?.message).toBe(`The upstream ${upstream.url} answered 500: The model key is missing.`);
      expect(malformed).toMatchObject({ status: 'error', blocks: [{ type: 'text', text: 'Partly' }] });
      expect(malformed.error?.message).toBe(
        `The upstream ${upstream.url} sent a chunk that is not JSON: {"type":"text-delta","id":"0"`,
      );
      expect(died).toMatchObject({ status: 'error', blocks: [{ type: 'text', text: 'Partly' }] });
      expect(died.error?.message).toMatch(`The upstream ${upstream.url} broke off its stream: `);
    },
    PROCESS_TEST_MS,
  );

  it(
    'refuses to start without a usable upstream URL, in one sentence',
    () => {
      const run = (...flags: string[]) =>
        spawnSync(process.execPath, [ONCE_BIN, 'serve', ...flags], { encoding: 'utf8', timeout: 30_000 });

      const missing = run('--provider', 'ui-stream');
      expect(missing.status).not.toBe(0);
      expect(missing.stderr.trim()).toBe(
        'once: --provider ui-stream needs --upstream-url (or ONCE_UPSTREAM_URL): the URL of the AI SDK chat route to send turns to.',
      );
      const bad = run('--provider', 'ui-stream', '--upstream-url', 'localhost:3000/api/chat');
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain('--upstream-url="localhost:3000/api/chat" is not valid: must be an http(s) URL');
    },
    PROCESS_TEST_MS,
  );
});
