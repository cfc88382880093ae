import type { BlockSnapshot, ToolResultBlock } from '@once/protocol';
import type { UIMessageChunk } from 'ai';
import { closedInputOf, toolOutcomeOf } from '../ui-message/tool-outcome.ts';

/** What a projector returned of one block. */
export interface ShownBlock {
  /** The block as last seen; the same object again means nothing changed. */
  readonly source: BlockSnapshot;
  /** The text (text, thinking) or `partialJson` (tool_use) returned so far. */
  readonly content: string;
  readonly closed: boolean;
  /** A tool_use whose output, error or denial was returned. */
  readonly answered: boolean;
}

/** The chunks of one block and what they showed. */
export interface BlockChunks {
  readonly chunks: UIMessageChunk[];
  readonly shown: ShownBlock;
}

/** The chunks of a block seen for the first time: its opening and all of its content so far. */
export function openBlock(block: BlockSnapshot): BlockChunks {
  const empty: ShownBlock = { source: block, content: '', closed: false, answered: false };
  const opening = (): UIMessageChunk[] => {
    switch (block.type) {
      case 'text':
        return [{ type: 'text-start', id: partId(block) }];
      case 'thinking':
        return [{ type: 'reasoning-start', id: partId(block) }];
      case 'tool_use':
        return [{ type: 'tool-input-start', toolCallId: block.toolUseId, toolName: block.toolName }];
      default:
        return [];
    }
  };
  const rest = updateBlock(empty, block) as BlockChunks;
  return { chunks: [...opening(), ...rest.chunks], shown: rest.shown };
}

/**
 * The chunks that take a block from what was shown to `block`, or `undefined` when
 * `block` is not an extension of it (another type or call, a closed block open again,
 * text or JSON that does not start with what was shown).
 */
export function updateBlock(shown: ShownBlock, block: BlockSnapshot): BlockChunks | undefined {
  if (block === shown.source && shown.content !== '') return { chunks: [], shown };
  if (!sameBlock(shown.source, block) || (shown.closed && block.status === 'open')) return undefined;
  const closed = block.status === 'closed';
  const closing = closed && !shown.closed;
  const next = (content: string): ShownBlock => ({ source: block, content, closed, answered: shown.answered });
  switch (block.type) {
    case 'text':
    case 'thinking': {
      if (!block.text.startsWith(shown.content) || (shown.closed && block.text !== shown.content)) return undefined;
      const kind = block.type === 'text' ? 'text' : 'reasoning';
      const id = partId(block);
      const delta = block.text.slice(shown.content.length);
      const chunks: UIMessageChunk[] = [];
      if (delta !== '') chunks.push({ type: `${kind}-delta`, id, delta });
      if (closing) chunks.push({ type: `${kind}-end`, id });
      return { chunks, shown: next(block.text) };
    }
    case 'tool_use': {
      if (shown.closed) return { chunks: [], shown: next(shown.content) };
      if (!block.partialJson.startsWith(shown.content)) return undefined;
      const delta = block.partialJson.slice(shown.content.length);
      const chunks: UIMessageChunk[] = [];
      // Once the call closes, its whole input comes with tool-input-available.
      if (!closing && delta !== '')
        chunks.push({ type: 'tool-input-delta', toolCallId: block.toolUseId, inputTextDelta: delta });
      if (closing) {
        chunks.push({
          type: 'tool-input-available',
          toolCallId: block.toolUseId,
          toolName: block.toolName,
          input: closedInputOf(block),
        });
      }
      return { chunks, shown: next(block.partialJson) };
    }
    default:
      return { chunks: [], shown: next('') };
  }
}

/**
 * The chunk that answers a shown tool call, once its input closed and its tool_result
 * (the last one for the call in `results`) closed; `undefined` otherwise or when answered.
 */
export function answerChunk(
  shown: ShownBlock,
  results: ReadonlyMap<string, ToolResultBlock>,
): UIMessageChunk | undefined {
  const call = shown.source;
  if (call.type !== 'tool_use' || !shown.closed || shown.answered) return undefined;
  const result = results.get(call.toolUseId);
  if (result === undefined || result.status === 'open') return undefined;
  const outcome = toolOutcomeOf(result);
  const toolCallId = call.toolUseId;
  if (outcome.kind === 'output') return { type: 'tool-output-available', toolCallId, output: outcome.output };
  if (outcome.kind === 'denied') return { type: 'tool-output-denied', toolCallId };
  return { type: 'tool-output-error', toolCallId, errorText: outcome.errorText };
}

/** Each call's tool_result, the last one when a call has several (as `toUIMessages` reads it). */
export function resultsOf(blocks: readonly BlockSnapshot[]): Map<string, ToolResultBlock> {
  const results = new Map<string, ToolResultBlock>();
  for (const block of blocks) if (block.type === 'tool_result') results.set(block.toolUseId, block);
  return results;
}

function sameBlock(shown: BlockSnapshot, block: BlockSnapshot): boolean {
  if (shown.type !== block.type) return false;
  if (shown.type === 'tool_use' && block.type === 'tool_use') {
    return shown.toolUseId === block.toolUseId && shown.toolName === block.toolName;
  }
  if (shown.type === 'tool_result' && block.type === 'tool_result') return shown.toolUseId === block.toolUseId;
  return true;
}

/** A text or reasoning part's id: unique in its message, and the same in every stream of it. */
export function partId(block: BlockSnapshot): string {
  return `${block.type === 'text' ? 'text' : 'reasoning'}-${block.index}`;
}
