/**
 * Benchmark: a burst of concurrent votes on one poll, on the real SQLite store, through the
 * COMPILED poll service (dist/).
 *
 * Compares the poll service (votes that arrive while a poll is busy are stored together, one write
 * per batch) with a baseline measured in the same run: the same votes stored one read-modify-write
 * each, in order, under the same per-poll lock. Prints ratios, not absolute targets, since machines
 * are shared and noisy. Run: `npm run bench:polls` (builds first; `VOTES=300`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import type * as CatalogueModule from '../src/catalogue/catalogue.js';
import type * as QueueModule from '../src/keyed-queue.js';
import type * as LoggerModule from '../src/logger.js';
import type * as ModelModule from '../src/polls/model.js';
import type { PollPublisher } from '../src/polls/publisher.js';
import type * as ServiceModule from '../src/polls/service.js';
import type * as KeyvModule from '../src/store/keyv.js';
import type * as PollStoreModule from '../src/store/polls.js';
import { load, requireBuild } from './lib/processes.js';
import { report } from './lib/report.js';

requireBuild();
const { loadCatalogue } = await load<typeof CatalogueModule>('catalogue/catalogue.js');
const { KeyedQueue } = await load<typeof QueueModule>('keyed-queue.js');
const { createLogger } = await load<typeof LoggerModule>('logger.js');
const { castVote } = await load<typeof ModelModule>('polls/model.js');
const { createPollService } = await load<typeof ServiceModule>('polls/service.js');
const { openKeyv } = await load<typeof KeyvModule>('store/keyv.js');
const { createPollStore } = await load<typeof PollStoreModule>('store/polls.js');

const VOTES = Number(process.env.VOTES ?? 300);
const GUILD = '100000000000000001';
const catalogue = loadCatalogue();

function countingPublisher() {
  const counts = { edits: 0, posts: 0 };
  const publisher: PollPublisher = {
    async editMessage() {
      counts.edits += 1;
      return 'ok';
    },
    async postMessage() {
      counts.posts += 1;
      return { ok: true, messageId: String(900000000000000000n + BigInt(counts.posts)) };
    },
  };
  return { counts, publisher };
}

async function run(dir: string, label: string, votes: (service: ReturnType<typeof createPollService>, store: ReturnType<typeof createPollStore>, pollId: string) => Promise<void>) {
  const keyv = openKeyv(`sqlite://${join(dir, `${label}.sqlite`)}`);
  const store = createPollStore(keyv);
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const { counts, publisher } = countingPublisher();
  const service = createPollService({ store, catalogue, clock, logger: createLogger({ level: 'silent' }), publisher, renderChart: () => Buffer.alloc(0) });
  const poll = await service.create({ guildId: GUILD, channelId: '2', starterId: '3', durationMs: 3_600_000, hideCounts: false, lang: 'en' });
  const started = performance.now();
  await votes(service, store, poll.id);
  const ms = performance.now() - started;
  // Let the coalesced live edits run, as if 10 s passed.
  await clock.advance(10_000);
  await service.idle();
  const stored = await store.getCounted(GUILD, poll.id);
  await service.stop();
  await keyv.disconnect();
  return { ms, counted: stored?.counts.voters ?? 0, edits: counts.edits };
}

const dir = mkdtempSync(join(tmpdir(), 'poll-bench-'));
try {
  const userId = (i: number) => String(400000000000000000n + BigInt(i));
  const baseline = await run(dir, 'baseline', async (_service, store, pollId) => {
    const queue = new KeyedQueue();
    await Promise.all(
      Array.from({ length: VOTES }, (_, i) =>
        queue.run(pollId, async () => {
          const snapshot = (await store.read(GUILD, pollId, [userId(i)]))!;
          const { poll } = snapshot;
          const previous = snapshot.votes.get(userId(i));
          const change = castVote(poll, previous, poll.coupleIds[i % poll.coupleIds.length]!, Date.UTC(2025, 0, 1));
          if (change.ok && change.outcome !== 'same') await store.write(snapshot, { votes: new Map([[userId(i), change.coupleId]]) });
        }),
      ),
    );
  });
  const service = await run(dir, 'service', async (svc, _store, pollId) => {
    await Promise.all(Array.from({ length: VOTES }, (_, i) => svc.vote({ guildId: GUILD, pollId, userId: userId(i), index: i % 10 })));
  });
  if (service.counted !== VOTES || baseline.counted !== VOTES) throw new Error(`counted: service ${service.counted}/${VOTES}, baseline ${baseline.counted}/${VOTES}`);
  report(`${VOTES} concurrent votes on one poll through the poll service (SQLite, compiled)`, [
    {
      figure: `${VOTES} concurrent votes on one poll, all stored (bare: one read and write per vote; bot: the poll service's batches)`,
      bare: `${baseline.ms.toFixed(0)} ms`,
      bot: `${service.ms.toFixed(0)} ms; ${service.edits} live edit${service.edits === 1 ? '' : 's'}`,
      ratio: `${(service.ms / baseline.ms).toFixed(3)}×`,
      goal: '',
    },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
