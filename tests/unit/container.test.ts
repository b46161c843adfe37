/**
 * The production container, checked without Docker (CI has none): the Dockerfile, .dockerignore,
 * compose.yaml and the Docker section of docs/operations.md are read as text and held to what the bot needs.
 * `npm run docker:check` builds and starts the image where a Docker daemon exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { STORE_URL_DEFAULT } from '../../src/config.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

// ---- the Dockerfile -----------------------------------------------------------------------------

interface Instruction {
  readonly op: string;
  readonly args: string;
}

interface Stage {
  readonly name: string | undefined;
  readonly from: string;
  readonly instructions: Instruction[];
}

/** The Dockerfile's stages: continuation lines joined, comments and blank lines dropped. */
export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${current}${line}`.trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\w+)\s+([\s\S]*)$/.exec(line);
    if (!match) throw new Error(`Unreadable Dockerfile line: ${line}`);
    const op = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (op === 'FROM') {
      const [image = '', as, name] = args.split(/\s+/);
      stages.push({ from: image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${op} before the first FROM`);
      stage.instructions.push({ op, args });
    }
  }
  return stages;
}

/** A JSON-array instruction (exec form) as its words; a shell-form one split on spaces. */
function words(args: string): string[] {
  return args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
}

/** A COPY's flags, sources and destination. */
function copyOf(args: string): { from: string | undefined; sources: string[]; dest: string } {
  const parts = args.split(/\s+/);
  const flags = parts.filter((p) => p.startsWith('--'));
  const paths = parts.filter((p) => !p.startsWith('--'));
  return { from: flags.find((f) => f.startsWith('--from='))?.slice('--from='.length), sources: paths.slice(0, -1), dest: paths.at(-1) ?? '' };
}

/** Where a path lands given the stage's WORKDIR at that point. */
function resolveIn(workdir: string, path: string): string {
  return posix.normalize(path.startsWith('/') ? path : posix.join(workdir, path)).replace(/\/$/, '');
}

/** What each COPY of a stage puts where: [destination in the image, source stage or undefined for the build context, source path]. */
function copies(stage: Stage): Array<{ dest: string; from: string | undefined; source: string }> {
  let workdir = '/';
  const out: Array<{ dest: string; from: string | undefined; source: string }> = [];
  for (const { op, args } of stage.instructions) {
    if (op === 'WORKDIR') workdir = resolveIn(workdir, args);
    if (op !== 'COPY') continue;
    const { from, sources, dest } = copyOf(args);
    for (const source of sources) {
      const target = dest.endsWith('/') || sources.length > 1 ? posix.join(resolveIn(workdir, dest), posix.basename(source)) : resolveIn(workdir, dest);
      out.push({ dest: target, from, source });
    }
  }
  return out;
}

function workdirOf(stage: Stage): string {
  return stage.instructions.filter((i) => i.op === 'WORKDIR').reduce((dir, i) => resolveIn(dir, i.args), '/');
}

