export {
  type AttachmentBytes,
  type AttachmentKind,
  attachmentKind,
  loadAttachmentBytes,
  type ReadAttachment,
  toBase64,
  toText,
  unavailableNote,
} from './attachment-bytes.ts';
export { type CallModelOptions, DEFAULT_RETRY_POLICY, type RetryPolicy, type StepResult } from './call-model.ts';
export { createDemoProvider, type DemoProviderOptions } from './demo/demo-provider.ts';
export type { ModelPart, ModelProvider, ModelRequest, StopReason, ToolDefinition } from './model-provider.ts';
export { ProviderError, type ProviderErrorCode, type ProviderErrorOptions } from './provider-error.ts';
export { type AnthropicProviderOptions, createAnthropicProvider } from './providers/anthropic/anthropic-provider.ts';
export { createOpenAIProvider, type OpenAIProviderOptions } from './providers/openai/create-openai-provider.ts';
export { type RunToolCallsOptions, runToolCalls } from './run-tool-calls.ts';
export { type RunTurnOptions, runTurn, type TurnOutcome } from './run-turn.ts';
export { type BuiltInToolsOptions, builtInTools } from './tools/built-in-tools.ts';
export { createCalculatorTool } from './tools/calculator-tool.ts';
export { type ClockToolOptions, createClockTool } from './tools/clock-tool.ts';
export { defineTool, type ToolSpecification } from './tools/define-tool.ts';
export { createShowSurfaceTool } from './tools/show-surface-tool.ts';
export { type SurfaceHandle, type Tool, type ToolContext, ToolInputError } from './tools/tool.ts';
