// The designer's build: React, Monaco bundled locally (never from a CDN),
// workers as ES modules. `npm start` serves the result from apps/web/dist.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    sourcemap: false,
  },
  server: { host: '127.0.0.1', proxy: { '/trpc': 'http://127.0.0.1:8080', '/signal': 'http://127.0.0.1:8080' } },
});
