/**
 * The supported Node.js lines, said the same way everywhere: `engines` (the oldest supported LTS,
 * 22), `.nvmrc` (the one CI and the image run, 24), the Node types (the oldest supported line, so the
 * code uses nothing newer than it has), and CI's own install of that version.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
type Manifest = { engines?: { node?: string }; devDependencies?: Record<string, string> };
const manifests = ['package.json', 'packages/discord-simulator/package.json', 'packages/playground/package.json'].map((file) => ({
  file,
  json: JSON.parse(read(file)) as Manifest,
}));

describe('the Node.js versions', () => {
  it('supports 22 and later in every package that says, and types the code against 22', () => {
    for (const { file, json } of manifests) {
      if (json.engines?.node !== undefined) expect(json.engines.node, file).toBe('>=22');
      const types = json.devDependencies?.['@types/node'];
      if (types !== undefined) expect(types, file).toMatch(/^\^22\./);
    }
    expect(manifests[0]!.json.engines?.node).toBe('>=22');
  });

  it('runs CI on the .nvmrc version, installed from the npm registry when the machine’s node is older', () => {
    expect(read('.nvmrc')).toBe('24\n');
    const run = read('.ci/run');
    expect(run.indexOf('. .ci/node.sh')).toBeGreaterThan(-1);
    expect(run.indexOf('. .ci/node.sh')).toBeLessThan(run.indexOf('npm ci'));
    const node = read('.ci/node.sh');
    expect(node).toContain('"node@$want"');
    expect(node).toContain('export npm_config_nodedir=');
    expect(node).toContain('node --version');
  });
});
