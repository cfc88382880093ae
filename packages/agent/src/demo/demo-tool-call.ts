import type { JsonValue } from '@once/protocol';
import type { ToolDefinition } from '../model-provider.ts';

/** A tool call the demo model decided to make. */
export interface DemoToolCall {
  readonly toolName: string;
  readonly input: JsonValue;
  /** What the model says before calling it. */
  readonly preface: string;
}

/**
 * Which tool the demo model calls for a prompt, if any. A prompt that names an offered
 * tool other than `clock` (as a whole word) calls that tool, with the JSON object written
 * in the prompt as its input (`{}` without one), so any tool, a config file's own
 * included, can be tried without a key. Otherwise the word "tool" calls `clock`.
 */
export function demoToolCall(prompt: string, tools: readonly ToolDefinition[]): DemoToolCall | undefined {
  const named = tools.find((tool) => tool.name !== 'clock' && namesWord(prompt, tool.name));
  if (named !== undefined) {
    return { toolName: named.name, input: jsonObjectIn(prompt), preface: `Let me use ${named.name}. ` };
  }
  if (/\btool\b/i.test(prompt) && tools.some((tool) => tool.name === 'clock')) {
    return { toolName: 'clock', input: { timeZone: 'UTC' }, preface: 'Let me check the clock first. ' };
  }
  return undefined;
}

/** True when `word` stands in `text` on its own, not inside a longer name. */
function namesWord(text: string, word: string): boolean {
  const escaped = word.replace(/[-]/g, '\\-');
  return new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`).test(text);
}

/** The text from the first `{` to the last `}`, when it is a JSON object; else `{}`. */
function jsonObjectIn(text: string): JsonValue {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end < start) return {};
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonValue) : {};
  } catch {
    return {};
  }
}
