// The demo model with a tool that writes an app event: `deploy` emits `deploy_progress`
// with its input's service and 40 percent, then returns; with `"hold": true` it then waits
// until the turn is cancelled (or the daemon killed), so a test sees the event while the
// answer still streams. The demo model calls it for a prompt like `Please deploy {...}`.
import { setTimeout as sleep } from 'node:timers/promises';
import { defineConfig, defineTool } from '@once/daemon';
import { z } from 'zod';

export default defineConfig({
  tools: [
    defineTool({
      name: 'deploy',
      description: 'Deploys a service and reports its progress.',
      input: z.object({ service: z.string(), hold: z.boolean().optional() }),
      run: async ({ service, hold }, { emit, signal }) => {
        emit('deploy_progress', { service, percent: 40, steps: ['build', 'ship'] });
        if (hold === true) await sleep(600_000, undefined, { signal });
        return `Deployed ${service}.`;
      },
    }),
  ],
});
