import type { ApprovalDecision } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordStream, userMessage } from '../test/recorded-turn.ts';
import { finish, scriptedProvider, toolCall } from '../test/scripted-provider.ts';
import { ProviderError } from './provider-error.ts';
import { runTurn } from './run-turn.ts';
import { createCalculatorTool } from './tools/calculator-tool.ts';
import { defineTool } from './tools/define-tool.ts';
import { createShowSurfaceTool } from './tools/show-surface-tool.ts';

const deleteFile = (ran: string[]) =>
  defineTool({
    name: 'delete_file',
    description: 'Deletes a file.',
    input: z.object({ path: z.string() }),
    needsApproval: true,
    run: async ({ path }) => {
      ran.push(path);
      return { deleted: path };
    },
  });

function turnWith(provider: ReturnType<typeof scriptedProvider>, extra: Partial<Parameters<typeof runTurn>[0]> = {}) {
  const stream = recordStream();
  const controller = new AbortController();
  const run = runTurn({
    conversationId: stream.conversationId,
    turnId: 'turn' as never,
    userMessageId: 'user' as never,
    history: [userMessage(stream.conversationId, 'please')],
    provider,
    tools: [],
    append: stream.append,
    signal: controller.signal,
    retry: { sleep: async () => {} },
    ...extra,
  });
  return { stream, controller, run };
}

const types = (stream: ReturnType<typeof recordStream>) => stream.events().map((event) => event.type);

describe('tools and approvals in a turn', () => {
  it.each<[ApprovalDecision | 'timeout', boolean]>([
    ['allow', true],
    ['deny', false],
    ['timeout', false],
  ])('a call that needs approval, decided %s, runs only when allowed', async (decision, runs) => {
    const ran: string[] = [];
    const provider = scriptedProvider([
      { parts: [...toolCall('call-1', 'delete_file', { path: '/tmp/a' }), finish('tool_use')] },
      { parts: [{ type: 'text', text: 'Done.' }, finish()] },
    ]);
    const asked: string[] = [];
    const { stream, run } = turnWith(provider, {
      tools: [deleteFile(ran)],
      awaitApproval: async (toolUseId) => {
        asked.push(toolUseId);
        return decision === 'timeout' ? 'deny' : decision;
      },
    });
    const outcome = await run;
    expect(asked).toEqual(['call-1']);
    expect(ran).toEqual(runs ? ['/tmp/a'] : []);
    const events = stream.events();
    const request = events.findIndex((event) => event.type === 'approval_request');
    const resolved = events.findIndex((event) => event.type === 'approval_resolved');
    expect(request).toBeGreaterThan(-1);
    expect(resolved).toBeGreaterThan(request);
    expect(events[resolved]?.data).toEqual({ toolUseId: 'call-1', decision: runs ? 'allow' : 'deny' });
    const result = outcome.message.blocks.find((block) => block.type === 'tool_result');
    expect(result).toMatchObject({ isError: !runs });
    expect(stream.fold().pendingApprovals).toEqual([]);
    // The model is told, and the turn goes on to its answer either way.
    expect(outcome.message.blocks.at(-1)).toMatchObject({ type: 'text', text: 'Done.' });
  });

  it('invalid tool input becomes an error result the model sees on its next call, not a crash', async () => {
    const provider = scriptedProvider([
      { parts: [...toolCall('call-1', 'calculator', { operation: 'add', a: 'one' }), finish('tool_use')] },
      { parts: [{ type: 'text', text: 'Sorry.' }, finish()] },
    ]);
    const { run } = turnWith(provider, { tools: [createCalculatorTool()] });
    const outcome = await run;
    expect(outcome.reason).toBe('complete');
    const result = outcome.message.blocks.find((block) => block.type === 'tool_result');
    expect(result).toMatchObject({ isError: true });
    expect(JSON.stringify(result?.type === 'tool_result' ? result.result : null)).toContain('a:');
    const followUp = provider.requests[1]?.current.blocks.find((block) => block.type === 'tool_result');
    expect(followUp).toMatchObject({ isError: true });
  });

  it('show_surface opens a surface block and applies its updates in order', async () => {
    const provider = scriptedProvider([
      {
        parts: [
          ...toolCall('call-1', 'show_surface', {
            surfaceType: 'card',
            data: { title: 'Paris', temp: 12 },
            updates: [{ temp: 14 }, { wind: 'N' }],
          }),
          finish('tool_use'),
        ],
      },
      { parts: [{ type: 'text', text: 'There.' }, finish()] },
    ]);
    const { run } = turnWith(provider, { tools: [createShowSurfaceTool(() => 'surface-1')] });
    const outcome = await run;
    expect(outcome.message.blocks.map((block) => block.type)).toEqual(['tool_use', 'tool_result', 'surface', 'text']);
    expect(outcome.message.blocks[2]).toMatchObject({
      status: 'closed',
      surfaceId: 'surface-1',
      data: { title: 'Paris', temp: 14, wind: 'N' },
    });
  });
});

