import { createRequire } from 'node:module';
import type * as CanvasLibrary from '@napi-rs/canvas';
import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Language } from '../i18n/index.js';
import { t } from '../i18n/index.js';
import type { Tally } from './tally.js';
import { percentText, plural } from './text.js';

/**
 * The results bar chart, rendered in-process to a PNG. Text uses Nanum Gothic, shipped by the
 * `@expo-google-fonts/nanum-gothic` package (TTF, covers Hangul and Latin), so Korean names render
 * the same on every machine, whatever fonts the system has.
 */

export const CHART_FONT = 'KissPoll Nanum Gothic';
const FONT_FILES = [
  '@expo-google-fonts/nanum-gothic/400Regular/NanumGothic_400Regular.ttf',
  '@expo-google-fonts/nanum-gothic/700Bold/NanumGothic_700Bold.ttf',
];

export const CHART_WIDTH = 800;
const PADDING = 24;
const TITLE_HEIGHT = 48;
const ROW_HEIGHT = 44;
const BAR_HEIGHT = 24;
const LABEL_WIDTH = 300;
const VALUE_WIDTH = 130;

const COLOURS = { background: '#ffffff', text: '#23272a', muted: '#6d7278', bar: '#f25c8a', winner: '#f5b642', track: '#f1f2f4' } as const;

/**
 * The canvas library (a native renderer, about 25 MB of memory) and its font are loaded by the first
 * chart drawn, not at start-up: most processes draw none for hours, many never.
 */
let library: typeof CanvasLibrary | undefined;

/** Loads the renderer and registers the chart font, once; throws when the font files are missing (a broken install). */
export function ensureChartFont(): typeof CanvasLibrary {
  if (library) return library;
  const require = createRequire(import.meta.url);
  const loaded = require('@napi-rs/canvas') as typeof CanvasLibrary;
  for (const file of FONT_FILES) {
    const key = loaded.GlobalFonts.registerFromPath(require.resolve(file), CHART_FONT);
    if (!key) throw new Error(`Could not load the chart font ${file}`);
  }
  library = loaded;
  return library;
}

function createCanvas(width: number, height: number): CanvasLibrary.Canvas {
  return ensureChartFont().createCanvas(width, height);
}

function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 1 && ctx.measureText(`${chars.join('')}…`).width > maxWidth) chars.pop();
  return `${chars.join('')}…`;
}

/** Chart height for a number of bars: fixed margins plus one row per bar. */
export function chartHeight(bars: number): number {
  return PADDING * 2 + TITLE_HEIGHT + Math.max(1, bars) * ROW_HEIGHT;
}

export interface ChartOptions {
  /** Drawn above the bars; defaults to "Votes per couple" in `lang`. */
  title?: string | undefined;
}

/**
 * A horizontal bar per candidate, most votes first (equal counts keep the poll's order): label,
 * bar scaled to the largest count, and "N votes · P%". Winners are drawn in gold. `labels` are
 * the candidates' names in the poll's order, already in `lang`. Returns PNG bytes, 800 px wide.
 */
export function renderChart(tally: Tally, labels: readonly string[], lang: Language, options: ChartOptions = {}): Buffer {
  ensureChartFont();
  const rows = tally.rows.map((row, i) => ({ ...row, label: labels[i] ?? row.coupleId })).sort((a, b) => b.votes - a.votes);
  const height = chartHeight(rows.length);
  const canvas = createCanvas(CHART_WIDTH, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = COLOURS.background;
  ctx.fillRect(0, 0, CHART_WIDTH, height);

  ctx.fillStyle = COLOURS.text;
  ctx.font = `bold 22px "${CHART_FONT}"`;
  ctx.textBaseline = 'middle';
  ctx.fillText(fitText(ctx, options.title ?? t(lang, 'poll.results.chartTitle'), CHART_WIDTH - PADDING * 2), PADDING, PADDING + TITLE_HEIGHT / 2 - 6);

  const max = Math.max(0, ...rows.map((r) => r.votes));
  const winners = new Set(tally.winners);
  const barLeft = PADDING + LABEL_WIDTH + 12;
  const barSpace = CHART_WIDTH - barLeft - VALUE_WIDTH - PADDING;
  rows.forEach((row, i) => {
    const middle = PADDING + TITLE_HEIGHT + i * ROW_HEIGHT + ROW_HEIGHT / 2;
    ctx.font = `${winners.has(row.coupleId) ? 'bold ' : ''}16px "${CHART_FONT}"`;
    ctx.fillStyle = COLOURS.text;
    ctx.textAlign = 'right';
    ctx.fillText(fitText(ctx, row.label, LABEL_WIDTH), PADDING + LABEL_WIDTH, middle);

    ctx.fillStyle = COLOURS.track;
    ctx.fillRect(barLeft, middle - BAR_HEIGHT / 2, barSpace, BAR_HEIGHT);
    const width = max > 0 ? Math.round((row.votes / max) * barSpace) : 0;
    if (width > 0) {
      ctx.fillStyle = winners.has(row.coupleId) ? COLOURS.winner : COLOURS.bar;
      ctx.fillRect(barLeft, middle - BAR_HEIGHT / 2, width, BAR_HEIGHT);
    }

    ctx.font = `14px "${CHART_FONT}"`;
    ctx.fillStyle = COLOURS.muted;
    ctx.textAlign = 'left';
    const value = tally.totalVoters > 0 ? `${plural(lang, 'poll.votes', row.votes)} · ${percentText(row.percent)}%` : t(lang, 'poll.results.chartNoVotes');
    ctx.fillText(fitText(ctx, value, VALUE_WIDTH - 8), barLeft + barSpace + 8, middle);
  });
  return canvas.toBuffer('image/png');
}
