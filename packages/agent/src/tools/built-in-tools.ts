import { createCalculatorTool } from './calculator-tool.ts';
import { type ClockToolOptions, createClockTool } from './clock-tool.ts';
import { createShowSurfaceTool } from './show-surface-tool.ts';
import type { Tool } from './tool.ts';

/** Options of {@link builtInTools}. */
export interface BuiltInToolsOptions {
  /** How long the clock tool takes, in ms; see {@link ClockToolOptions.delayMs}. Default 0. */
  readonly clockDelayMs?: number;
}

/** The tools every daemon offers: clock, calculator and show_surface. */
export function builtInTools(options: BuiltInToolsOptions = {}): Tool[] {
  return [createClockTool({ delayMs: options.clockDelayMs ?? 0 }), createCalculatorTool(), createShowSurfaceTool()];
}
