/**
 * What every benchmark reports: rows of one table (figure, bare, bot, ratio, goal, met), printed by
 * `npm run bench` for all of them at once. A benchmark run alone (`npm run bench:scene`…) prints its
 * own rows as the same table. Figures, never pass/fail: these machines are shared and noisy.
 */
import { cpus, loadavg } from 'node:os';

export interface Row {
  readonly figure: string;
  /** The baseline measured in the same run, formatted; '' when there is none. */
  readonly bare: string;
  readonly bot: string;
  /** bot ÷ bare, formatted ('1.04× (0.98–1.10)'); '' when there is no baseline. */
  readonly ratio: string;
  /** The goal, in words ('≤ 1.10×', '< 2 s'); '' for a figure without a goal. */
  readonly goal: string;
  /** Whether the goal is met; undefined for a figure without a goal. */
  readonly met?: boolean | undefined;
}

/** A line the benchmark runner (bench/run.ts) picks out of a benchmark's output. */
export const ROW_PREFIX = 'BENCH-ROW ';

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** The q-quantile (0–1) by the nearest-rank method. */
export function quantile(xs: readonly number[], q: number): number {
  if (!xs.length) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** `1.04× (0.98–1.10)`: the median of per-rep ratios and their range. */
export function ratioText(ratios: readonly number[]): string {
  const m = median(ratios);
  if (ratios.length < 2) return `${m.toFixed(2)}×`;
  return `${m.toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}

/** `1.52 ms (1.40–1.71)`: the median of reps and their range, in a unit. */
export function spreadText(values: readonly number[], unit: string, digits = 2): string {
  const m = median(values);
  const text = `${m.toFixed(digits)}${unit}`;
  if (values.length < 2) return text;
  return `${text} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

/** Spread of reps as a share of their median: (max − min) ÷ median. */
export function relativeSpread(values: readonly number[]): number {
  return values.length < 2 ? 0 : (Math.max(...values) - Math.min(...values)) / median(values);
}

/** A row comparing per-rep values of bare and bot, whose goal (if any) is on the median ratio. */
export function ratioRow(
  figure: string,
  bare: readonly number[],
  bot: readonly number[],
  unit: string,
  goal: { text: string; test: (ratio: number) => boolean } | undefined,
  digits = 2,
): Row {
  const ratios = bot.map((b, i) => b / bare[i]!);
  return {
    figure,
    bare: spreadText(bare, unit, digits),
    bot: spreadText(bot, unit, digits),
    ratio: ratioText(ratios),
    goal: goal?.text ?? '',
    met: goal?.test(median(ratios)),
  };
}

export const atMost = (limit: number) => ({ text: `≤ ${limit.toFixed(2)}×`, test: (r: number) => r <= limit });
export const atLeast = (limit: number) => ({ text: `≥ ${limit.toFixed(2)}×`, test: (r: number) => r >= limit });

/** The machine: cores, load averages, Node. */
export function machine(): string {
  const [one, five, fifteen] = loadavg().map((l) => l.toFixed(2));
  return `${cpus().length} cores, load ${one} / ${five} / ${fifteen} (1 / 5 / 15 min), Node ${process.version}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The rows as a Markdown table. */
export function table(rows: readonly Row[]): string {
  const lines = ['| figure | bare | bot | bot ÷ bare | goal | met |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    lines.push(`| ${[r.figure, r.bare, r.bot, r.ratio, r.goal, met].map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * Ends a benchmark: its rows as lines for the runner and, for a person running it alone, as a
 * table with the machine's load.
 */
export function report(title: string, rows: readonly Row[]): void {
  for (const row of rows) console.log(ROW_PREFIX + JSON.stringify(row));
  console.log(`\n${title} — ${machine()}\n\n${table(rows)}\n`);
}
