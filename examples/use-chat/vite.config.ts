import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` serves the page on its own origin (http://localhost:5173), which is why the
// daemon needs `--cors-origins http://localhost:5173`.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { port: 5173, strictPort: true },
});
