// The designer's build: React, Monaco bundled locally (never from a CDN),
// workers as ES modules. `npm start` serves the result from apps/web/dist.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// monaco-yaml's worker manager still imports monaco-editor/esm/vs/..., which
// monaco-editor 0.56+ no longer exports: point those imports at the files.
const monacoEsm = fileURLToPath(new URL('./node_modules/monaco-editor/esm/vs/', import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: { alias: [{ find: /^monaco-editor\/esm\/vs\//, replacement: monacoEsm }] },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    sourcemap: false,
  },
  server: { host: '127.0.0.1', proxy: { '/trpc': 'http://127.0.0.1:8080', '/signal': 'http://127.0.0.1:8080' } },
});
