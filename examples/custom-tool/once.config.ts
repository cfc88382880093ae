// once serve --config examples/custom-tool/once.config.ts
import { defineConfig } from '@once/daemon';
import { readFileTool } from './read-file-tool.ts';

export default defineConfig({
  // Offered beside the built-in clock, calculator and show_surface.
  tools: [readFileTool],
  system: 'You are the assistant of this workspace. Read a file only when the user asks about it.',
});
