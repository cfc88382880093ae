import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../model-provider.ts';
import { demoToolCall } from './demo-tool-call.ts';

const tool = (name: string): ToolDefinition => ({ name, description: name, inputSchema: { type: 'object' } });
const tools = [tool('clock'), tool('calculator'), tool('save_note')];

describe('the demo model’s tool calls', () => {
  it('calls a tool the prompt names, with the JSON object in the prompt as input', () => {
    expect(demoToolCall('Please run save_note {"text": "ship it"} now', tools)).toEqual({
      toolName: 'save_note',
      input: { text: 'ship it' },
      preface: 'Let me use save_note. ',
    });
  });

  it('calls a named tool with {} when the prompt has no JSON object, or broken JSON', () => {
    expect(demoToolCall('use calculator', tools)?.input).toEqual({});
    expect(demoToolCall('use calculator {oops}', tools)?.input).toEqual({});
  });

  it('calls only tools it is offered, and only on a whole name', () => {
    expect(demoToolCall('run save_note', [tool('clock')])).toBeUndefined();
    expect(demoToolCall('run save_notes or my_save_note', tools)).toBeUndefined();
  });

  it('calls clock in UTC for the word "tool", and nothing for other prompts', () => {
    expect(demoToolCall('Use a tool, please', tools)).toMatchObject({ toolName: 'clock', input: { timeZone: 'UTC' } });
    expect(demoToolCall('Hello there', tools)).toBeUndefined();
  });
});
