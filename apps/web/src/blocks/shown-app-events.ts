import type { AppEventRecord, JsonValue } from '@once/protocol';

/** An app event as a card shows it. */
export interface ShownAppEvent {
  /** Stable across renders and reloads: the offset of the (first) event it shows. */
  readonly key: number;
  /** The event's type, e.g. `build_progress`. */
  readonly type: string;
  /** What the card is titled: a data part's name, otherwise the type. */
  readonly title: string;
  /** What the card shows: a data part's value, otherwise the event's data. */
  readonly data: JsonValue;
}

/** Where a message's app events go. */
export interface MessageAppEvents {
  /** Shown just before the block with that index. */
  readonly beforeBlock: ReadonlyMap<number, readonly ShownAppEvent[]>;
  /** Shown after the blocks: placed past the last block, or in the message without a place. */
  readonly afterBlocks: readonly ShownAppEvent[];
  /** Shown after the message, outside it: events that named no message and came after it opened. */
  readonly afterMessage: readonly ShownAppEvent[];
}

const NONE: MessageAppEvents = { beforeBlock: new Map(), afterBlocks: [], afterMessage: [] };

/**
 * Sorts a conversation's app events into one message's places (decision 010): a data part
 * (`data_*`) sent again with the same name and id shows its last value at the first one's
 * place; `step_start` is structural and a transient data part is no part of the message,
 * so neither is shown.
 */
export function appEventsOfMessage(
  appEvents: readonly AppEventRecord[],
  messageId: string | undefined,
  blockCount: number,
): MessageAppEvents {
  if (messageId === undefined || appEvents.length === 0) return NONE;
  const beforeBlock = new Map<number, ShownAppEvent[]>();
  const afterBlocks: ShownAppEvent[] = [];
  const afterMessage: ShownAppEvent[] = [];
  const byPart = new Map<string, { list: ShownAppEvent[]; index: number }>();
  for (const record of appEvents) {
    const inMessage = record.messageId === messageId;
    if (!inMessage && record.afterMessageId !== messageId) continue;
    const shown = toShown(record);
    if (shown === undefined) continue;
    const partKey = dataPartKey(record);
    const first = partKey === undefined ? undefined : byPart.get(partKey);
    if (first !== undefined) {
      // The last value at the first one's place, under the first one's key.
      const earlier = first.list[first.index] as ShownAppEvent;
      first.list[first.index] = { ...shown, key: earlier.key };
      continue;
    }
    const list = !inMessage
      ? afterMessage
      : record.beforeBlock !== undefined && record.beforeBlock < blockCount
        ? listAt(beforeBlock, record.beforeBlock)
        : afterBlocks;
    if (partKey !== undefined) byPart.set(partKey, { list, index: list.length });
    list.push(shown);
  }
  return { beforeBlock, afterBlocks, afterMessage };
}

function listAt(map: Map<number, ShownAppEvent[]>, index: number): ShownAppEvent[] {
  const existing = map.get(index);
  if (existing !== undefined) return existing;
  const list: ShownAppEvent[] = [];
  map.set(index, list);
  return list;
}

function fieldsOf(data: JsonValue): Readonly<Record<string, JsonValue>> | undefined {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? data : undefined;
}

function isDataPart(record: AppEventRecord): boolean {
  return record.type.startsWith('data_') && typeof fieldsOf(record.data)?.name === 'string';
}

function toShown(record: AppEventRecord): ShownAppEvent | undefined {
  if (record.type === 'step_start') return undefined;
  const fields = fieldsOf(record.data);
  if (!isDataPart(record) || fields === undefined) {
    return { key: record.offset, type: record.type, title: record.type, data: record.data };
  }
  if (fields.transient === true) return undefined;
  return { key: record.offset, type: record.type, title: String(fields.name), data: fields.data ?? null };
}

/** A data part's identity when it has an id: later values replace the first one's. */
function dataPartKey(record: AppEventRecord): string | undefined {
  const fields = fieldsOf(record.data);
  if (!isDataPart(record) || typeof fields?.id !== 'string') return undefined;
  return `${record.messageId ?? ''}\u0000${String(fields.name)}\u0000${fields.id}`;
}
