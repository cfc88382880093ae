import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The daemon serves dist/ at / (see apps/daemon/src/serve-web-app.ts); in `vite dev`,
// API calls go to a daemon on its default port.
export default defineConfig({
  plugins: [react()],
  // One bundle of about 900 kB (React, the markdown renderer, zod for the protocol) is fine for a local daemon.
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: { proxy: { '/v1': 'http://127.0.0.1:7420' } },
});
