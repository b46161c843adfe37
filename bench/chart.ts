/**
 * Benchmark: the first results chart a bot process draws. The chart renderer (a native canvas
 * library) and its Hangul font are loaded by that first chart, not at start-up (see bench/startup.ts
 * for what start-up costs without them): this measures what the first chart then costs, in time and
 * memory, against the charts after it. Each rep is a fresh process of the COMPILED bot's chart
 * module (children/chart-first.mjs). Figures only; asserts nothing.
 *
 *   npm run bench:chart      (builds first)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requireBuild, root } from './lib/processes.js';
import { report, spreadText } from './lib/report.js';

requireBuild();
const REPS = Number(process.env.REPS ?? 3);
const MB = 1024 * 1024;
const child = fileURLToPath(new URL('children/chart-first.mjs', import.meta.url));

interface FirstChart {
  firstMs: number;
  laterMs: number;
  rssAdded: number;
  heapAdded: number;
}

function firstChart(): Promise<FirstChart> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', child], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += String(d)));
    proc.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as FirstChart) : reject(new Error(`chart-first exited ${code}`))));
  });
}

const runs: FirstChart[] = [];
for (let rep = 0; rep < REPS; rep++) runs.push(await firstChart());
report(`The first results chart of a process (${REPS} fresh processes)`, [
  {
    figure: 'a results chart: the first of a process (loads the renderer and its font) vs the next ones',
    bare: `next: ${spreadText(runs.map((r) => r.laterMs), ' ms', 1)}`,
    bot: `first: ${spreadText(runs.map((r) => r.firstMs), ' ms', 0)}`,
    ratio: '',
    goal: '',
  },
  {
    figure: 'memory the renderer and font add when the first chart is drawn (none before)',
    bare: '',
    bot: `RSS +${spreadText(runs.map((r) => r.rssAdded / MB), ' MB', 1)}; heap +${spreadText(runs.map((r) => r.heapAdded / MB), ' MB', 1)}`,
    ratio: '',
    goal: '',
  },
]);
