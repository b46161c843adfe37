// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/', '**/node_modules/', 'coverage/', 'docs/', '.playground/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Type-aware rules: each file is checked with the tsconfig.json of its package.
      parserOptions: { projectService: { allowDefaultProject: ['scripts/*.mjs', 'bench/children/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A forgotten await, or a promise handed to something that ignores it, loses errors silently.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Command-line entry points, scripts, benchmarks, tests and the playground talk to a person.
    files: ['tests/**', 'bench/**', 'scripts/**', 'src/deploy.ts', 'src/main.ts', 'src/shards.ts', 'src/rest-proxy.ts', 'src/cli.ts', 'packages/playground/**', 'packages/*/tests/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The processes a benchmark measures are plain JavaScript run by node itself (so the baseline
    // loads nothing but discord.js, and the bot runs from its build): untyped, with Node's globals.
    files: ['bench/children/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', performance: 'readonly', URL: 'readonly', globalThis: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Test doubles and benchmark fakes implement async interfaces without awaiting anything.
    files: ['tests/**', 'bench/**', 'packages/*/tests/**'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      // `expect(fake.method).toHaveBeenCalled…()` reads a vi.fn() off its object, which is safe.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
