import { type ConversationId, type MessageId, type MessageSnapshot, newId, type TurnId } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { userMessage } from '../../test/recorded-turn.ts';
import type { ModelPart, ModelRequest } from '../model-provider.ts';
import { createClockTool } from '../tools/clock-tool.ts';
import { createDemoProvider } from './demo-provider.ts';

const conversationId = newId() as ConversationId;
const clock = createClockTool({ now: () => new Date('2026-11-23T21:00:00.000Z') });

function emptyAssistant(blocks: MessageSnapshot['blocks'] = []): MessageSnapshot {
  return {
    id: newId() as MessageId,
    conversationId,
    role: 'assistant',
    status: 'streaming',
    turnId: newId() as TurnId,
    createdAt: '2026-11-23T21:00:00.000Z',
    blocks,
    watermarks: {},
  };
}

async function collect(prompt: string, options: { tokens?: number; current?: MessageSnapshot } = {}) {
  const provider = createDemoProvider({ delayMs: 0, tokens: options.tokens ?? 120 });
  const request: ModelRequest = {
    history: [userMessage(conversationId, prompt)],
    current: options.current ?? emptyAssistant(),
    tools: [clock],
    signal: new AbortController().signal,
  };
  const parts: ModelPart[] = [];
  for await (const part of provider.stream(request)) parts.push(part);
  const text = parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
  const textParts = parts.filter((part) => part.type === 'text').length;
  return { parts, text, textParts, finish: parts.at(-1) };
}

describe('demo provider', () => {
  it('answers the same prompt with the same words, and another prompt differently', async () => {
    const first = await collect('How does resuming work?');
    const again = await collect('How does resuming work?');
    const other = await collect('Tell me about snapshots');
    expect(again.parts).toEqual(first.parts);
    expect(other.text).not.toBe(first.text);
    expect(first.text).toContain('How does resuming work?');
  });

  it.each([40, 120, 300])('streams about %i tokens, one text part each, then finishes', async (tokens) => {
    const { textParts, finish } = await collect('Explain offsets', { tokens });
    expect(textParts).toBeGreaterThanOrEqual(tokens * 0.8);
    expect(textParts).toBeLessThanOrEqual(tokens * 1.2);
    expect(finish).toEqual({
      type: 'finish',
      stopReason: 'end_turn',
      usage: { inputTokens: 2, outputTokens: textParts },
    });
  });

  it('answers in markdown with a list and a fenced code block', async () => {
    const { text } = await collect('Show me some markdown');
    expect(text).toMatch(/^- .+$/m);
    expect(text).toMatch(/^```\w*\n[\s\S]+?\n```$/m);
  });

  it('calls the clock tool for a prompt with the word "tool", then answers once the result is in', async () => {
    const first = await collect('Use the tool to tell the time');
    expect(first.text).not.toBe('');
    const kinds = first.parts.map((part) => part.type);
    expect(kinds.slice(kinds.indexOf('tool_call_start'))).toEqual([
      'tool_call_start',
      'tool_call_delta',
      'tool_call_delta',
      'tool_call_end',
      'finish',
    ]);
    const start = first.parts.find((part) => part.type === 'tool_call_start');
    expect(start).toMatchObject({ toolName: 'clock' });
    const json = first.parts.flatMap((part) => (part.type === 'tool_call_delta' ? [part.partialJson] : [])).join('');
    const end = first.parts.find((part) => part.type === 'tool_call_end');
    expect(end).toMatchObject({ input: JSON.parse(json) });
    expect(first.finish).toMatchObject({ stopReason: 'tool_use' });

    const toolUseId = start?.type === 'tool_call_start' ? start.toolUseId : '';
    const current = emptyAssistant([
      { index: 0, type: 'text', status: 'closed', text: first.text },
      { index: 1, type: 'tool_use', status: 'closed', toolName: 'clock', toolUseId, partialJson: json, input: {} },
      { index: 2, type: 'tool_result', status: 'closed', toolUseId, text: '21:00 UTC', result: {}, isError: false },
    ]);
    const second = await collect('Use the tool to tell the time', { current });
    expect(second.parts.map((part) => part.type)).not.toContain('tool_call_start');
    expect(second.text).toMatch(/^The clock says 21:00 UTC\. /);
    expect(second.finish).toMatchObject({ stopReason: 'end_turn' });
  });

  it('does not call a tool when "tool" is only part of another word', async () => {
    const { parts } = await collect('Which toolbox should I buy?');
    expect(parts.map((part) => part.type)).not.toContain('tool_call_start');
  });
});
