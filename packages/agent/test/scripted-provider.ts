import type { ModelPart, ModelProvider, ModelRequest } from '../src/model-provider.ts';

/** One scripted model call: the parts it streams, or an error it throws after them. */
export interface ScriptedCall {
  readonly parts: readonly ModelPart[];
  readonly thenThrow?: Error;
  /** Waits before each part until this resolves (to hold a call mid-stream). */
  readonly gate?: () => Promise<void>;
}

/** A provider that plays calls in order and records every request it got. */
export interface ScriptedProvider extends ModelProvider {
  readonly requests: ModelRequest[];
}

export function scriptedProvider(calls: readonly ScriptedCall[]): ScriptedProvider {
  const requests: ModelRequest[] = [];
  return {
    name: 'scripted',
    requests,
    async *stream(request) {
      const call = calls[requests.length];
      requests.push(request);
      if (call === undefined) throw new Error(`The script has no call ${requests.length}.`);
      for (const part of call.parts) {
        await call.gate?.();
        request.signal.throwIfAborted();
        yield part;
      }
      if (call.thenThrow !== undefined) throw call.thenThrow;
    },
  };
}

export const finish = (stopReason: 'end_turn' | 'tool_use' = 'end_turn'): ModelPart => ({
  type: 'finish',
  stopReason,
  usage: { inputTokens: 5, outputTokens: 7 },
});

/** The parts of one tool call with its input split in two fragments. */
export function toolCall(toolUseId: string, toolName: string, input: object): ModelPart[] {
  const json = JSON.stringify(input);
  return [
    { type: 'tool_call_start', toolUseId, toolName },
    { type: 'tool_call_delta', toolUseId, partialJson: json.slice(0, 4) },
    { type: 'tool_call_delta', toolUseId, partialJson: json.slice(4) },
    { type: 'tool_call_end', toolUseId, input: input as never },
  ];
}
