// Vitest runs every unit and integration test of the workspace from here;
// the web app has its own Vite build config in apps/web.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['dot'] : ['default'],
  },
});
