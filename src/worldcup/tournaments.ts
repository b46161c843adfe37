import { randomUUID } from 'node:crypto';
import { StepRunner } from '../step-runner.js';
import type { Random } from '../catalogue/random.js';
import type { Clock } from '../clock.js';
import { UserError } from '../errors.js';
import { t as translate, type Language } from '../i18n/index.js';
import type { KeyedQueue } from '../keyed-queue.js';
import type { Logger } from '../logger.js';
import type { LiveEdits } from '../polls/live-edits.js';
import type { Leaderboard } from '../polls/leaderboard.js';
import type { OutgoingFile, PollPublisher } from '../polls/publisher.js';
import type { KeyedTimers } from '../polls/timers.js';
import { messageLink } from '../replies/poll.js';
import { bracketFileName, championMessage, nameIn, roundMessage, roundName, roundResultsMessage } from '../replies/worldcup.js';
import { HeldLease, LEASE_MS } from '../store/leases.js';
import type { WorldCupStore } from '../store/worldcup.js';
import { champion, closeRound, MAX_ROUNDS, roundsOf, type Bracket, type BracketSize } from './bracket.js';
import { IMAGE_ROUNDS } from './bracket-layout.js';
import type { CandidatePool } from './candidates.js';
import { newWorldCupId, roundKey, tournamentKey } from './ids.js';
import { openRound, partsOf, roundMessageIds, roundPosted, type RoundState, type Tournament } from './model.js';
import { chooseSize, drawEntrants } from './draw.js';
import type { StatsBook } from './stats-book.js';

/** Renders the bracket image (PNG bytes); `labelOf` names an entrant in the image's language. */
export type RenderBracket = (bracket: Bracket, labelOf: (coupleId: string) => string, title: string) => Promise<Buffer>;

export interface TournamentsDeps {
  readonly store: WorldCupStore;
  readonly pool: CandidatePool;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly publisher: PollPublisher;
  readonly queue: KeyedQueue;
  readonly timers: KeyedTimers;
  readonly liveEdits: Pick<LiveEdits, 'stop' | 'forget'>;
  /** The server's all-time wins (ties) and the champion's win, through the poll service. */
  readonly polls: { leaderboard(guildId: string): Promise<Leaderboard>; addChampion(guildId: string, resultId: string, coupleId: string): Promise<boolean> };
  readonly stats: Pick<StatsBook, 'record'>;
  readonly renderBracket: RenderBracket;
}

export interface StartTournamentInput {
  readonly guildId: string;
  readonly channelId: string;
  readonly starterId: string;
  readonly size?: BracketSize | undefined;
  readonly roundMs: number;
  readonly hideCounts: boolean;
  /** Language of the public messages: the server's. */
  readonly lang: Language;
}

/** A process that finds a step's lease held looks again this long after it would lapse. */
const LOOK_AGAIN_SLACK_MS = 250;
/** Waits before trying again after a step failed (then the next start-up tries). */
const RETRIES_MS = [60_000, 5 * 60_000, 30 * 60_000];
/** Node timers cannot wait longer than about 24.8 days; longer waits are done in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A round whose message is posted this long after it opened gets its full time from then. */
const LATE_POST_MS = 60_000;
/** The channel claim outlives the tournament's planned end by this much (a safety net; it is released at the end). */
const CHANNEL_SLACK_MS = 24 * 60 * 60_000;

/** The bracket image's title; a bracket larger than the image shows says from which round it is drawn. */
function imageTitle(tournament: Tournament): string {
  const lang = tournament.lang;
  const from = roundsOf(tournament.bracket.size) - IMAGE_ROUNDS;
  if (from <= 0) return translate(lang, 'worldcup.server.imageTitle');
  return translate(lang, 'worldcup.server.imageTitleFrom', { count: tournament.bracket.size, round: roundName(tournament.bracket, from, lang) });
}

/**
 * The most steps one `advance` takes: each round's post, close and results, and the end. A round
 * whose deadline passed before its message was up is closed in the same run, so a whole bracket of
 * 64 can be played through in one (a clock that jumped, say).
 */
const MAX_PASSES = 3 * MAX_ROUNDS + 4;

/** What a step did: changed something (look again), nothing to do now, or another process holds it (until its lease lapses). */
type Step = 'done' | 'waiting' | { readonly elsewhereUntil: number };

