/**
 * `npm run bench`: builds, runs every benchmark one after another (each in its own process, each
 * against its baseline measured in the same run) and prints one table: figure, bare, bot, bot ÷
 * bare, goal, met, with the date, the machine's cores and its load before and after. Unattended:
 * a benchmark that fails or runs past its time is reported as such and the others still run.
 *
 *   npm run bench                     every benchmark
 *   npm run bench -- scene votes      only those named
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { machine, ROW_PREFIX, table, type Row } from './lib/report.js';

/** In the order they run; each takes under two minutes on a shared 2-core machine. */
const BENCHMARKS = ['startup', 'scene', 'autocomplete', 'votes', 'votes-scale', 'polls-votes', 'chart', 'daily', 'daily-latency', 'daily-processes', 'stories', 'worldcup-votes', 'quiz-answers', 'data-show'] as const;
const TIMEOUT_MS = 180_000;

const root = fileURLToPath(new URL('../', import.meta.url));

async function run(name: string): Promise<{ rows: Row[]; seconds: number; failure?: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `bench/${name}.ts`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const rows: Row[] = [];
  let pending = '';
  let errors = '';
  child.stdout.on('data', (d: Buffer) => {
    pending += String(d);
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith(ROW_PREFIX)) rows.push(JSON.parse(line.slice(ROW_PREFIX.length)) as Row);
  });
  child.stderr.on('data', (d: Buffer) => (errors = (errors + String(d)).slice(-2_000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  if (code === 0) return { rows, seconds };
  const reason = code === null ? `stopped after ${TIMEOUT_MS / 1000} s` : (errors.trim().split('\n').findLast((l) => /Error|error/.test(l)) ?? `exit code ${code}`);
  return { rows, seconds, failure: reason.trim() };
}

const wanted = process.argv.slice(2);
const chosen = wanted.length ? BENCHMARKS.filter((b) => wanted.includes(b)) : [...BENCHMARKS];
const startedAt = new Date();
const loadBefore = machine();
const all: Row[] = [];
const timings: string[] = [];
for (const name of chosen) {
  process.stderr.write(`bench:${name} … `);
  const result = await run(name);
  process.stderr.write(`${result.seconds.toFixed(0)} s${result.failure ? ` — FAILED: ${result.failure}` : ''}\n`);
  timings.push(`${name} ${result.seconds.toFixed(0)} s`);
  all.push(...result.rows);
  if (result.failure) all.push({ figure: `bench:${name}`, bare: '', bot: `failed: ${result.failure}`, ratio: '', goal: '', met: false });
}

const withGoal = all.filter((r) => r.met !== undefined);
console.log(`\nKiss-scene bot benchmarks, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, compiled build (dist/)`);
console.log(`Before: ${loadBefore}`);
console.log(`After:  ${machine()}`);
console.log('Medians of the reps, their range in brackets; "bot ÷ bare" is the median of the per-rep ratios (both measured in the same run).\n');
console.log(table(all));
console.log(`\n${withGoal.filter((r) => r.met).length} of ${withGoal.length} goals met. Times: ${timings.join(', ')}.`);
