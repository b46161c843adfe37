import { configDefaults, defineConfig } from 'vitest/config';

/** The end-to-end test that measures throughput against Discord's global rate limit. */
const SCALE = 'tests/e2e/scale.test.ts';

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
        test: { name: 'bot', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, SCALE] },
      },
      // Three bot processes posting at Discord's global limit: run alone, after everything else, so
      // the browser tests' load cannot stall the processes into a burst the limit refuses.
      {
        extends: true,
        test: { name: 'bot-scale', include: [SCALE], sequence: { groupOrder: 1 } },
      },
      'packages/*/vitest.config.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
