import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    // Every test here talks to a real PostgreSQL server that the other test files (and
    // packages) load at the same time; the conformance suite's property test makes a few
    // hundred commits. The default 5 s is sized for in-process tests.
    testTimeout: 20_000,
  },
});
