import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One project per package and app; each runs the tests beside its sources and in its test/ folder.
    // The useChat example is one too: its browser tests build it and drive it in Chromium.
    // So is the torture suite's bounded run (torture/torture.test.ts), and the tests of the
    // benchmarks' helpers.
    projects: ['packages/*', 'apps/*', 'examples/use-chat', 'torture', 'bench'],
  },
});
