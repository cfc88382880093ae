#!/usr/bin/env node
// The `once` command. Plain JavaScript on purpose: it must run on any Node to say, in one
// sentence, that the daemon's sources need Node 24 (which runs TypeScript directly).
import { requiredNodeMessage } from '../src/required-node.js';

const problem = requiredNodeMessage(process.versions.node);
if (problem !== undefined) {
  console.error(problem);
  process.exit(1);
}
await import('../src/main.ts');
