#!/usr/bin/env node
// The `once` command. Plain JavaScript on purpose: it must run on any Node to say, in one
// sentence, that the daemon's sources need Node 24 (which runs TypeScript directly).
import module from 'node:module';
import { requiredNodeMessage } from '../src/required-node.js';

const problem = requiredNodeMessage(process.versions.node);
if (problem !== undefined) {
  console.error(problem);
  process.exit(1);
}
// Caches the compiled code of every module the daemon loads (in the system's temporary
// directory, or where NODE_COMPILE_CACHE says), so a start after the first skips most of
// their compilation. Absent before Node 22.1, which the check above has turned away.
module.enableCompileCache?.();
await import('../src/main.ts');
