import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One project per package and app; each runs the tests beside its sources and in its test/ folder.
    // The useChat example is one too: its browser tests build it and drive it in Chromium.
    projects: ['packages/*', 'apps/*', 'examples/use-chat'],
  },
});
