// Stream parts for the AI SDK's own MockLanguageModelV4, as a provider package would emit them.
import { convertArrayToReadableStream, type MockLanguageModelV4 } from 'ai/test';

/** What a model's `doStream` resolves to. */
export type StreamResult = Awaited<ReturnType<MockLanguageModelV4['doStream']>>;

/** One part of a model's stream (the provider-level part, not `streamText`'s). */
export type StreamPart = StreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;

/** The finish reasons a model reports. */
export type FinishReason = Extract<StreamPart, { type: 'finish' }>['finishReason']['unified'];

/** A model response that streams these parts, then ends. */
export function respond(...parts: StreamPart[]): StreamResult {
  return { stream: convertArrayToReadableStream<StreamPart>([{ type: 'stream-start', warnings: [] }, ...parts]) };
}

/** Text `chunks` as one text block. */
export function textParts(id: string, ...chunks: string[]): StreamPart[] {
  return [
    { type: 'text-start', id },
    ...chunks.map((delta): StreamPart => ({ type: 'text-delta', id, delta })),
    { type: 'text-end', id },
  ];
}

/** A tool call streamed as its input fragments, then the complete call. */
export function toolCallParts(id: string, toolName: string, ...fragments: string[]): StreamPart[] {
  return [
    { type: 'tool-input-start', id, toolName },
    ...fragments.map((delta): StreamPart => ({ type: 'tool-input-delta', id, delta })),
    { type: 'tool-input-end', id },
    { type: 'tool-call', toolCallId: id, toolName, input: fragments.join('') },
  ];
}

/** The `finish` part: why the model stopped and the tokens it reported. */
export function finish(
  reason: FinishReason,
  tokens: { input?: number; output?: number; cacheRead?: number; reasoning?: number } = { input: 10, output: 5 },
): StreamPart {
  return {
    type: 'finish',
    finishReason: { unified: reason, raw: reason },
    usage: {
      inputTokens: { total: tokens.input, noCache: undefined, cacheRead: tokens.cacheRead, cacheWrite: undefined },
      outputTokens: { total: tokens.output, text: undefined, reasoning: tokens.reasoning },
    },
  };
}
