import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The daemon serves dist/ at / (see apps/daemon/src/serve-web-app.ts); in `vite dev`,
// API calls go to a daemon on its default port. Tailwind is there for streamdown, whose
// markdown and code blocks are styled with Tailwind classes (see src/styles.css).
export default defineConfig({
  plugins: [react(), tailwindcss()],
  // The main bundle (React, the markdown renderer, zod for the protocol) is about 1 MB; Shiki's
  // languages and themes load as separate chunks when a code block needs them.
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/v1': 'http://127.0.0.1:7420' } },
});