/**
 * Server tournaments: one message per round (a round of more than `MATCHES_PER_MESSAGE` matches,
 * several, posted one after the other), votes until the round's deadline, then the next round,
 * until a champion, its bracket image, a win in the poll leaderboard and the statistics.
 *
 * Everything after the start is one idempotent step machine (`advance`), run by the round's timer,
 * at start-up, and after a failure: it reads the stored tournament and does what comes next (post
 * the round's message, close the round at its deadline, show its results, finish). Each step that
 * must happen once is leased in the store first (`close:<r>`, `post:<r>`, `final`; see
 * store/leases.ts), so two processes that both serve the server (a rolling deploy) close each round
 * once and post each message once: the holder reads the tournament again under the lease, renews
 * it while working and confirms it just before the step's visible part; a dead holder's step is
 * taken over within LEASE_MS. Closing a round fences its votes first (no vote of the round is
 * stored after that, in any process), then reads its counts.
 */
export class Tournaments {
  readonly #holder = randomUUID();
  readonly #steps: StepRunner;

  constructor(private readonly deps: TournamentsDeps) {
    this.#steps = new StepRunner({
      logger: deps.logger,
      timers: deps.timers,
      what: 'world cup',
      key: tournamentKey,
      retriesMs: RETRIES_MS,
      step: (guildId, id) => this.#advance(guildId, id),
    });
  }

  /** Starts a tournament in a channel and posts its first round. Refused when the channel already has one. */
  async start(input: StartTournamentInput): Promise<Tournament> {
    const { store, pool, clock, random, logger, queue } = this.deps;
    const candidates = await pool.candidatesFor(input.guildId);
    const size = chooseSize(candidates, input.size);
    const { bracket, entrants } = drawEntrants(candidates, size, random);
    let id = newWorldCupId(random);
    for (let i = 0; (await store.getTournament(input.guildId, id)) && i < 5; i++) id = newWorldCupId(random);
    const now = clock.now();
    const tournament: Tournament = {
      id,
      guildId: input.guildId,
      channelId: input.channelId,
      starterId: input.starterId,
      lang: input.lang,
      hideCounts: input.hideCounts,
      roundMs: input.roundMs,
      createdAt: now,
      entrants,
      bracket,
      rounds: [{ openedAt: now, closesAt: now + input.roundMs }],
      status: 'running',
    };
    await this.#claimChannel(tournament);
    try {
      await queue.run(tournamentKey(input.guildId, id), () => store.saveTournament(tournament));
      const posted = await this.#postRound(tournament, 0);
      if (posted === 'gone') throw new UserError('worldcup.errors.cannotPost');
    } catch (error) {
      // Part of a big first round is up, and a later message of it failed: the tournament goes on,
      // and the step machine posts the rest (as after a restart).
      const saved = error instanceof UserError ? undefined : await store.getTournament(input.guildId, id).catch(() => undefined);
      if (saved && roundMessageIds(saved.rounds[0]).length > 0) {
        this.#steps.track(saved.guildId, saved.id);
        this.#steps.failed(input.guildId, id, error);
        return saved;
      }
      await store.deleteTournament(input.guildId, id).catch(() => undefined);
      await store.releaseChannel(input.guildId, input.channelId, id).catch(() => undefined);
      throw error;
    }
    const shown = (await store.getTournament(input.guildId, id)) ?? tournament;
    this.#schedule(shown);
    logger.info({ guildId: input.guildId, tournamentId: id, size, roundMs: input.roundMs, hideCounts: input.hideCounts }, 'world cup started');
    return shown;
  }

  /**
   * Picks up the running tournaments of the servers `include` accepts after a (re)start: timers
   * for open rounds, and whatever fell due while the bot was down (each round closes once).
   */
  async restore(include?: (guildId: string) => boolean): Promise<number> {
    const running = await this.deps.store.listRunning(include);
    for (const tournament of running) await this.advance(tournament.guildId, tournament.id);
    if (running.length) this.deps.logger.info({ tournaments: running.length }, 'world cups restored');
    return running.length;
  }

  /** Drops this process's timers for a server (its data is being deleted). */
  async forget(guildId: string): Promise<void> {
    for (const id of this.#steps.forget(guildId)) {
      const key = tournamentKey(guildId, id);
      // Every round's messages (`wc:<guild>:<tournament>:<round>:<part>`).
      await this.deps.liveEdits.forget((edit) => edit.startsWith(`${key}:`));
    }
  }

  /** Whether a step is running. */
  get busy(): boolean {
    return this.#steps.busy;
  }

  /** Resolves once the steps running now are done, whether or not they failed. */
  async settle(): Promise<void> {
    await this.#steps.settle();
  }

  /**
   * Does what the stored tournament needs next, as often as needed, until it waits for a deadline
   * (a timer is set), for another process, or is over. Never runs twice at once for a tournament.
   */
  advance(guildId: string, tournamentId: string): Promise<void> {
    return this.#steps.run(guildId, tournamentId);
  }

  async #advance(guildId: string, tournamentId: string): Promise<void> {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const tournament = await this.deps.store.getTournament(guildId, tournamentId);
      if (!tournament) return this.#steps.untrack(guildId, tournamentId);
      const step = await this.#step(tournament);
      if (step === 'waiting') return;
      if (step !== 'done') {
        // Another process holds the step: look again once its lease would have lapsed.
        const wait = Math.max(0, step.elsewhereUntil - Date.now()) + LOOK_AGAIN_SLACK_MS;
        this.deps.timers.set(tournamentKey(guildId, tournamentId), wait, () => this.advance(guildId, tournamentId));
        return;
      }
    }
    // Not reached by a tournament (see MAX_PASSES); should it be, the next start-up goes on.
    this.deps.logger.warn({ guildId, tournamentId, passes: MAX_PASSES }, 'a world cup took more steps at once than expected; it goes on at the next start-up');
  }

  /** One step: 'done' when something changed (look again), 'waiting' when there is nothing to do now. */
  async #step(tournament: Tournament): Promise<Step> {
    const { clock } = this.deps;
    this.#steps.track(tournament.guildId, tournament.id);
    const current = tournament.rounds.length - 1;
    const state = tournament.rounds[current];
    if (tournament.status === 'running' && state && !roundPosted(tournament, current)) {
      const posted = await this.#postRound(tournament, current);
      if (posted === 'gone') await this.#abandon(tournament);
      return typeof posted === 'string' ? 'done' : posted;
    }
    const unshown = tournament.rounds.findIndex((r) => r.closedAt !== undefined && roundMessageIds(r).length > 0 && !r.resultsShown);
    if (unshown >= 0) {
      await this.#showResults(tournament, unshown);
      return 'done';
    }
    if (tournament.status === 'finished') {
      if (tournament.finalized) {
        this.#steps.untrack(tournament.guildId, tournament.id);
        return 'waiting';
      }
      return this.#finalize(tournament);
    }
    const round = openRound(tournament);
    if (round === undefined || !state) return 'waiting';
    if (clock.now() < state.closesAt) {
      this.#schedule(tournament);
      return 'waiting';
    }
    const closed = await this.#closeRound(tournament.guildId, tournament.id, round);
    return typeof closed === 'string' ? 'done' : closed;
  }

  /**
   * Runs `work` under the lease of one step: renewed while it runs, given up after. Another
   * holder's lease: when it lapses.
   */
  async #leased<T>(guildId: string, tournamentId: string, step: string, work: (lease: HeldLease) => Promise<T>): Promise<T | { readonly elsewhereUntil: number }> {
    const { store, logger } = this.deps;
    const lease = await HeldLease.take({
      take: () => store.claimStep(guildId, tournamentId, step, this.#holder, LEASE_MS),
      drop: () => store.releaseStep(guildId, tournamentId, step, this.#holder),
    });
    if (!lease.held) return { elsewhereUntil: lease.expiresAt };
    try {
      return await work(lease);
    } finally {
      await lease.release().catch((err: unknown) => logger.warn({ guildId, tournamentId, step, err }, 'giving up a world cup lease failed; it lapses by itself'));
    }
  }

  /** Sets the timer of the open round's deadline. */
  #schedule(tournament: Tournament): void {
    const round = openRound(tournament);
    const state = round === undefined ? undefined : tournament.rounds[round];
    if (!state) return;
    this.#steps.track(tournament.guildId, tournament.id);
    const { clock, timers } = this.deps;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, state.closesAt - clock.now()));
    timers.set(tournamentKey(tournament.guildId, tournament.id), wait, () => this.advance(tournament.guildId, tournament.id));
  }

  async #claimChannel(tournament: Tournament): Promise<void> {
    const { store } = this.deps;
    const { guildId, channelId, id } = tournament;
    const ttl = tournament.roundMs * roundsOf(tournament.bracket.size) + CHANNEL_SLACK_MS;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await store.claimChannel(guildId, channelId, id, ttl)) return;
      const holderId = await store.channelHolder(guildId, channelId);
      const holder = holderId === undefined ? undefined : await store.getTournament(guildId, holderId);
      if (holder && !(holder.status === 'finished' && holder.finalized)) {
        const messageId = holder.rounds.at(-1)?.messageId ?? holder.rounds[0]?.messageId;
        const link = messageId ? messageLink(guildId, channelId, messageId) : `<#${channelId}>`;
        throw new UserError('worldcup.errors.channelBusy', { link });
      }
      // The claim names a tournament that is over or gone (a crash before it was given back).
      if (holderId !== undefined) await store.releaseChannel(guildId, channelId, holderId);
    }
    throw new UserError('worldcup.errors.channelBusy', { link: `<#${channelId}>` });
  }

  /**
   * Posts a round's messages once (leased), one after the other, and records each as it is posted:
   * after a crash, the next holder posts only those not recorded yet.
   */
  #postRound(tournament: Tournament, round: number): Promise<'posted' | 'gone' | { readonly elsewhereUntil: number }> {
    const { guildId, id } = tournament;
    return this.#leased(guildId, id, `post:${round}`, async (lease) => {
      const { store, clock, publisher, logger } = this.deps;
      // Read again under the lease: another process may have posted it meanwhile.
      let latest = (await store.getTournament(guildId, id)) ?? tournament;
      const state = latest.rounds[round];
      if (!state) return 'posted';
      const parts = partsOf(latest, round);
      const matches = latest.bracket.rounds[round]?.length ?? 0;
      const tally = await store.getTally(guildId, id, round, matches);
      for (let part = roundMessageIds(state).length; part < parts; part++) {
        const current = latest.rounds[round]!;
        const now = clock.now();
        // A round posted late (after downtime) gets its full time from now (decided with its first message).
        const opened: RoundState =
          part === 0 && now - current.openedAt > LATE_POST_MS ? { ...current, openedAt: now, closesAt: now + latest.roundMs } : current;
        const shown: Tournament = { ...latest, rounds: latest.rounds.map((s, i) => (i === round ? opened : s)) };
        if (!(await lease.confirm())) return { elsewhereUntil: Date.now() };
        const posted = await publisher.postMessage(latest.channelId, roundMessage(shown, round, tally, part));
        if (!posted.ok) {
          logger.warn({ guildId, tournamentId: id, channelId: latest.channelId, round, part }, 'cannot post a world cup round in its channel');
          return 'gone';
        }
        const recorded = await this.#update(guildId, id, (stored) => ({
          ...stored,
          rounds: stored.rounds.map((s, i) =>
            i === round
              ? {
                  ...s,
                  openedAt: opened.openedAt,
                  closesAt: opened.closesAt,
                  messageId: s.messageId ?? posted.messageId,
                  messageIds: [...roundMessageIds(s), posted.messageId],
                }
              : s,
          ),
        }));
        if (!recorded) return 'posted';
        latest = recorded;
      }
      return 'posted';
    });
  }

  /**
   * Closes a round from its votes (ties: all-time wins, then a coin flip) and opens the next, or
   * ends the tournament. Leased, and run in the tournament's queue after the votes before it.
   */
  #closeRound(guildId: string, tournamentId: string, round: number): Promise<'closed' | 'stale' | { readonly elsewhereUntil: number }> {
    const { store, clock, random, logger, queue, polls } = this.deps;
    return queue.run(tournamentKey(guildId, tournamentId), () =>
      this.#leased(guildId, tournamentId, `close:${round}`, async (lease) => {
        // Read under the lease: another process may have closed it meanwhile.
        const tournament = await store.getTournament(guildId, tournamentId);
        if (!tournament || openRound(tournament) !== round || tournament.rounds[round]?.closedAt !== undefined) return 'stale';
        // No vote of the round is stored after the fence: the counts read next are its final ones.
        await store.fenceRound(guildId, tournamentId, round);
        const matches = tournament.bracket.rounds[round]?.length ?? 0;
        const tally = await store.getTally(guildId, tournamentId, round, matches);
        const board = await polls.leaderboard(guildId);
        const votes = new Map(tally.counts.map((c, i) => [i, c] as const));
        const bracket = closeRound(tournament.bracket, round, votes, { allTimeWins: (id) => (Object.hasOwn(board.couples, id) ? board.couples[id]!.wins : 0), random });
        const now = clock.now();
        const rounds = tournament.rounds.map((s, i) => (i === round ? { ...s, closedAt: now } : s));
        const winner = champion(bracket);
        const next: Tournament = winner
          ? { ...tournament, bracket, rounds, status: 'finished', champion: winner, finishedAt: now }
          : { ...tournament, bracket, rounds: [...rounds, { openedAt: now, closesAt: now + tournament.roundMs }] };
        // Only while the lease is this process's: a close decided twice could draw two different coin flips.
        if (!(await lease.confirm())) return { elsewhereUntil: Date.now() };
        await store.saveTournament(next);
        const ties = (bracket.rounds[round] ?? []).filter((m) => m.decidedBy === 'all-time-wins' || m.decidedBy === 'coin-flip').length;
        logger.info({ guildId, tournamentId, round, voters: tally.voters, ties, champion: winner }, 'world cup round closed');
        return 'closed' as const;
      }),
    );
  }

  /** Replaces a closed round's messages with their results (once their live edits have stopped). */
  async #showResults(tournament: Tournament, round: number): Promise<void> {
    const { publisher, liveEdits, logger } = this.deps;
    const { guildId, id } = tournament;
    const messageIds = roundMessageIds(tournament.rounds[round]);
    for (const [part, messageId] of messageIds.entries()) {
      await liveEdits.stop(roundKey(guildId, id, round, part));
      const edited = await publisher.editMessage(tournament.channelId, messageId, roundResultsMessage(tournament, round, part));
      if (edited === 'gone') logger.info({ guildId, tournamentId: id, round, part }, 'a world cup round message is gone; its results are in the next messages');
    }
    await this.#update(guildId, id, (latest) => ({ ...latest, rounds: latest.rounds.map((s, i) => (i === round ? { ...s, resultsShown: true } : s)) }));
  }

  /**
   * The end, once (leased): the champion's win in the leaderboard and the statistics (both counted
   * once per tournament), the champion's message with the bracket image, the channel given back.
   */
  async #finalize(tournament: Tournament): Promise<Step> {
    const { guildId, id } = tournament;
    const done = await this.#leased(guildId, id, 'final', async (lease) => {
      const { store, publisher, logger, polls, stats } = this.deps;
      const latest = await store.getTournament(guildId, id);
      if (!latest || latest.finalized) return 'done' as const;
      const winner = latest.champion ?? champion(latest.bracket);
      let finalMessageId: string | undefined;
      if (winner !== undefined) {
        await polls.addChampion(guildId, `worldcup:${id}`, winner);
        await stats.record(guildId, `server:${id}`, 'server', latest.bracket);
        const image = await this.#image(latest);
        if (!(await lease.confirm())) return { elsewhereUntil: Date.now() };
        const posted = await publisher.postMessage(latest.channelId, championMessage(latest, image));
        if (posted.ok) finalMessageId = posted.messageId;
        else logger.warn({ guildId, tournamentId: id }, 'cannot post the world cup champion in its channel; it is counted all the same');
      }
      await this.#update(guildId, id, (current) => ({ ...current, finalized: true, finalMessageId }));
      await store.releaseChannel(guildId, latest.channelId, id);
      this.#steps.untrack(guildId, id);
      logger.info({ guildId, tournamentId: id, champion: winner }, 'world cup finished');
      await store.deleteExpired(guildId).catch((err: unknown) => logger.warn({ guildId, err }, 'deleting expired world cup keys failed; the next one tries again'));
      return 'done' as const;
    });
    return done;
  }

  async #image(tournament: Tournament): Promise<OutgoingFile | undefined> {
    const lang = tournament.lang;
    try {
      const data = await this.deps.renderBracket(tournament.bracket, (coupleId) => nameIn(tournament.entrants, coupleId, lang), imageTitle(tournament));
      return { name: bracketFileName(tournament), data };
    } catch (err) {
      this.deps.logger.error({ guildId: tournament.guildId, tournamentId: tournament.id, err }, 'rendering the bracket image failed; posting the champion without it');
      return undefined;
    }
  }

  /** The channel is gone (or the bot may no longer post there): the tournament ends without a champion. */
  async #abandon(tournament: Tournament): Promise<void> {
    const { store, clock, logger } = this.deps;
    await this.#update(tournament.guildId, tournament.id, (latest) => ({ ...latest, status: 'finished', finalized: true, finishedAt: clock.now() }));
    await store.releaseChannel(tournament.guildId, tournament.channelId, tournament.id);
    this.#steps.untrack(tournament.guildId, tournament.id);
    logger.warn({ guildId: tournament.guildId, tournamentId: tournament.id }, 'world cup abandoned: its channel is gone');
  }

  /** Changes the stored tournament in its queue; undefined when it is gone. */
  #update(guildId: string, tournamentId: string, change: (latest: Tournament) => Tournament): Promise<Tournament | undefined> {
    const { store, queue } = this.deps;
    return queue.run(tournamentKey(guildId, tournamentId), async () => {
      const latest = await store.getTournament(guildId, tournamentId);
      if (!latest) return undefined;
      const next = change(latest);
      await store.saveTournament(next);
      return next;
    });
  }



}
