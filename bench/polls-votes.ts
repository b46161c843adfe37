/**
 * Benchmark: a burst of concurrent votes on one poll, on the real SQLite store.
 *
 * Compares the poll service (votes that arrive while a poll is busy are stored together, one write
 * per batch) with a baseline measured in the same run: the same votes stored one read-modify-write
 * each, in order, under the same per-poll lock. Prints ratios, not absolute targets, since machines
 * are shared and noisy. Run: `npx tsx bench/polls-votes.ts [votes]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogue } from '../src/catalogue/catalogue.js';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { createLogger } from '../src/logger.js';
import { castVote } from '../src/polls/model.js';
import type { PollPublisher } from '../src/polls/publisher.js';
import { KeyedQueue } from '../src/keyed-queue.js';
import { createPollService } from '../src/polls/service.js';
import { moveVote } from '../src/polls/tally.js';
import { openKeyv } from '../src/store/keyv.js';
import { createPollStore } from '../src/store/polls.js';

const VOTES = Number(process.argv[2] ?? 300);
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
          if (change.ok && change.outcome !== 'same') {
            const counts = moveVote(snapshot.counts, poll.coupleIds, previous, change.coupleId);
            await store.write(snapshot, { counts, votes: new Map([[userId(i), change.coupleId]]) });
          }
        }),
      ),
    );
  });
  const service = await run(dir, 'service', async (svc, _store, pollId) => {
    await Promise.all(Array.from({ length: VOTES }, (_, i) => svc.vote({ guildId: GUILD, pollId, userId: userId(i), index: i % 10 })));
  });
  console.log(`${VOTES} concurrent votes on one poll (SQLite):`);
  console.log(`  counted: service ${service.counted}/${VOTES}, baseline ${baseline.counted}/${VOTES}`);
  console.log(`  time, service / one-write-per-vote baseline: ${(service.ms / baseline.ms).toFixed(3)}`);
  console.log(`  live message edits per vote: ${(service.edits / VOTES).toFixed(4)} (${service.edits} edits)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
