import type { JsonObject, JsonValue } from '@once/protocol';

/**
 * The parts of an AI SDK `UIMessage` that have no Once block are written as app-defined
 * conversation events beside the message's blocks:
 *
 * - a step boundary (`start-step` chunk, `step-start` part) as `step_start`
 *   `{ messageId, beforeBlock }`;
 * - a data part (`data-<name>` chunk) as `data_<name in snake_case>`
 *   `{ messageId, beforeBlock, name, id?, data, transient? }`, e.g. `data-weatherCard` →
 *   `data_weather_card`. The `data_` prefix keeps a name such as `usage` clear of the
 *   protocol's own types, and `name` keeps the part's exact name, which snake case loses.
 *
 * `beforeBlock` places the part among the blocks: the number of blocks the message had
 * when the chunk arrived. Every data chunk is its own event (the log only appends), so a
 * data part the upstream sent again under the same name and id appears as several
 * events; a reader keeps the last one's `data` at the first one's place, as the AI SDK
 * does live. A transient data part is written too, for live readers, but is no part of
 * the message.
 */
export const STEP_START_EVENT = 'step_start';

/** The data of a `step_start` event. */
export interface StepStartEventData extends JsonObject {
  readonly messageId: string;
  readonly beforeBlock: number;
}

/** The data of a `data_<name>` event. */
export interface DataPartEventData extends JsonObject {
  readonly messageId: string;
  readonly beforeBlock: number;
  /** The part's name: `weatherCard` for a `data-weatherCard` part. */
  readonly name: string;
  readonly id?: string;
  readonly data: JsonValue;
  readonly transient?: boolean;
}

/** An app-defined event as a reader holds it: its type and data. */
export interface UIPartEvent {
  readonly type: string;
  readonly data: unknown;
}

const LONGEST_TYPE = 64;

/**
 * The event type of a data part named `name`: `data_` and the name in snake_case, every
 * run of other characters one `_`, at most 64 characters (the app-event limit).
 */
export function dataEventType(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `data_${snake}`.slice(0, LONGEST_TYPE).replace(/_+$/, '');
}

/** True for a `step_start` event of message `messageId`. */
export function isStepStartEvent(event: UIPartEvent): event is { type: string; data: StepStartEventData } {
  return event.type === STEP_START_EVENT && hasPosition(event.data);
}

/** True for a data-part event (`data_<name>`), whatever its message. */
export function isDataPartEvent(event: UIPartEvent): event is { type: string; data: DataPartEventData } {
  if (!event.type.startsWith('data_') || !hasPosition(event.data)) return false;
  const data = event.data as Record<string, unknown>;
  return typeof data.name === 'string' && 'data' in data;
}

function hasPosition(data: unknown): data is { messageId: string; beforeBlock: number } {
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  return typeof record.messageId === 'string' && Number.isInteger(record.beforeBlock);
}