/** .dockerignore patterns (simple globs: `*`, `**`), with `!` exceptions. */
function ignored(path: string, patterns: string[]): boolean {
  let result = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = negate ? raw.slice(1) : raw;
    const source = pattern
      .split(/(\*\*\/|\*\*|\*)/)
      .map((part) => (part === '**/' ? '(.*/)?' : part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    const regex = new RegExp(`^${source}(/.*)?$`);
    if (regex.test(path)) result = !negate;
  }
  return result;
}

const stages = parseDockerfile(read('Dockerfile'));
const final = stages.at(-1)!;
const stageNamed = (name: string | undefined) => stages.find((s) => s.name === name);
const runs = (stage: Stage) => stage.instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
const dockerignore = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** The TypeScript source a `dist/<dir>/<name>.js` is compiled from. */
const sourceOf = (distFile: string) => distFile.replace(/^dist\//, '').replace(/\.js$/, '.ts');

describe('the Dockerfile', () => {
  it('is multi-stage, on Node 24 (.nvmrc), and the final stage runs as the unprivileged node user in production mode', () => {
    const major = read('.nvmrc').trim();
    expect(major).toBe('24');
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toBe(`node:${major}-bookworm-slim`);
    expect(final.from).toBe(`node:${major}-bookworm-slim`);
    const user = final.instructions.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(user).toBe('node');
    // Nothing after USER switches back, and the process runs in production mode.
    expect(final.instructions.filter((i) => i.op === 'ENV').some((i) => /^NODE_ENV[= ]production$/.test(i.args))).toBe(true);
  });

  it('checks health on /healthz at METRICS_PORT, with node itself (no curl in slim images), and sets that port', () => {
    const health = final.instructions.find((i) => i.op === 'HEALTHCHECK');
    expect(health).toBeDefined();
    const cmd = words(health!.args.slice(health!.args.indexOf('CMD') + 3).trim());
    expect(cmd[0]).toBe('node');
    expect(cmd.join(' ')).toContain('/healthz');
    expect(cmd.join(' ')).toContain('process.env.METRICS_PORT');
    expect(cmd.join(' ')).not.toMatch(/curl|wget/);
    expect(final.instructions.some((i) => i.op === 'ENV' && /^METRICS_PORT[= ]\d+$/.test(i.args))).toBe(true);
  });

  it('documents a docker run that keeps /healthz on with a .env copied from .env.example (whose METRICS_PORT= is empty)', () => {
    expect(read('.env.example')).toMatch(/^METRICS_PORT=$/m);
    const run = read('Dockerfile')
      .split('\n')
      .find((l) => /^#\s+docker run /.test(l));
    expect(run).toBeDefined();
    // docker run: `-e` wins over `--env-file`, whatever their order.
    expect(run).toMatch(/--env-file \.env\b/);
    expect(run).toMatch(/ -e METRICS_PORT=\d+ /);
  });

  it('gives the runtime only production dependencies, installed with npm ci --omit=dev and without the workspaces', () => {
    const modules = copies(final).filter((c) => c.dest === `${workdirOf(final)}/node_modules`);
    expect(modules).toHaveLength(1);
    const installer = modules[0]!.from === undefined ? undefined : stageNamed(modules[0]!.from);
    expect(installer).toBeDefined();
    const install = runs(installer!).find((r) => /\bnpm ci\b/.test(r));
    expect(install).toMatch(/--omit=dev/);
    expect(install).toMatch(/--workspaces=false/);
    // The final stage installs nothing itself.
    expect(runs(final).some((r) => /\bnpm (ci|install|i)\b/.test(r))).toBe(false);
  });

  it('builds dist/ in a stage that has every file the build reads', () => {
    const dist = copies(final).find((c) => c.dest === `${workdirOf(final)}/dist`);
    expect(dist?.from).toBeDefined();
    const build = stageNamed(dist!.from)!;
    expect(runs(build).some((r) => r.includes('npm run build'))).toBe(true);
    const copied = copies(build).map((c) => c.source);
    const tsconfig = JSON.parse(read('tsconfig.build.json')) as { extends: string; include: string[] };
    const assets = [...read('scripts/copy-assets.mjs').matchAll(/cpSync\(\s*[`']([^`'$]+)/g)].map((m) => m[1]!.replace(/\/$/, ''));
    expect(assets).toContain('data/stories');
    const needed = ['package.json', 'package-lock.json', 'scripts/copy-assets.mjs', tsconfig.extends.replace(/^\.\//, ''), 'tsconfig.build.json', ...tsconfig.include, ...assets];
    for (const file of needed) expect(copied.some((source) => file === source || file.startsWith(`${source}/`)), file).toBe(true);
  });

  it('copies only files that exist in the repository and that .dockerignore lets through', () => {
    const fromContext = stages.flatMap(copies).filter((c) => c.from === undefined);
    expect(fromContext.length).toBeGreaterThan(5);
    for (const { source } of fromContext) {
      expect(existsSync(join(root, source)), source).toBe(true);
      expect(ignored(source, dockerignore), `${source} is in .dockerignore`).toBe(false);
    }
  });

  it('keeps secrets, local state and build output out of the build context', () => {
    for (const path of ['.env', 'node_modules', 'packages/playground/node_modules', 'dist', '.git', 'data/state/bot.sqlite', 'bot.sqlite', 'docs/screenshots/playground-poll.png']) {
      expect(ignored(path, dockerignore), path).toBe(true);
    }
    expect(ignored('.env.example', dockerignore)).toBe(false);
  });

  it('runs the bot by default, keeps the SQLite file on a volume the node user owns', () => {
    const cmd = words(final.instructions.filter((i) => i.op === 'CMD').at(-1)!.args);
    expect(cmd).toEqual(['node', 'dist/src/main.js']);
    expect(existsSync(join(root, sourceOf(cmd[1]!)))).toBe(true);
    const dataDir = resolveIn(workdirOf(final), posix.dirname(STORE_URL_DEFAULT.replace(/^sqlite:\/\//, '')));
    const volume = final.instructions.find((i) => i.op === 'VOLUME');
    expect(words(volume!.args)).toContain(dataDir);
    expect(runs(final).some((r) => r.includes('chown node:node') && r.includes(posix.relative(workdirOf(final), dataDir)))).toBe(true);
    // ESM: the compiled files need the package.json that says "type": "module".
    expect(copies(final).some((c) => c.from === undefined && c.source === 'package.json')).toBe(true);
  });
});

// ---- compose.yaml -------------------------------------------------------------------------------

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number> | string[];
  env_file?: string | string[];
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  restart?: string;
  healthcheck?: { test?: string[] | string };
}

const composeText = read('compose.yaml');
const compose = parse(composeText) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const envOf = (service: Service): Record<string, string> => {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((e) => e.split(/=(.*)/s).slice(0, 2) as [string, string]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
};
const commandOf = (service: Service) => (Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/));
/** The variables .env.example documents (every setting the bot reads). */
const documented = new Set([...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));

describe('compose.yaml', () => {
  const { redis, 'rest-proxy': proxy, bot } = compose.services;

  it('has the three services, each restarted when it stops', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bot', 'redis', 'rest-proxy']);
    for (const service of Object.values(compose.services)) expect(service.restart).toMatch(/^(always|unless-stopped|on-failure)/);
  });

  it('runs Redis 7 with persistence: append-only, on a named volume, with its own health check', () => {
    expect(redis!.image).toMatch(/^redis:7-alpine$/);
    expect(commandOf(redis!).join(' ')).toMatch(/--appendonly yes/);
    const volume = redis!.volumes?.find((v) => v.endsWith(':/data'));
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume!.split(':')[0]);
    expect(JSON.stringify(redis!.healthcheck?.test)).toContain('ping');
  });

  it('runs the REST proxy and the sharding manager from this image, the bot on Redis through the proxy', () => {
    expect(commandOf(proxy!)).toEqual(['node', 'dist/src/rest-proxy.js']);
    expect(commandOf(bot!)).toEqual(['node', 'dist/src/shards.js']);
    for (const service of [proxy!, bot!]) {
      expect(service.build).toBe('.');
      expect(existsSync(join(root, sourceOf(commandOf(service)[1]!)))).toBe(true);
    }
    const proxyEnv = envOf(proxy!);
    expect(proxyEnv.REST_PROXY_HOST).toBe('0.0.0.0');
    // The proxy forwards to Discord itself, never to a DISCORD_API_URL meant for the bot.
    expect(proxyEnv.DISCORD_API_URL).toBe('https://discord.com/api');
    expect(proxy!.env_file).toBeUndefined();
    const botEnv = envOf(bot!);
    expect(botEnv.STORE_URL).toBe('redis://redis:6379');
    expect(botEnv.DISCORD_API_URL).toBe(`http://rest-proxy:${proxyEnv.REST_PROXY_PORT ?? '8080'}/api`);
    expect(botEnv.METRICS_PORT).toMatch(/^\d+$/);
    expect([bot!.env_file].flat()).toContain('.env');
    expect(bot!.depends_on).toMatchObject({ redis: { condition: 'service_healthy' }, 'rest-proxy': { condition: 'service_healthy' } });
    expect(JSON.stringify(proxy!.healthcheck?.test)).toContain(proxyEnv.REST_PROXY_PORT ?? '8080');
  });

  it('names only settings the bot reads, each documented in .env.example', () => {
    const named = new Set<string>();
    for (const service of [proxy!, bot!]) for (const name of Object.keys(envOf(service))) named.add(name);
    for (const m of composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)) named.add(m[1]!);
    expect(named.size).toBeGreaterThan(5);
    const config = read('src/config.ts');
    for (const name of named) {
      expect(documented.has(name), `${name} is not in .env.example`).toBe(true);
      expect(config, `${name} is not read by src/config.ts`).toMatch(new RegExp(`'${name}'`));
    }
  });
});

// ---- the Docker section of docs/operations.md ---------------------------------------------------

describe('the Docker section of docs/operations.md', () => {
  const page = read('docs/operations.md');
  const section = page.split(/^## /m).find((s) => /^Run it with Docker/.test(s));

  it('exists, and makes docker compose up -d the production path', () => {
    expect(section).toBeDefined();
    expect(section).toContain('docker compose up -d');
    expect(section).toContain('cp .env.example .env');
  });

  it('names only services compose.yaml has, and commands the image holds', () => {
    const services = [...section!.matchAll(/docker compose (?:run --rm|logs(?: -f)?|exec|restart|stop|ps) ([a-z][a-z-]*)/g)].map((m) => m[1]!);
    expect(services).toContain('bot');
    for (const name of services) expect(Object.keys(compose.services), name).toContain(name);
    const entries = [...section!.matchAll(/\bnode (dist\/\S+\.js)/g)].map((m) => m[1]!);
    expect(entries).toContain('dist/src/deploy.js');
    for (const entry of entries) expect(existsSync(join(root, sourceOf(entry))), entry).toBe(true);
    const quoted = [...section!.matchAll(/`([a-z][a-z-]*)` \(/g)].map((m) => m[1]!).filter((n) => ['redis', 'rest-proxy', 'bot'].includes(n));
    expect(quoted.sort()).toEqual(['bot', 'redis', 'rest-proxy']);
  });
});

describe('the Dockerfile reader', () => {
  it('joins continued lines, names stages and ignores comments', () => {
    const parsed = parseDockerfile('# c\nFROM node:20 AS one\nRUN a \\\n  # inside\n  b\nFROM node:20-bookworm-slim\nCOPY --from=one /x y\n');
    expect(parsed.map((s) => s.name)).toEqual(['one', undefined]);
    expect(parsed[0]!.instructions).toEqual([{ op: 'RUN', args: 'a b' }]);
    expect(copies(parsed[1]!)).toEqual([{ dest: '/y', from: 'one', source: '/x' }]);
  });

  it('reads .dockerignore exceptions after their patterns', () => {
    expect(ignored('.env', ['.env*', '!.env.example'])).toBe(true);
    expect(ignored('.env.example', ['.env*', '!.env.example'])).toBe(false);
    expect(ignored('a/b/node_modules/x', ['**/node_modules'])).toBe(true);
  });
});
