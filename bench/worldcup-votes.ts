/**
 * Benchmark: what one vote in a server World Cup costs as a round fills up, on the COMPILED bot's
 * World Cup service (dist/) over a real SQLite file. A vote reads and writes the voter's own ballot
 * and the round's counts only, so its cost should not grow with the voters already in the round.
 * Each rep: a fresh tournament of 8; 300 votes into the empty round (the baseline, the same run),
 * then 10,000 more voters, then 300 votes again. Votes go 50 at a time, as members click. Printed:
 * µs per vote, and the ratio late ÷ early per rep. Asserts nothing.
 *
 *   npm run bench:worldcup      (builds first)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type * as CatalogueModule from '../src/catalogue/catalogue.js';
import type * as ClockModule from '../src/clock.js';
import type * as RandomModule from '../src/catalogue/random.js';
import type * as StoreModule from '../src/store/index.js';
import type * as CandidatesModule from '../src/worldcup/candidates.js';
import type * as ServiceModule from '../src/worldcup/service.js';
import type * as LeaderboardModule from '../src/polls/leaderboard.js';
import { load, requireBuild } from './lib/processes.js';
import { atMost, ratioRow, report } from './lib/report.js';

requireBuild();
const { loadCatalogue } = await load<typeof CatalogueModule>('catalogue/catalogue.js');
const { seededRandom } = await load<typeof RandomModule>('catalogue/random.js');
const { systemClock } = await load<typeof ClockModule>('clock.js');
const { createStore, openKeyv } = await load<typeof StoreModule>('store/index.js');
const { createCandidatePool } = await load<typeof CandidatesModule>('worldcup/candidates.js');
const { createWorldCupService } = await load<typeof ServiceModule>('worldcup/service.js');
const { EMPTY_LEADERBOARD } = await load<typeof LeaderboardModule>('polls/leaderboard.js');

const REPS = Number(process.env.REPS ?? 5);
const MEASURED = 300;
const FILL = 10_000;
const AT_ONCE = 50;
const GUILD = '100000000000000001';
const tmp = mkdtempSync(join(tmpdir(), 'bench-worldcup-'));
const catalogue = loadCatalogue();
const store = createStore(openKeyv(`sqlite://${join(tmp, 'state.sqlite')}`));
let messages = 0;
const service = createWorldCupService({
  store: store.worldcup,
  pool: createCandidatePool({ catalogue }),
  clock: systemClock,
  random: seededRandom(1),
  logger: pino({ enabled: false }),
  // Discord is not measured here: every message is accepted at once.
  publisher: { postMessage: () => Promise.resolve({ ok: true as const, messageId: String(++messages) }), editMessage: () => Promise.resolve('ok' as const) },
  polls: { leaderboard: () => Promise.resolve(EMPTY_LEADERBOARD), addChampion: () => Promise.resolve(true) },
  editIntervalMs: 60_000,
});

/** µs per vote for `count` new voters (ids from `from`), `AT_ONCE` at a time. */
async function votes(tournamentId: string, from: number, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i += AT_ONCE) {
    await Promise.all(
      Array.from({ length: Math.min(AT_ONCE, count - i) }, (_, j) =>
        service.vote({ guildId: GUILD, tournamentId, round: 0, match: (from + i + j) % 4, side: (from + i + j) % 3 ? 'a' : 'b', userId: String(300000000000000000n + BigInt(from + i + j)) }),
      ),
    );
  }
  return ((performance.now() - start) * 1000) / count;
}

const early: number[] = [];
const late: number[] = [];
try {
  for (let rep = 0; rep < REPS; rep++) {
    const tournament = await service.startTournament({ guildId: GUILD, channelId: String(200000000000000000n + BigInt(rep)), starterId: '300000000000000001', size: 8, roundMs: 86_400_000, hideCounts: false, lang: 'en' });
    await votes(tournament.id, 1_000_000, 100); // warm-up
    early.push(await votes(tournament.id, 0, MEASURED));
    await votes(tournament.id, MEASURED, FILL);
    late.push(await votes(tournament.id, MEASURED + FILL, MEASURED));
    // Every vote was counted (none refused): the round's voters.
    const { voters } = await store.worldcup.getTally(GUILD, tournament.id, 0, 4);
    if (voters !== 100 + 2 * MEASURED + FILL) throw new Error(`expected ${100 + 2 * MEASURED + FILL} voters, counted ${voters}`);
  }
  report(`World Cup votes as a round fills (${REPS} reps, SQLite, compiled build)`, [
    ratioRow(`a vote in a server World Cup round: with ${(FILL + MEASURED).toLocaleString('en')} voters in it vs with none (${AT_ONCE} at a time)`, early, late, ' µs', atMost(1.2), 0),
  ]);
} finally {
  await service.stop();
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
}
