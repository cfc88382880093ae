import type { UIMessageChunk } from 'ai';
import { isDataPartEvent, isStepStartEvent, type UIPartEvent } from '../ui-message/ui-part-events.ts';

/** A chunk for a part that has no block (a step start, a data part), and the block it comes before. */
export interface PlacedChunk {
  /** The number of blocks the message had when the part arrived: it goes before block `position`. */
  readonly position: number;
  readonly chunk: UIMessageChunk;
  /**
   * True when the chunk updates a part already shown (a data part sent again under its id)
   * or is never stored (a transient data part): where it goes does not matter.
   */
  readonly placeless: boolean;
}

/**
 * The chunks of message `messageId`'s app events among `events`, in event order: a
 * `step_start` as `start-step`, a `data_<name>` as `data-<name>`. `shownDataKeys` holds
 * the data parts (type and id) already shown and is updated, so the AI SDK's own rule
 * applies: a data part with the type and id of an earlier one replaces its data in place.
 */
export function placedPartChunks(
  messageId: string,
  events: readonly UIPartEvent[],
  shownDataKeys: Set<string>,
): PlacedChunk[] {
  const placed: PlacedChunk[] = [];
  for (const event of events) {
    if (isStepStartEvent(event)) {
      if (event.data.messageId !== messageId) continue;
      placed.push({ position: event.data.beforeBlock, chunk: { type: 'start-step' }, placeless: false });
    } else if (isDataPartEvent(event)) {
      const { data } = event;
      if (data.messageId !== messageId) continue;
      const type = `data-${data.name}` as const;
      const chunk = {
        type,
        ...(data.id === undefined ? {} : { id: data.id }),
        data: data.data,
        ...(data.transient === true ? { transient: true } : {}),
      } as UIMessageChunk;
      const key = data.id === undefined ? undefined : JSON.stringify([type, data.id]);
      const shown = key !== undefined && shownDataKeys.has(key);
      if (key !== undefined && data.transient !== true) shownDataKeys.add(key);
      placed.push({ position: data.beforeBlock, chunk, placeless: shown || data.transient === true });
    }
  }
  return placed;
}
