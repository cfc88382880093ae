import type { JsonObject, JsonValue } from '@once/protocol';
import type { ToolDefinition } from '../model-provider.ts';

/** A surface block a tool opened: structured UI it keeps updating while it runs. */
export interface SurfaceHandle {
  /** Applies a JSON merge patch (RFC 7396) to the surface's state. */
  update(patch: JsonObject): void;
  /** Closes the surface, optionally with its final state. */
  close(finalData?: JsonObject): void;
}

/** What a running tool gets besides its input. */
export interface ToolContext {
  /** Aborted when the turn is cancelled or the daemon stops; stop work when it fires. */
  readonly signal: AbortSignal;
  /** Streams a piece of output into the tool_result block as it is produced. */
  readonly output: (text: string) => void;
  /** Opens a surface block in the message (after this call's tool_result block). */
  readonly openSurface: (surfaceType: string, surfaceId: string) => SurfaceHandle;
  /**
   * Writes an app-defined event to the conversation: `{ type, data }` with a type of your
   * own (snake_case, not one of the protocol's), for clients that registered an app
   * domain for it (`defineAppDomain` in `@once/client`). It is durable and ordered with
   * the message's events like any other event, kept in the conversation snapshot's
   * `appEvents`, and shown by the web app as a plain card of its data.
   * @throws TypeError when the type is not snake_case or is one the protocol defines.
   */
  readonly emit: (type: string, data: JsonObject) => void;
}

/** A tool the assistant can call. Create one with `defineTool` to get input validation. */
export interface Tool extends ToolDefinition {
  /** When true, the user must allow each call (`approval_request` → a decision) before it runs. */
  readonly needsApproval?: boolean;
  /**
   * Runs the tool. Throwing makes the call's result an error the model sees; throw
   * {@link ToolInputError} when the input itself is wrong.
   */
  run(input: JsonValue, context: ToolContext): Promise<JsonValue>;
}

/** The model called a tool with input that does not fit its schema. */
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
}
