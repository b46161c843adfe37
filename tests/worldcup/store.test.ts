import type Keyv from 'keyv';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/catalogue/random.js';
import { createWorldCupStore, type RoundChanges } from '../../src/store/worldcup.js';
import { choose, closeRound, drawBracket } from '../../src/worldcup/bracket.js';
import { candidateOf } from '../../src/worldcup/candidates.js';
import type { Side } from '../../src/worldcup/ids.js';
import type { SoloRun, Tournament } from '../../src/worldcup/model.js';
import { BACKENDS } from '../support/backends.js';
import { catalogue } from './helpers.js';

const entrants = catalogue.couples.slice(0, 4).map(candidateOf);
const ids = entrants.map((c) => c.id);

function tournament(guildId: string, id: string, over: Partial<Tournament> = {}): Tournament {
  return {
    id,
    guildId,
    channelId: '200000000000000001',
    starterId: '300000000000000001',
    lang: 'en',
    hideCounts: false,
    roundMs: 3_600_000,
    createdAt: 1,
    entrants,
    bracket: drawBracket(ids, 4, seededRandom(1)),
    rounds: [{ openedAt: 1, closesAt: Date.now() + 3_600_000 }],
    status: 'running',
    ...over,
  };
}

/** A batch's votes: per member, the side chosen in each match. */
function votes(byMember: Record<string, Record<number, Side>>): RoundChanges {
  return { votes: new Map(Object.entries(byMember).map(([userId, sides]) => [userId, new Map(Object.entries(sides).map(([match, side]) => [Number(match), side]))])) };
}

/** Every key a server's World Cup wrote, as the store holds it (memory and SQLite; Redis keys carry its prefix). */
async function keysOf(keyv: Keyv, guildId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const [key] of keyv.iterator!(keyv.namespace) as AsyncGenerator<[string, unknown]>) if (key.includes(guildId)) out.push(key);
  return out;
}

