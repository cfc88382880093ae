import { createCalculatorTool } from './calculator-tool.ts';
import { createClockTool } from './clock-tool.ts';
import { createShowSurfaceTool } from './show-surface-tool.ts';
import type { Tool } from './tool.ts';

/** The tools every daemon offers: clock, calculator and show_surface. */
export function builtInTools(): Tool[] {
  return [createClockTool(), createCalculatorTool(), createShowSurfaceTool()];
}
