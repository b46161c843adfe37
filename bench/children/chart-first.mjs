// The first results chart a process draws, from the COMPILED bot: the chart renderer and its font
// load then (not at start-up). `node --expose-gc chart-first.mjs`; prints one JSON line:
// { firstMs, laterMs, rssAdded, heapAdded }. Run by bench/chart.ts only.
const dist = new URL('../../dist/src/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);
const { loadCatalogue } = await load('catalogue/catalogue.js');
const { coupleName } = await load('catalogue/catalogue.js');
const { renderChart } = await load('polls/chart.js');
const { tallyCounts } = await load('polls/tally.js');

const catalogue = loadCatalogue();
const couples = catalogue.couples.slice(0, 6);
const ids = couples.map((c) => c.id);
const tally = tallyCounts(ids, { counts: [12, 7, 7, 3, 1, 0], voters: 30 });
const labels = couples.map((c) => coupleName(c, 'ko'));
const memory = () => {
  globalThis.gc();
  return process.memoryUsage();
};

const before = memory();
let started = performance.now();
const first = renderChart(tally, labels, 'ko', { title: '최고의 키스신' });
const firstMs = performance.now() - started;
started = performance.now();
for (let i = 0; i < 5; i++) renderChart(tally, labels, 'ko', { title: '최고의 키스신' });
const laterMs = (performance.now() - started) / 5;
const after = memory();
if (first.length < 1000) throw new Error('no chart drawn');
process.stdout.write(`${JSON.stringify({ firstMs, laterMs, rssAdded: after.rss - before.rss, heapAdded: after.heapUsed - before.heapUsed })}\n`);