describe('provider failures', () => {
  it('retries a rate limit before any output, and the answer is written once', async () => {
    const limited = new ProviderError('rate_limited', 'Too many requests.', { retryable: true, retryAfterMs: 1200 });
    const provider = scriptedProvider([
      { parts: [], thenThrow: limited },
      { parts: [], thenThrow: limited },
      { parts: [{ type: 'text', text: 'Hello.' }, finish()] },
    ]);
    const waits: number[] = [];
    const { stream, run } = turnWith(provider, {
      retry: { sleep: async (milliseconds) => void waits.push(milliseconds) },
    });
    const outcome = await run;
    expect(outcome.reason).toBe('complete');
    expect(waits).toHaveLength(2);
    expect(waits.every((wait) => wait >= 1200)).toBe(true);
    expect(outcome.message.blocks).toEqual([{ index: 0, type: 'text', status: 'closed', text: 'Hello.' }]);
    expect(types(stream).filter((type) => type === 'message_open')).toHaveLength(1);
  });

  it('after output, a failure ends the message as error with a typed code and keeps the text', async () => {
    const provider = scriptedProvider([
      {
        parts: [{ type: 'text', text: 'Half an ans' }],
        thenThrow: new ProviderError('overloaded', 'The model is overloaded.', { retryable: true }),
      },
    ]);
    const { run } = turnWith(provider);
    const outcome = await run;
    expect(provider.requests).toHaveLength(1);
    expect(outcome.reason).toBe('error');
    expect(outcome.message).toMatchObject({
      status: 'error',
      error: { code: 'overloaded' },
      blocks: [{ text: 'Half an ans' }],
    });
  });

  it('gives up after the last attempt and says why', async () => {
    const limited = new ProviderError('rate_limited', 'Too many requests.', { retryable: true });
    const provider = scriptedProvider([1, 2, 3, 4].map(() => ({ parts: [], thenThrow: limited })));
    const { run } = turnWith(provider);
    const outcome = await run;
    expect(provider.requests).toHaveLength(4);
    expect(outcome.message).toMatchObject({
      status: 'error',
      error: { code: 'rate_limited', message: 'Too many requests.' },
    });
  });
});

describe('cancel', () => {
  it.each(['text', 'tool input', 'tool run'] as const)(
    'during %s ends the message cancelled, keeping what was written',
    async (moment) => {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let partsSeen = 0;
      const holdAt = moment === 'text' ? 2 : 3;
      const slowTool = defineTool({
        name: 'slow',
        description: 'Takes its time.',
        input: z.object({}),
        run: async (_input, { signal, output }) => {
          output('working…');
          await new Promise((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
          );
          return null;
        },
      });
      const provider = scriptedProvider([
        {
          parts:
            moment === 'text'
              ? [{ type: 'text', text: 'One ' }, { type: 'text', text: 'two' }, finish()]
              : [{ type: 'text', text: 'Calling. ' }, ...toolCall('call-1', 'slow', {}), finish('tool_use')],
          gate: async () => {
            partsSeen += 1;
            if (moment !== 'tool run' && partsSeen === holdAt) await held;
          },
        },
        { parts: [{ type: 'text', text: 'never' }, finish()] },
      ]);
      const { stream, controller, run } = turnWith(provider, { tools: [slowTool] });
      stream.onAppend = (drafts) => {
        const wrote = JSON.stringify(drafts);
        if (moment === 'tool run' && wrote.includes('working')) queueMicrotask(() => controller.abort('cancelled'));
      };
      if (moment !== 'tool run') {
        while (partsSeen < holdAt) await new Promise((resolve) => setTimeout(resolve, 1));
        controller.abort('cancelled');
        controller.abort('cancelled');
        release();
      }
      const outcome = await run;
      expect(outcome.reason).toBe('cancelled');
      expect(outcome.message.status).toBe('cancelled');
      expect(outcome.message.blocks.every((block) => block.status === 'closed')).toBe(true);
      expect(JSON.stringify(outcome.message.blocks)).not.toContain('never');
      expect((outcome.message.blocks[0] as { text: string }).text).toMatch(moment === 'text' ? /^One/ : /^Calling/);
      expect(types(stream).filter((type) => type === 'message_complete')).toHaveLength(1);
      expect(
        stream
          .events()
          .filter((event) => event.type === 'turn_end')
          .map((event) => event.data),
      ).toEqual([{ turnId: 'turn', reason: 'cancelled' }]);
    },
  );

  it('a tool writes app-defined events into the conversation, and may not use a protocol type', async () => {
    const castVote = defineTool({
      name: 'cast_vote',
      description: 'Records a vote.',
      input: z.object({ option: z.string() }),
      run: async ({ option }, context) => {
        context.emit('poll_vote', { option });
        if (option === 'cheat') context.emit('message_open', { option });
        return { voted: option };
      },
    });
    const provider = scriptedProvider([
      {
        parts: [
          ...toolCall('call-1', 'cast_vote', { option: 'a' }),
          ...toolCall('call-2', 'cast_vote', { option: 'cheat' }),
          finish('tool_use'),
        ],
      },
      { parts: [{ type: 'text', text: 'Voted.' }, finish()] },
    ]);
    const { stream, run } = turnWith(provider, { tools: [castVote] });
    const outcome = await run;
    const votes = stream.events().filter((event) => (event.type as string) === 'poll_vote');
    expect(votes.map((event) => event.data)).toEqual([{ option: 'a' }, { option: 'cheat' }]);
    expect(votes.every((event) => 'conversationId' in event && event.conversationId === stream.conversationId)).toBe(
      true,
    );
    const results = outcome.message.blocks.filter((block) => block.type === 'tool_result');
    expect(results.map((block) => ('isError' in block ? block.isError : undefined))).toEqual([false, true]);
    expect(JSON.stringify(results[1])).toContain('message_open is a protocol event type');
  });
});
