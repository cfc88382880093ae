import type { JsonValue, MessageSnapshot, Usage } from '@once/protocol';
import type { AttachmentBytes } from './attachment-bytes.ts';

/** A tool as the model sees it. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the tool's input. */
  readonly inputSchema: JsonValue;
}

/** What a provider is asked for: the conversation so far and the tools it may call. */
export interface ModelRequest {
  /** Completed messages of the conversation, oldest first. */
  readonly history: readonly MessageSnapshot[];
  /** The assistant message of this turn as written so far (blocks of earlier steps). */
  readonly current: MessageSnapshot;
  readonly tools: readonly ToolDefinition[];
  /**
   * The system prompt: instructions the model reads before the conversation (who it is,
   * how to answer). Default: none.
   */
  readonly system?: string;
  /**
   * The bytes of the attachments `history` references (`MessageSnapshot.attachments`), by
   * hash, for the provider to send in its native form. An attachment missing here is
   * told to the model in words. Default: none.
   */
  readonly attachments?: AttachmentBytes;
  readonly signal: AbortSignal;
}

/** Why a model call stopped. `tool_use`: it wants tool results and another call. */
export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens';

/** One piece of a streamed model response, in provider-neutral form. */
export type ModelPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly text: string }
  | { readonly type: 'tool_call_start'; readonly toolUseId: string; readonly toolName: string }
  | { readonly type: 'tool_call_delta'; readonly toolUseId: string; readonly partialJson: string }
  | { readonly type: 'tool_call_end'; readonly toolUseId: string; readonly input: JsonValue }
  | { readonly type: 'finish'; readonly stopReason: StopReason; readonly usage: Usage };

/** A model behind one small interface: a stream of typed parts, stopped by the signal. */
export interface ModelProvider {
  readonly name: string;
  stream(request: ModelRequest): AsyncIterable<ModelPart>;
}
