import type { MessageWriter } from '@once/producer';
import { type ApprovalDecision, EVENT_TYPES, type JsonObject, type JsonValue, type TurnEvent } from '@once/protocol';
import type { SurfaceHandle, Tool } from './tools/tool.ts';

/** Options of {@link runToolCalls}. */
export interface RunToolCallsOptions {
  readonly writer: MessageWriter;
  readonly tools: readonly Tool[];
  readonly signal: AbortSignal;
  /** Indexes of the tool_use blocks to run, in order. */
  readonly blocks: readonly number[];
  /** Writes a turn-domain event (approval_request, approval_resolved, activity). */
  readonly emit: (event: Pick<TurnEvent, 'type' | 'data'>) => void;
  /** Writes an app-defined event for a tool (see `ToolContext.emit`); already checked. */
  readonly emitAppEvent: (type: string, data: JsonObject) => void;
  /** Waits for the user's decision on a call; absent means every such call is denied. */
  readonly awaitApproval?: (toolUseId: string) => Promise<ApprovalDecision>;
}

/**
 * Runs the tool calls of one model step, one after the other, each streaming its output
 * into its own tool_result block. A tool that needs approval waits for the user first.
 * Unknown tools, invalid input, a denial and a thrown error all become an error result
 * the model reads on its next call; only a cancel stops the turn.
 */
export async function runToolCalls(options: RunToolCallsOptions): Promise<void> {
  const { writer, signal } = options;
  for (const blockIndex of options.blocks) {
    const call = writer.snapshot().blocks[blockIndex];
    if (call?.type !== 'tool_use') continue;
    const tool = options.tools.find((candidate) => candidate.name === call.toolName);
    if (tool?.needsApproval) {
      options.emit({ type: 'activity', data: { phase: 'awaiting_approval', text: `Allow ${call.toolName}?` } });
      const waiting = options.awaitApproval?.(call.toolUseId) ?? Promise.resolve<ApprovalDecision>('deny');
      options.emit({
        type: 'approval_request',
        data: { toolUseId: call.toolUseId, toolName: call.toolName, input: call.input ?? null },
      });
      const decision = await waiting;
      signal.throwIfAborted();
      options.emit({ type: 'approval_resolved', data: { toolUseId: call.toolUseId, decision } });
      options.emit({ type: 'activity', data: { phase: 'tool_running' } });
      if (decision === 'deny') {
        const index = writer.openBlock({ blockType: 'tool_result', toolUseId: call.toolUseId });
        writer.closeBlock(index, { result: { error: 'The user did not allow this tool call.' }, isError: true });
        continue;
      }
    }
    const index = writer.openBlock({ blockType: 'tool_result', toolUseId: call.toolUseId });
    const surfaces: SurfaceHandle[] = [];
    let result: JsonValue;
    let isError = false;
    try {
      if (tool === undefined) throw new Error(`There is no tool named ${call.toolName}.`);
      result = await tool.run(call.input ?? {}, {
        signal,
        output: (text) => writer.appendDelta(index, { text }),
        openSurface: (surfaceType, surfaceId) => {
          const surfaceIndex = writer.openBlock({ blockType: 'surface', surfaceType, surfaceId });
          let closed = false;
          const handle: SurfaceHandle = {
            update: (patch) => writer.appendDelta(surfaceIndex, { patch }),
            close: (finalData) => {
              if (closed) return;
              closed = true;
              writer.closeBlock(surfaceIndex, finalData === undefined ? {} : { data: finalData });
            },
          };
          surfaces.push(handle);
          return handle;
        },
        emit: (type, data) => options.emitAppEvent(checkAppEventType(type), data),
      });
    } catch (caught) {
      signal.throwIfAborted();
      isError = true;
      result = { error: caught instanceof Error ? caught.message : String(caught) };
    }
    for (const surface of surfaces) surface.close();
    writer.closeBlock(index, { result, isError });
  }
}

const APP_EVENT_TYPE = /^[a-z][a-z0-9_]{0,63}$/;

/** An app event's type must be its own: snake_case, and not one the protocol defines. */
function checkAppEventType(type: string): string {
  if (!APP_EVENT_TYPE.test(type)) {
    throw new TypeError(
      `An app event type is snake_case, at most 64 characters; got ${JSON.stringify(type.slice(0, 80))}.`,
    );
  }
  if (EVENT_TYPES.has(type)) {
    throw new TypeError(`${type} is a protocol event type; give the app event a type of its own.`);
  }
  return type;
}
