import { defineProject } from 'vitest/config';

// The benchmarks' own helpers that have tests (the SVG chart writer); the benchmarks
// themselves run with `npm run bench`, never under `npm test`.
export default defineProject({ test: { name: 'bench', include: ['**/*.test.ts'] } });
