import type { BlockSnapshot, MessageSnapshot } from '@once/protocol';
import type { UIMessageChunk } from 'ai';
import type { UIPartEvent } from '../ui-message/ui-part-events.ts';
import { answerChunk, openBlock, partId, resultsOf, type ShownBlock, updateBlock } from './block-chunks.ts';
import { endingChunkOf } from './ending-chunk.ts';
import { type PlacedChunk, placedPartChunks } from './placed-part-chunks.ts';

/**
 * Projects one Once assistant message, as it grows in a client's store, onto AI SDK UI
 * message chunks: each call returns only what is new since the previous one.
 *
 *   fresh ──next──► streaming ──next (an extension)──► streaming  (deltas, ends, new parts)
 *     │               │  └──next (message final)────► ended ──next──► ended ([])
 *     │               └──next (NOT an extension)────► diverged ──next──► diverged ([])
 *     │                                                  │
 *     └◄───────────────────────── rebuild ───────────────┘  (any state: start again)
 *
 * The first call returns `start { messageId }` and the message's content so far, so it
 * rebuilds the message from nothing. Later calls return text and reasoning deltas of the
 * new suffix, `*-end` when a block closes, `tool-input-start`/`-delta` (the new
 * `partialJson`)/`-available` (when the tool_use closes), the call's
 * `tool-output-available`/`-error`/`-denied` once its tool_result closes, `start-step`
 * and `data-<name>` where {@link toUIMessages} puts them, and at the message's end the
 * chunk of {@link endingChunkOf}. Surfaces have no part. Folding every chunk returned
 * through the AI SDK (`Chat`, `readUIMessageStream`) gives the message `toUIMessages`
 * gives for the last snapshot, except that a tool call whose input still streams shows
 * the AI SDK's repair of its partial JSON where `toUIMessages` shows only complete JSON.
 *
 * A message that is not an extension of what was returned (a text shorter or with another
 * prefix, a block of another type, a closed block open again, another message id, fewer
 * events) cannot be patched with more chunks: `next` then returns nothing and
 * {@link UIChunkProjector.diverged} turns true, until the caller starts the UI message over
 * and asks {@link UIChunkProjector.rebuild} for all of it.
 */
export interface UIChunkProjector {
  /** The Once message (and UI message) id this projector follows. */
  readonly messageId: string;
  /**
   * The chunks new in `message` since the previous call.
   * @param partEvents The conversation's app events (`step_start`, `data_<name>`) in log
   *   order, every message's, as far as the store has them, for step boundaries and data
   *   parts. Omitted: no data parts, and steps inferred from the blocks as
   *   `toUIMessages(messages)` does (Once's own tool loop). Pass the same kind each call.
   */
  next(message: MessageSnapshot, partEvents?: readonly UIPartEvent[]): UIMessageChunk[];
  /**
   * What {@link next} returns for `message` when the caller knows that since the previous
   * call only `text` was appended to its last block, a text or reasoning block this
   * projector showed open (no event of another kind, no part event): that text as one
   * delta chunk, found without comparing the whole message, so a long answer costs the
   * same per token as a short one. `undefined` when the projector's state does not fit
   * (call {@link next}); nothing changes then.
   */
  appended(message: MessageSnapshot, text: string): UIMessageChunk | undefined;
  /** Forgets what was returned and returns the whole message from `start`, as a fresh projector would. */
  rebuild(message: MessageSnapshot, partEvents?: readonly UIPartEvent[]): UIMessageChunk[];
  /** True once a message was not an extension of what was returned; `next` returns nothing until {@link rebuild}. */
  readonly diverged: boolean;
  /** True once the message's ending chunk was returned. */
  readonly ended: boolean;
}

interface ProjectionState {
  readonly started: boolean;
  readonly blocks: readonly ShownBlock[];
  readonly eventsSeen: number;
  readonly inferSteps: boolean | undefined;
  /** The next block opens a step when steps are inferred: the first one, and one after tool results. */
  readonly stepDue: boolean;
  readonly pending: readonly PlacedChunk[];
  readonly dataKeys: ReadonlySet<string>;
  /** The status the message ended with, once its ending chunk was returned. */
  readonly ended?: MessageSnapshot['status'];
}

const FRESH: ProjectionState = {
  started: false,
  blocks: [],
  eventsSeen: 0,
  inferSteps: undefined,
  stepDue: true,
  pending: [],
  dataKeys: new Set(),
};

/** A projector for the assistant message `messageId`; see {@link UIChunkProjector}. */
export function createUIChunkProjector(messageId: string): UIChunkProjector {
  let state = FRESH;
  let diverged = false;
  const next = (message: MessageSnapshot, partEvents?: readonly UIPartEvent[]) => {
    if (diverged) return [];
    const step = project(state, messageId, message, partEvents);
    if (step === undefined) {
      diverged = true;
      return [];
    }
    state = step.state;
    return step.chunks;
  };
  return {
    messageId,
    next,
    appended(message, text) {
      if (diverged || message.id !== messageId) return undefined;
      const step = appendedStep(state, message, text);
      if (step === undefined) return undefined;
      state = step.state;
      return step.chunk;
    },
    rebuild(message, partEvents) {
      state = FRESH;
      diverged = false;
      return next(message, partEvents);
    },
    get diverged() {
      return diverged;
    },
    get ended() {
      return state.ended !== undefined;
    },
  };
}

