// Vitest runs the Node side of the suite: core, storage on fake-indexeddb, API through comlink, CLI.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/{unit,conformance,properties,golden}/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
