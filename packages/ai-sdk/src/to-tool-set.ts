import type { ToolDefinition } from '@once/agent';
import { type JSONSchema7, jsonSchema, type ToolSet, tool } from 'ai';

/**
 * Once's tools as an AI SDK tool set: each a description and a JSON Schema, with no
 * `execute`, so the AI SDK only reports the calls and Once's own loop runs them (with
 * its approvals, cancel and handoff). The schema has no validator either: the input
 * reaches the tool as the model sent it, and Once's tool checks it.
 */
export function toToolSet(tools: readonly ToolDefinition[]): ToolSet {
  return Object.fromEntries(
    tools.map((definition) => [
      definition.name,
      tool({ description: definition.description, inputSchema: jsonSchema(definition.inputSchema as JSONSchema7) }),
    ]),
  );
}
