// A config with one tool that writes an app event, on the demo model: "Please deploy
// {"service": "api"}" emits `deploy_progress` { service, percent: 40 } and returns.
import { defineConfig, defineTool } from '@once/daemon';
import { z } from 'zod';

export default defineConfig({
  tools: [
    defineTool({
      name: 'deploy',
      description: 'Deploys a service and reports its progress.',
      input: z.object({ service: z.string() }),
      run: async ({ service }, { emit }) => {
        emit('deploy_progress', { service, percent: 40 });
        return `Deployed ${service}.`;
      },
    }),
  ],
});
