import { startDaemon } from '@once/testing';
import { startRoute } from './support/peers/backends.ts';
import { loadRun } from './support/peers/phases.ts';

const route = await startRoute('upstream', 0);
const daemon = await startDaemon({
  flags: ['--provider', 'ui-stream', '--upstream-url', `http://127.0.0.1:${route.port}/api/upstream`],
  nodeOptions: ['--cpu-prof', '--cpu-prof-dir=/tmp/wire-prof'],
});
const spec = { tokens: 100, delayMs: 20, timed: true };
const target = {
  port: daemon.port,
  path: '/v1/ai-sdk/chat',
  pids: () => [daemon.pid, route.child.pid ?? -1],
  redis: false,
};
await loadRun(target, spec, 100);
const result = await loadRun(target, spec, 100);
console.log(JSON.stringify(result));
await daemon.kill('SIGTERM');
await daemon[Symbol.asyncDispose]();
route.child.kill('SIGKILL');
