export { createDemoProvider, type DemoProviderOptions } from './demo/demo-provider.ts';
export type { ModelPart, ModelProvider, ModelRequest, StopReason, ToolDefinition } from './model-provider.ts';
export { ProviderError, type ProviderErrorCode, type ProviderErrorOptions } from './provider-error.ts';
export { type RunTurnOptions, runTurn, type TurnOutcome } from './run-turn.ts';
export { createClockTool } from './tools/clock-tool.ts';
export type { Tool, ToolContext } from './tools/tool.ts';