/** One step of the machine: the chunks and the state after them, or `undefined` when `message` diverged. */
function project(
  before: ProjectionState,
  messageId: string,
  message: MessageSnapshot,
  partEvents: readonly UIPartEvent[] | undefined,
): { chunks: UIMessageChunk[]; state: ProjectionState } | undefined {
  const inferSteps = partEvents === undefined;
  if (message.id !== messageId || (before.inferSteps !== undefined && before.inferSteps !== inferSteps)) return;
  if (message.blocks.length < before.blocks.length || (partEvents?.length ?? 0) < before.eventsSeen) return;
  if (before.ended !== undefined) return message.status === before.ended ? { chunks: [], state: before } : undefined;
  const chunks: UIMessageChunk[] = before.started ? [] : [{ type: 'start', messageId }];
  const blocks = [...before.blocks];
  const results = resultsOf(message.blocks);

  for (const [index, shown] of before.blocks.entries()) {
    const update = updateBlock(shown, message.blocks[index] as BlockSnapshot);
    if (update === undefined) return;
    chunks.push(...update.chunks);
    blocks[index] = update.shown;
  }

  const dataKeys = new Set(before.dataKeys);
  const arrived = placedPartChunks(messageId, partEvents?.slice(before.eventsSeen) ?? [], dataKeys);
  const waiting: PlacedChunk[] = [];
  for (const placed of [...before.pending, ...arrived]) {
    // A transient part is news only when it arrives live; a rebuild does not replay it.
    if (!before.started && isTransient(placed.chunk)) continue;
    if (placed.placeless) {
      // Where it goes does not matter, only that it comes after the part it updates.
      waiting.push({ ...placed, position: Math.max(placed.position, before.blocks.length) });
    } else if (placed.position < before.blocks.length) {
      return; // A part before blocks already shown: more chunks cannot put it there.
    } else {
      waiting.push(placed);
    }
  }

  let stepDue = before.stepDue;
  const takePlaced = (position: number) => {
    for (const placed of waiting) if (placed.position === position) chunks.push(placed.chunk);
  };
  for (const block of message.blocks.slice(before.blocks.length)) {
    takePlaced(block.index);
    if (inferSteps && block.type !== 'tool_result' && block.type !== 'surface') {
      if (stepDue) chunks.push({ type: 'start-step' });
      stepDue = false;
    }
    if (block.type === 'tool_result') stepDue = true;
    const opened = openBlock(block);
    chunks.push(...opened.chunks);
    blocks.push(opened.shown);
  }
  takePlaced(message.blocks.length);

  for (const [index, shown] of blocks.entries()) {
    const answer = answerChunk(shown, results);
    if (answer === undefined) continue;
    chunks.push(answer);
    blocks[index] = { ...shown, answered: true };
  }

  const ending = endingChunkOf(message);
  if (ending !== undefined) chunks.push(ending);
  return {
    chunks,
    state: {
      started: true,
      blocks,
      eventsSeen: partEvents?.length ?? 0,
      inferSteps,
      stepDue,
      // Parts placed past the last block wait for it; a message that ended has no more blocks.
      pending: ending === undefined ? waiting.filter((placed) => placed.position > message.blocks.length) : [],
      dataKeys,
      ...(ending === undefined ? {} : { ended: message.status }),
    },
  };
}

/**
 * {@link UIChunkProjector.appended}: the step when the last shown block is an open text or
 * reasoning block, still the message's last, that grew by exactly `text`.
 */
function appendedStep(
  before: ProjectionState,
  message: MessageSnapshot,
  text: string,
): { chunk: UIMessageChunk; state: ProjectionState } | undefined {
  const last = before.blocks.length - 1;
  const shown = before.blocks[last];
  const block = message.blocks[last];
  if (!before.started || before.ended !== undefined || before.pending.length > 0 || message.status !== 'streaming')
    return undefined;
  if (shown === undefined || block === undefined || message.blocks.length !== before.blocks.length) return undefined;
  if (shown.closed || block.status !== 'open' || (block.type !== 'text' && block.type !== 'thinking')) return undefined;
  // The same block grown by `text` alone: its length says so without reading its text.
  if (block.type !== shown.source.type || block.text.length !== shown.content.length + text.length) return undefined;
  const blocks = [...before.blocks];
  blocks[last] = { ...shown, source: block, content: block.text };
  const id = partId(block);
  const chunk: UIMessageChunk =
    block.type === 'text' ? { type: 'text-delta', id, delta: text } : { type: 'reasoning-delta', id, delta: text };
  return { chunk, state: { ...before, blocks } };
}

function isTransient(chunk: UIMessageChunk): boolean {
  return 'transient' in chunk && chunk.transient === true;
}
