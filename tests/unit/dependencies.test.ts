/**
 * The production install (`npm ci --omit=dev`) carries exactly what the bot loads: every package that
 * src/ and commands/ import is a production dependency, and every production dependency is imported.
 * Tools that only tests, benchmarks or the playground use stay out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** The package a bare specifier names: `discord-api-types/v10` → `discord-api-types`, `@a/b/c` → `@a/b`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Static imports, side-effect imports, dynamic imports and `require.resolve` of package files. */
function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/\bfrom\s+'([^']+)'/g),
    ...text.matchAll(/^import\s+'([^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  // Font files resolved at run time (src/polls/chart.ts lists them as package paths).
  for (const m of text.matchAll(/'(@[a-z0-9-]+\/[a-z0-9-]+)\/[^']+\.(?:ttf|otf|woff2?)'/g)) specifiers.push(m[1]!);
  const builtins = new Set(builtinModules);
  return specifiers.filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtins.has(s)).map(packageOf);
}

describe('the production dependency list', () => {
  const loaded = new Set([...sourceFiles('src'), ...sourceFiles('commands')].flatMap(importedPackages));

  it('holds every package the bot loads, and nothing it does not', () => {
    expect([...loaded].sort()).toEqual(Object.keys(manifest.dependencies).sort());
  });

  it('keeps development tools out', () => {
    for (const tool of ['tsx', 'esbuild', 'vitest', 'playwright-core', '@skyra/discord-components-core', 'ws', 'ajv', 'typescript']) {
      expect(manifest.dependencies, tool).not.toHaveProperty(tool);
    }
  });
});
