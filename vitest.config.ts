import { defineConfig } from 'vitest/config';

/**
 * The bot's tests (tests/) and each workspace package's own (packages/<name>/vitest.config.ts),
 * run together by `npm test`. The `source` export condition makes the simulator package resolve
 * to its TypeScript source, so tests never need it built first.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'bot', include: ['tests/**/*.test.ts'] },
      },
      'packages/*/vitest.config.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
