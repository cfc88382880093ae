// What a config file imports: `import { defineConfig, defineTool } from '@once/daemon'`.

export {
  type BuiltInToolsOptions,
  builtInTools,
  createCalculatorTool,
  createClockTool,
  createDemoProvider,
  createShowSurfaceTool,
  defineTool,
  type ModelPart,
  type ModelProvider,
  type ModelRequest,
  runTurn,
  type Tool,
  type ToolContext,
  ToolInputError,
  type ToolSpecification,
} from '@once/agent';
export type { TurnContext, TurnRunner } from '@once/producer';
export {
  type AgentConfig,
  defineConfig,
  type OnceConfig,
  type RunTurnConfig,
} from './config-file/define-config.ts';
