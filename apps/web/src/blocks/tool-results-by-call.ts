import type { BlockSnapshot, ToolResultBlock } from '@once/protocol';

/** A message's tool results keyed by the toolUseId of the call they answer. */
export interface ToolResultsByCall {
  readonly results: ReadonlyMap<string, ToolResultBlock>;
  /** The toolUseIds of the message's tool_use blocks: their results render inside the call's card. */
  readonly calls: ReadonlySet<string>;
}

/** Pairs each tool_use block of a message with its tool_result block, so one card shows both. */
export function toolResultsByCall(blocks: readonly BlockSnapshot[]): ToolResultsByCall {
  const results = new Map<string, ToolResultBlock>();
  const calls = new Set<string>();
  for (const block of blocks) {
    if (block.type === 'tool_use') calls.add(block.toolUseId);
    if (block.type === 'tool_result') results.set(block.toolUseId, block);
  }
  return { results, calls };
}
