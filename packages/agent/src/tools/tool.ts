import type { JsonValue } from '@once/protocol';
import type { ToolDefinition } from '../model-provider.ts';

/** What a running tool gets besides its input. */
export interface ToolContext {
  readonly signal: AbortSignal;
  /** Streams a piece of output into the tool_result block as it is produced. */
  readonly output: (text: string) => void;
}

/** A tool the assistant can call. */
export interface Tool extends ToolDefinition {
  run(input: JsonValue, context: ToolContext): Promise<JsonValue>;
}
