import type { ToolResultBlock, ToolUseBlock } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { type ToolCallFacts, toolCallState } from './tool-call-state.ts';

const call: ToolUseBlock = {
  index: 1,
  status: 'closed',
  type: 'tool_use',
  toolName: 'release_notes',
  toolUseId: 'call-1',
  partialJson: '{"version":"2"}',
  input: { version: '2' },
};
const result = (fields: Partial<ToolResultBlock>): ToolResultBlock => ({
  index: 2,
  status: 'closed',
  type: 'tool_result',
  toolUseId: 'call-1',
  text: '',
  ...fields,
});
const facts = (fields: Partial<ToolCallFacts>): ToolCallFacts => ({
  call,
  result: undefined,
  awaitingApproval: false,
  deniedHere: false,
  messageEnded: false,
  ...fields,
});

describe('toolCallState', () => {
  it.each<[string, Partial<ToolCallFacts>, ReturnType<typeof toolCallState>]>([
    ['input still streaming', { call: { ...call, status: 'open', input: undefined } }, 'input-streaming'],
    ['input complete, no result yet', {}, 'running'],
    ['waiting for the user', { awaitingApproval: true }, 'awaiting-approval'],
    ['denied here, before the result arrives', { deniedHere: true }, 'denied'],
    ['output streaming', { result: result({ status: 'open', text: 'part' }) }, 'running'],
    ['a result', { result: result({ result: 'ok', isError: false }) }, 'done'],
    ['an error result', { result: result({ result: { error: 'boom' }, isError: true }) }, 'error'],
    [
      "the agent's denial, read from history",
      { result: result({ result: { error: 'The user did not allow this tool call.' }, isError: true }) },
      'denied',
    ],
    ['the answer ended before the call ran', { messageEnded: true }, 'error'],
  ])('%s', (_case, fields, expected) => {
    expect(toolCallState(facts(fields))).toBe(expected);
  });
});
