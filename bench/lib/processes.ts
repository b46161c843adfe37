/**
 * The processes a benchmark measures, each its own `node` process so its memory is its own:
 * - `bot`: the COMPILED bot, `node dist/src/main.js`, exactly as production runs it;
 * - `bare`: an unmodified discord.js client answering with precomputed replies (children/bare-client.mjs).
 * Both get `--expose-gc` and the probe (children/probe.mjs), which reports memory after a GC on
 * SIGUSR2, and nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Variant = 'bare' | 'bot';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const probe = fileURLToPath(new URL('../children/probe.mjs', import.meta.url));
const bareClient = fileURLToPath(new URL('../children/bare-client.mjs', import.meta.url));
const main = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

/** The compiled bot's modules (dist/src/…), for the harness's own set-up (replies, store seeding). */
export const dist = new URL('../../dist/src/', import.meta.url);
export async function load<T>(path: string): Promise<T> {
  return (await import(new URL(path, dist).href)) as T;
}

export function requireBuild(): void {
  if (!existsSync(main)) {
    console.error('No compiled bot in dist/: run `npm run build` first (npm run bench does).');
    process.exit(1);
  }
}

export interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
}

export interface Measured {
  readonly variant: Variant;
  readonly child: ChildProcess;
  /** Milliseconds from spawn to the ready line: the bot's `bot ready` log, the bare client's `ready`. */
  readonly readyMs: number;
  /** Everything it wrote so far. */
  output(): string;
  /** RSS and heap after a GC, now. */
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly variant: Variant;
  readonly apiUrl: string;
  readonly token: string;
  /** The bot's STORE_URL. */
  readonly storeUrl?: string;
  /** The bare client's replies file. */
  readonly replies?: string;
  /** Extra environment (SCENE_COOLDOWN…). */
  readonly env?: Record<string, string>;
  /** The bot's entry point, when not dist/src/main.js (a copy of the build with another catalogue). */
  readonly main?: string;
  /** Working directory (the bot resolves relative store paths against it). */
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** 'ready' (default): resolve at the ready line; 'started': as soon as the process runs (its readyMs is then 0). */
  readonly readyWhen?: 'ready' | 'started';
}

/** Starts a measured process and resolves once it is ready. */
export async function startMeasured(options: StartOptions): Promise<Measured> {
  const script = options.variant === 'bot' ? (options.main ?? main) : bareClient;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DISCORD_TOKEN: options.token,
    DISCORD_API_URL: options.apiUrl,
    LOG_LEVEL: 'info',
    ...(options.storeUrl ? { STORE_URL: options.storeUrl } : {}),
    ...(options.replies ? { BARE_REPLIES: options.replies } : {}),
    ...options.env,
  };
  const started = performance.now();
  const child = spawn(process.execPath, ['--expose-gc', '--import', probe, script], { cwd: options.cwd ?? root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const memoryWaiters: Array<(m: Memory) => void> = [];
  let readyAt: number | undefined;
  let onReady: (() => void) | undefined;
  const isReady = options.variant === 'bot' ? (line: string) => line.includes('"msg":"bot ready"') : (line: string) => line === 'ready';
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    const text = String(d);
    out += text;
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    if (readyAt === undefined && lines.some(isReady)) {
      readyAt = performance.now();
      onReady?.();
    }
  });
  let pendingErr = '';
  child.stderr.on('data', (d: Buffer) => {
    pendingErr += String(d);
    const lines = pendingErr.split('\n');
    pendingErr = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('PROBE ')) memoryWaiters.shift()?.(JSON.parse(line.slice(6)) as Memory);
      else err += `${line}\n`;
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (options.readyWhen === 'started') readyAt = started;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.variant} was not ready within ${options.timeoutMs ?? 120_000} ms:\n${out}\n${err}`)), options.timeoutMs ?? 120_000);
    onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    if (readyAt !== undefined) onReady();
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${options.variant} exited before it was ready:\n${out}\n${err}`));
    });
  });
  return {
    variant: options.variant,
    child,
    readyMs: readyAt! - started,
    output: () => out + err,
    memory: () =>
      new Promise<Memory>((resolve) => {
        memoryWaiters.push(resolve);
        child.kill('SIGUSR2');
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Lets the machine settle between measurements (GC, the other process's exit). */
export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
