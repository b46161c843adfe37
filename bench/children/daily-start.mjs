// One start-up of the daily schedules, in a fresh process (as a restarted bot has it: nothing
// compiled yet), from the COMPILED bot: `node --expose-gc daily-start.mjs <bare|bot> <sqlite file>`.
// - bot: the daily service's start (list every schedule, check it, plan its next post, build the
//   one-timer queue), with the heap it keeps afterwards;
// - bare: the least any loader must do: read the same rows with the same paged query and
//   JSON.parse each.
// Prints one JSON line: { ms, heapKept }. Run by bench/daily.ts only.
const [variant, file] = process.argv.slice(2);
const dist = new URL('../../dist/src/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);
const { openKeyv } = await load('store/keyv.js');
const { scanKind } = await load('store/scan.js');

const heap = () => {
  globalThis.gc();
  return process.memoryUsage().heapUsed;
};

const keyv = openKeyv(`sqlite://${file}`);
await keyv.get('warm-up'); // the connection is open before the clock starts, in both variants
let result;
if (variant === 'bare') {
  const before = heap();
  const started = performance.now();
  let kept = 0;
  for await (const page of scanKind(keyv, 'daily')) {
    for (const [, stored] of page) kept += JSON.parse(stored.raw) ? 1 : 0;
  }
  const ms = performance.now() - started;
  result = { ms, heapKept: heap() - before, rows: kept };
} else {
  const { loadCatalogue } = await load('catalogue/catalogue.js');
  const { seededRandom } = await load('catalogue/random.js');
  const { systemClock } = await load('clock.js');
  const { createDailyService } = await load('daily/service.js');
  const { createLogger } = await load('logger.js');
  const { createDailyStore } = await load('store/daily.js');
  const service = createDailyService({
    store: createDailyStore(keyv),
    catalogue: loadCatalogue(),
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    publisher: { post: async () => ({ kind: 'ok' }), checkChannel: async () => ({ ok: true }) },
    ownsGuild: () => true,
    random: seededRandom(1),
    // Nothing is posted: the measure ends at start-up.
    concurrency: 1,
  });
  const before = heap();
  const started = performance.now();
  await service.start();
  const ms = performance.now() - started;
  result = { ms, heapKept: heap() - before };
  await service.stop();
}
await keyv.disconnect();
process.stdout.write(`${JSON.stringify(result)}\n`);
