import type { BlockCloseData, BlockDeltaData, BlockOpenData, BlockSnapshot } from '@once/protocol';
import { applyMergePatch } from './merge-patch.ts';

/** A new, open block of the type `block_open` names. */
export function openBlock(index: number, data: BlockOpenData): BlockSnapshot {
  switch (data.blockType) {
    case 'text':
    case 'thinking':
      return { index, type: data.blockType, status: 'open', text: '' };
    case 'tool_use':
      return {
        index,
        type: 'tool_use',
        status: 'open',
        toolName: data.toolName,
        toolUseId: data.toolUseId,
        partialJson: '',
      };
    case 'tool_result':
      return { index, type: 'tool_result', status: 'open', toolUseId: data.toolUseId, text: '' };
    case 'surface':
      return {
        index,
        type: 'surface',
        status: 'open',
        surfaceId: data.surfaceId,
        surfaceType: data.surfaceType,
        data: {},
      };
    default: {
      const unreachable: never = data;
      return unreachable;
    }
  }
}

/**
 * Appends a delta to a block. A delta of the wrong kind for the block (text for a
 * surface, say) is a producer bug; it is skipped the same way by every reader, so all
 * of them still agree.
 */
export function applyBlockDelta(block: BlockSnapshot, delta: BlockDeltaData): BlockSnapshot {
  if ('text' in delta) {
    if (block.type === 'text' || block.type === 'thinking' || block.type === 'tool_result') {
      return { ...block, text: block.text + delta.text };
    }
    return block;
  }
  if ('partialJson' in delta) {
    return block.type === 'tool_use' ? { ...block, partialJson: block.partialJson + delta.partialJson } : block;
  }
  return block.type === 'surface' ? { ...block, data: applyMergePatch(block.data, delta.patch) } : block;
}

/** Closes a block, taking the final fields its type has. */
export function applyBlockClose(block: BlockSnapshot, data: BlockCloseData): BlockSnapshot {
  switch (block.type) {
    case 'tool_use':
      return { ...block, status: 'closed', ...(data.input === undefined ? {} : { input: data.input }) };
    case 'tool_result':
      return {
        ...block,
        status: 'closed',
        ...(data.result === undefined ? {} : { result: data.result }),
        ...(data.isError === undefined ? {} : { isError: data.isError }),
      };
    case 'surface':
      return { ...block, status: 'closed', ...(data.data === undefined ? {} : { data: data.data }) };
    default:
      return { ...block, status: 'closed' };
  }
}
