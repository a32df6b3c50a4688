import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: '/desk/',
  plugins: [react()],
  // `npm run dev -w desk`: the API runs on its own (npm run start:dev or node dist/main.js on :3000).
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    environment: 'jsdom',
    setupFiles: ['./test/setup.ts'],
    include: ['src/**/*.test.tsx'],
    // Not a performance bound: only a stop for a hung test on a busy shared machine.
    testTimeout: 60_000,
  },
});
