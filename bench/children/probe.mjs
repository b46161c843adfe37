// Preloaded into every process a benchmark measures (`node --expose-gc --import ./probe.mjs …`),
// the bot and the bare client alike: on SIGUSR2 it collects garbage and writes one line to stderr,
// `PROBE {"rss":…,"heapUsed":…}`. It loads nothing and does nothing until asked.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.stderr.write(`PROBE ${JSON.stringify({ rss, heapUsed })}\n`);
});