describe.each(BACKENDS)('the World Cup store on $name', (backend) => {
  describe.skipIf(backend.skip)('', () => {
    it('keeps a member’s solo run per channel, replaced by their next one', async () => {
      const { a, b, guild, close } = backend.open();
      try {
        const guildId = guild();
        const run: SoloRun = { id: 'RunRunRun1', guildId, channelId: '7', userId: '8', entrants, bracket: drawBracket(ids, 4, seededRandom(2)), step: 0, startedAt: 1, updatedAt: 1 };
        await createWorldCupStore(a).saveRun(run, 60_000);
        const store = createWorldCupStore(b);
        expect(await store.getRun(guildId, '7', '8')).toEqual(run);
        expect(await store.getRun(guildId, '7', '9')).toBeUndefined();
        expect(await store.getRun(guildId, '6', '8')).toBeUndefined();
        const next = { ...run, id: 'RunRunRun2', bracket: choose(run.bracket, 0, 0, run.bracket.rounds[0]![0]!.a!), step: 1 };
        await store.saveRun(next, 60_000);
        expect((await createWorldCupStore(a).getRun(guildId, '7', '8'))?.id).toBe('RunRunRun2');
      } finally {
        await close();
      }
    });

    it('counts votes per member and round, reading only the members a batch touches', async () => {
      const { a, b, guild, close } = backend.open();
      try {
        const guildId = guild();
        const t = tournament(guildId, 'Tourney001');
        await createWorldCupStore(a).saveTournament(t);
        const store = createWorldCupStore(b);
        const empty = (await store.readRound(guildId, t.id, 0, ['1', '2']))!;
        expect(empty.tally).toEqual({ counts: [[0, 0], [0, 0]], voters: 0 });
        expect([...empty.ballots.values()]).toEqual([undefined, undefined]);
        expect(await store.writeRound(empty, votes({ 1: { 0: 'a', 1: 'b' } }))).toBe(true);
        const read = (await createWorldCupStore(a).readRound(guildId, t.id, 0, ['1', '2']))!;
        expect(read.tally).toEqual({ counts: [[1, 0], [0, 1]], voters: 1 });
        expect(read.ballots.get('1')).toEqual(['a', 'b']);
        expect(read.ballots.get('2')).toBeUndefined();
        expect(await store.getTally(guildId, t.id, 0, 2)).toEqual(read.tally);
        expect(await store.readRound(guildId, 'NoSuchOne1', 0, ['1'])).toBeUndefined();
      } finally {
        await close();
      }
    });

    it('counts two processes’ batches from one stale read exactly: a member’s votes in two matches both stay, and counted once as a voter', async () => {
      const { a, b, guild, close } = backend.open();
      try {
        const guildId = guild();
        const t = tournament(guildId, 'Tourney002');
        const [sa, sb] = [createWorldCupStore(a), createWorldCupStore(b)];
        await sa.saveTournament(t);
        const [ra, rb] = [(await sa.readRound(guildId, t.id, 0, ['1', '2']))!, (await sb.readRound(guildId, t.id, 0, ['1', '2']))!];
        // Both read nothing; one stores member 1's vote in match 0, the other in match 1 and member 2's.
        await Promise.all([
          sa.writeRound(ra, votes({ 1: { 0: 'a' } })),
          sb.writeRound(rb, votes({ 1: { 1: 'b' }, 2: { 0: 'b' } })),
        ]);
        // Then member 2 changes their vote from a read that predates it.
        await sa.writeRound(ra, votes({ 2: { 0: 'a' } }));
        const read = (await sb.readRound(guildId, t.id, 0, ['1', '2']))!;
        expect(read.ballots.get('1')).toEqual(['a', 'b']);
        expect(read.ballots.get('2')).toEqual(['a', null]);
        expect(read.tally).toEqual({ counts: [[2, 0], [0, 1]], voters: 2 });
      } finally {
        await close();
      }
    });

    it('stores no vote once the round is fenced for its close', async () => {
      const { a, b, guild, close } = backend.open();
      try {
        const guildId = guild();
        const t = tournament(guildId, 'Tourney003');
        const [sa, sb] = [createWorldCupStore(a), createWorldCupStore(b)];
        await sa.saveTournament(t);
        const stale = (await sb.readRound(guildId, t.id, 0, ['1']))!;
        await sa.fenceRound(guildId, t.id, 0);
        expect(await sb.writeRound(stale, votes({ 1: { 0: 'a' } }))).toBe(false);
        expect(await sa.getTally(guildId, t.id, 0, 2)).toEqual({ counts: [[0, 0], [0, 0]], voters: 0 });
        expect((await sa.readRound(guildId, t.id, 0, ['1']))!.ballots.get('1')).toBeUndefined();
      } finally {
        await close();
      }
    });

    it('reads a round an earlier version counted (a record per member, a whole tally) and counts on from it', async () => {
      const { a, guild, close } = backend.open();
      try {
        const guildId = guild();
        const t = tournament(guildId, 'Tourney004');
        const store = createWorldCupStore(a);
        await store.saveTournament(t);
        await a.set(`guild:${guildId}:worldcup:${t.id}:r0:tally`, { counts: [[1, 1], [1, 0]], voters: 2 });
        await a.set(`guild:${guildId}:worldcup:${t.id}:r0:vote:1`, ['a', 'a']);
        await a.set(`guild:${guildId}:worldcup:${t.id}:r0:vote:2`, ['b', null]);
        const snapshot = (await store.readRound(guildId, t.id, 0, ['1', '2', '3']))!;
        expect(snapshot.tally).toEqual({ counts: [[1, 1], [1, 0]], voters: 2 });
        expect([...snapshot.ballots.values()]).toEqual([['a', 'a'], ['b', null], undefined]);
        // Member 1 changes match 0, member 2 votes in match 1, member 3 is new.
        await store.writeRound(snapshot, votes({ 1: { 0: 'b' }, 2: { 1: 'b' }, 3: { 1: 'a' } }));
        const read = (await store.readRound(guildId, t.id, 0, ['1', '2', '3']))!;
        expect([...read.ballots.values()]).toEqual([['b', 'a'], ['b', 'b'], [null, 'a']]);
        expect(read.tally).toEqual({ counts: [[0, 2], [2, 1]], voters: 3 });
      } finally {
        await close();
      }
    });

    it('lets one tournament hold a channel, and one process claim each step', async () => {
      const { a, b, guild, close } = backend.open();
      try {
        const guildId = guild();
        const [sa, sb] = [createWorldCupStore(a), createWorldCupStore(b)];
        const claims = await Promise.all([sa.claimChannel(guildId, '5', 'FirstOne01', 60_000), sb.claimChannel(guildId, '5', 'Second0002', 60_000)]);
        expect(claims.filter(Boolean)).toHaveLength(1);
        const holder = claims[0] ? 'FirstOne01' : 'Second0002';
        expect(await sb.channelHolder(guildId, '5')).toBe(holder);
        await sa.releaseChannel(guildId, '5', 'NotHolder1');
        expect(await sb.channelHolder(guildId, '5')).toBe(holder);
        await sa.releaseChannel(guildId, '5', holder);
        expect(await sb.channelHolder(guildId, '5')).toBeUndefined();

        const steps = await Promise.all([sa.claimStep(guildId, 'T', 'close:0', 'a', 60_000), sb.claimStep(guildId, 'T', 'close:0', 'b', 60_000)]);
        expect(steps.filter((s) => s.held)).toHaveLength(1);
        const winner = steps[0].held ? 'a' : 'b';
        const loser = winner === 'a' ? 'b' : 'a';
        // The holder renews its lease (and takes it up again after an outage); the other may not, until it is given up.
        expect(await sa.claimStep(guildId, 'T', 'close:0', winner, 60_000)).toEqual({ held: true });
        expect(await sb.claimStep(guildId, 'T', 'close:0', loser, 60_000)).toMatchObject({ held: false });
        await sb.releaseStep(guildId, 'T', 'close:0', loser);
        expect((await sb.claimStep(guildId, 'T', 'close:0', loser, 60_000)).held).toBe(false);
        await sa.releaseStep(guildId, 'T', 'close:0', winner);
        expect((await sb.claimStep(guildId, 'T', 'close:0', loser, 60_000)).held).toBe(true);
      } finally {
        await close();
      }
    });

    it('finds the running tournaments with one scan, and nothing else (rounds, votes, claims, finished ones)', async () => {
      const { a, b, guild, close } = backend.open();
      try {
        const [g1, g2] = [guild(), guild()];
        const store = createWorldCupStore(a);
        const running = tournament(g1, 'Running001');
        const other = tournament(g2, 'Running002');
        const bracket = drawBracket(ids, 4, seededRandom(1));
        const done = closeRound(closeRound(bracket, 0, new Map(), { allTimeWins: () => 0, random: () => 0.1 }), 1, new Map(), { allTimeWins: () => 0, random: () => 0.1 });
        const finished = tournament(g1, 'Finished01', { bracket: done, status: 'finished', finalized: true });
        const unfinalized = tournament(g1, 'Unfinal001', { bracket: done, status: 'finished' });
        for (const t of [running, other, finished, unfinalized]) await store.saveTournament(t);
        const snapshot = (await store.readRound(g1, running.id, 0, []))!;
        await store.writeRound(snapshot, votes({ 1: { 0: 'a' } }));
        await store.fenceRound(g1, running.id, 0);
        await store.claimStep(g1, running.id, 'close:0', 'x', 60_000);
        await store.claimChannel(g1, running.channelId, running.id, 60_000);

        const found = await createWorldCupStore(b).listRunning((g) => g === g1 || g === g2);
        expect(found.map((t) => t.id).sort()).toEqual(['Running001', 'Running002', 'Unfinal001']);
        const mine = await createWorldCupStore(b).listRunning((g) => g === g2);
        expect(mine.map((t) => t.id)).toEqual(['Running002']);
      } finally {
        await close();
      }
    });

    it('counts a finished World Cup in the statistics once', async () => {
      const { a, b, guild, close } = backend.open();
      try {
        const guildId = guild();
        const bracket = drawBracket(ids, 4, seededRandom(3));
        const done = closeRound(closeRound(bracket, 0, new Map([[0, [2, 1] as const], [1, [0, 3] as const]]), { allTimeWins: () => 0, random: () => 0 }), 1, new Map([[0, [1, 0] as const]]), { allTimeWins: () => 0, random: () => 0 });
        expect(await createWorldCupStore(a).addToStats(guildId, 'solo:x', 'solo', done)).toBe(true);
        expect(await createWorldCupStore(b).addToStats(guildId, 'solo:x', 'solo', done)).toBe(false);
        expect(await createWorldCupStore(b).addToStats(guildId, 'server:y', 'server', done)).toBe(true);
        const stats = await createWorldCupStore(a).getStats(guildId);
        expect(stats).toMatchObject({ runs: 1, tournaments: 1 });
        const champion = done.rounds[1]![0]!.winner!;
        expect(stats.couples[champion]).toEqual({ titles: 2, wins: 4, losses: 0 });
      } finally {
        await close();
      }
    });
  });
});

describe('World Cup keys', () => {
  it('all start with guild:<id>:, so deleting a server’s keys takes its World Cups along', async () => {
    const { a, guild, close } = BACKENDS[0]!.open();
    try {
      const guildId = guild();
      const store = createWorldCupStore(a);
      const t = tournament(guildId, 'KeysKeys01');
      await store.saveTournament(t);
      await store.writeRound((await store.readRound(guildId, t.id, 0, []))!, votes({ 9: { 0: 'a' } }));
      await store.fenceRound(guildId, t.id, 0);
      await store.claimChannel(guildId, '5', t.id, 60_000);
      await store.claimStep(guildId, t.id, 'post:0', 'h', 60_000);
      await store.saveRun({ id: 'RunRunRun1', guildId, channelId: '7', userId: '8', entrants, bracket: t.bracket, step: 0, startedAt: 1, updatedAt: 1 }, 60_000);
      await store.addToStats(guildId, 'x', 'solo', t.bracket);
      const keys = await keysOf(a, guildId);
      expect(keys.length).toBeGreaterThanOrEqual(8);
      for (const key of keys) expect(key.replace(/^kiss:/, '')).toMatch(new RegExp(`^guild:${guildId}:worldcup`));
    } finally {
      await close();
    }
  });
});
