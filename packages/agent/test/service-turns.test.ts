// The agent runner inside the real conversation service and HTTP API, over a real SQLite
// file: queued messages, handoff, and approvals decided over HTTP.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageSnapshot } from '@once/protocol';
import { createOnceServer, DEFAULT_ACCOUNT } from '@once/server';
import { openSqliteEventLog } from '@once/sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ModelProvider } from '../src/model-provider.ts';
import { runTurn } from '../src/run-turn.ts';
import { defineTool } from '../src/tools/define-tool.ts';
import type { Tool } from '../src/tools/tool.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startDaemon(provider: ModelProvider, tools: Tool[]) {
  const directory = await mkdtemp(join(tmpdir(), 'once-agent-'));
  const log = openSqliteEventLog({ path: join(directory, 'once.db') });
  const server = createOnceServer({
    log,
    logKind: 'sqlite',
    runTurn: async (turn) => {
      await runTurn({ ...turn, provider, tools, retry: { sleep: async () => {} } });
    },
  });
  const { service } = server;
  await server.recover();
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  });
  const call = async (method: string, path: string, body?: object) => {
    const response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const { id } = (await service.create(DEFAULT_ACCOUNT)) as { id: string };
  const snapshotOf = async () => (await service.snapshot(DEFAULT_ACCOUNT, id)).snapshot;
  const settled = async () => {
    for (;;) {
      const snapshot = await snapshotOf();
      const users = snapshot.messages.filter((message) => message.role === 'user');
      const answered = users.every((user) =>
        snapshot.messages.some(
          (message) => message.role === 'assistant' && message.turnId === user.turnId && message.status !== 'streaming',
        ),
      );
      if (answered && snapshot.activeTurn === undefined) return snapshot;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { id, call, log, snapshotOf, settled };
}

const lastUserText = (history: readonly MessageSnapshot[]) => {
  const block = history.findLast((message) => message.role === 'user')?.blocks[0];
  return block?.type === 'text' ? block.text : '';
};

describe('turns in the service', () => {
  it('three messages sent while a turn runs are answered in order, each once, after a handoff', async () => {
    let releaseFirst: () => void = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const provider: ModelProvider = {
      name: 'echo',
      async *stream({ history, current }) {
        const prompt = lastUserText(history);
        if (prompt === 'first' && !current.blocks.some((block) => block.type === 'tool_result')) {
          await firstHeld;
          yield { type: 'tool_call_start', toolUseId: 'call-1', toolName: 'noop' };
          yield { type: 'tool_call_end', toolUseId: 'call-1', input: {} };
          yield { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 1, outputTokens: 1 } };
          return;
        }
        yield { type: 'text', text: `Answer to ${prompt}.` };
        yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
      },
    };
    const noop = defineTool({ name: 'noop', description: 'Does nothing.', input: z.object({}), run: async () => null });
    const daemon = await startDaemon(provider, [noop]);
    for (const content of ['first', 'second', 'third', 'fourth']) {
      expect(
        (await daemon.call('POST', `/v1/conversations/${daemon.id}/messages`, { content, clientMessageId: content }))
          .status,
      ).toBe(202);
    }
    releaseFirst();
    const snapshot = await daemon.settled();

    const users = snapshot.messages.filter((message) => message.role === 'user');
    const answers = snapshot.messages.filter((message) => message.role === 'assistant');
    expect(users.map((message) => message.clientMessageId)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(answers.map((message) => message.turnId)).toEqual(users.map((message) => message.turnId));
    expect(answers.slice(1).map((message) => (message.blocks[0] as { text: string }).text)).toEqual([
      'Answer to second.',
      'Answer to third.',
      'Answer to fourth.',
    ]);
    const stream = await daemon.log.read({ stream: 'conversation', conversationId: daemon.id }, 0 as never, 10_000);
    const ends = stream
      .filter((event) => event.type === 'turn_end')
      .map((event) => (event.data as { reason: string }).reason);
    expect(ends).toEqual(['handoff', 'complete', 'complete', 'complete']);
  });

  it('a tool call that needs approval waits for POST …/approvals/:toolUseId', async () => {
    const ran: string[] = [];
    const provider: ModelProvider = {
      name: 'asks',
      async *stream({ current }) {
        if (!current.blocks.some((block) => block.type === 'tool_result')) {
          yield { type: 'tool_call_start', toolUseId: 'call-9', toolName: 'send_email' };
          yield { type: 'tool_call_end', toolUseId: 'call-9', input: { to: 'ana@example.com' } };
          yield { type: 'finish', stopReason: 'tool_use', usage: { inputTokens: 1, outputTokens: 1 } };
          return;
        }
        yield { type: 'text', text: 'Sent.' };
        yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1 } };
      },
    };
    const sendEmail = defineTool({
      name: 'send_email',
      description: 'Sends an email.',
      input: z.object({ to: z.string() }),
      needsApproval: true,
      run: async ({ to }) => {
        ran.push(to);
        return { sent: true };
      },
    });
    const daemon = await startDaemon(provider, [sendEmail]);
    await daemon.call('POST', `/v1/conversations/${daemon.id}/messages`, { content: 'email Ana' });
    while ((await daemon.snapshotOf()).pendingApprovals.length === 0)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await daemon.snapshotOf()).pendingApprovals).toEqual([
      { toolUseId: 'call-9', toolName: 'send_email', input: { to: 'ana@example.com' } },
    ]);
    expect(ran).toEqual([]);

    const decided = await daemon.call('POST', `/v1/conversations/${daemon.id}/approvals/call-9`, { decision: 'allow' });
    expect(decided).toEqual({ status: 200, body: { toolUseId: 'call-9', decision: 'allow' } });
    const again = await daemon.call('POST', `/v1/conversations/${daemon.id}/approvals/call-9`, { decision: 'deny' });
    expect(again.status).toBe(404);

    const snapshot = await daemon.settled();
    expect(ran).toEqual(['ana@example.com']);
    expect(snapshot.pendingApprovals).toEqual([]);
    expect(snapshot.messages[1]?.blocks.map((block) => block.type)).toEqual(['tool_use', 'tool_result', 'text']);
  });
});
