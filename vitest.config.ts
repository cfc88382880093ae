import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One project per package and app; each runs the tests beside its sources and in its test/ folder.
    projects: ['packages/*', 'apps/*'],
  },
});
