import type { Random } from '../catalogue/random.js';
import type { Clock } from '../clock.js';
import { KeyedQueue } from '../keyed-queue.js';
import type { Logger } from '../logger.js';
import type { Leaderboard } from '../polls/leaderboard.js';
import { LiveEdits } from '../polls/live-edits.js';
import type { PollPublisher } from '../polls/publisher.js';
import { KeyedTimers } from '../polls/timers.js';
import { roundMessage } from '../replies/worldcup.js';
import { isStoreUnavailable, STORE_RETRY_MS } from '../store/availability.js';
import type { WorldCupStore } from '../store/worldcup.js';
import type { BracketSize } from './bracket.js';
import type { Candidate, CandidatePool } from './candidates.js';
import { ofKey, type Side } from './ids.js';
import { openRound, roundMessageIds, type SoloRun, type Tournament } from './model.js';
import { SoloGames } from './solo.js';
import { StatsBook } from './stats-book.js';
import type { WorldCupStats } from './stats.js';
import { Tournaments, type RenderBracket, type StartTournamentInput } from './tournaments.js';
import { RoundVotes, type VoteInput, type VoteResult } from './votes.js';

export type { RenderBracket, StartTournamentInput, VoteInput, VoteResult };

export interface WorldCupServiceDeps {
  readonly store: WorldCupStore;
  /** The candidates of each server: see candidates.ts (the one place the pool comes from). */
  readonly pool: CandidatePool;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly publisher: PollPublisher;
  /** The poll service: its leaderboard breaks ties (all-time wins) and counts champions. */
  readonly polls: { leaderboard(guildId: string): Promise<Leaderboard>; addChampion(guildId: string, resultId: string, coupleId: string): Promise<boolean> };
  /** Which servers this process runs (several shard processes); default: all. */
  readonly ownsGuild?: ((guildId: string) => boolean) | undefined;
  /** At most one live edit of a round message per this many milliseconds (default 2000, as polls). */
  readonly editIntervalMs?: number | undefined;
  /** Renders the bracket image (default: the canvas renderer, loaded on first use). */
  readonly renderBracket?: RenderBracket | undefined;
}

/**
 * The Kiss-scene World Cup: solo runs, server tournaments and their statistics. Knows nothing of
 * discord.js: public messages go through the `publisher` port; a member's mistake (an expired
 * run, a closed round, a busy channel) rejects with a UserError.
 */
export interface WorldCupService {
  /**
   * Restores the running tournaments of the servers this process runs (one key scan); resolves
   * with how many. A store that is down is tried again shortly; a failure is logged, never thrown.
   */
  start(): Promise<number>;
  /** Cancels timers and waits for running work. The stored state stays as it is. */
  stop(): Promise<void>;
  /** Resolves once no work is running (timers may still be waiting): for tests and shutdown. */
  idle(): Promise<void>;
  /** Drops what this process keeps in memory for a server (timers, live edits): its data is being deleted. */
  forget(guildId: string): Promise<void>;
  /** Picks up a server's running tournaments again (the bot was invited back before its data was deleted). */
  resume(guildId: string): Promise<number>;
  /** The candidates a server's World Cup draws from. */
  candidates(guildId: string): Promise<readonly Candidate[]>;
  play(input: { guildId: string; channelId: string; userId: string; size?: BracketSize | undefined }): Promise<{ run: SoloRun; replaced: boolean }>;
  pick(input: { guildId: string; channelId: string; userId: string; runId: string; step: number; side: Side }): Promise<SoloRun>;
  /** Shares a finished run once: `post` shows it publicly, then the run is marked shared. */
  share(input: { guildId: string; channelId: string; userId: string; runId: string }, post: (run: SoloRun) => Promise<void>): Promise<SoloRun>;
  startTournament(input: StartTournamentInput): Promise<Tournament>;
  vote(input: VoteInput): Promise<VoteResult>;
  stats(guildId: string): Promise<WorldCupStats>;
}

/** The default bracket renderer: the canvas module is imported on first use, not at start-up. */
const lazyRenderBracket: RenderBracket = async (bracket, labelOf, title) => (await import('./bracket-image.js')).renderBracket(bracket, labelOf, title);

/** Wires the World Cup units (`SoloGames`, `RoundVotes`, `Tournaments`, `StatsBook`) over one queue, one set of timers and the live edits. */
export function createWorldCupService(deps: WorldCupServiceDeps): WorldCupService {
  const { store, pool, clock, random, logger, publisher } = deps;
  const queue = new KeyedQueue();
  const timers = new KeyedTimers(clock);
  const stats = new StatsBook(store);

  const liveEdits = new LiveEdits(
    clock,
    deps.editIntervalMs ?? 2000,
    async (key) => {
      const { guildId, tournamentId, round = 0, part = 0 } = ofKey(key);
      const tournament = await store.getTournament(guildId, tournamentId);
      const messageId = roundMessageIds(tournament?.rounds[round])[part];
      if (!tournament || openRound(tournament) !== round || !messageId || tournament.hideCounts) return 'ok';
      const tally = await store.getTally(guildId, tournamentId, round, tournament.bracket.rounds[round]?.length ?? 0);
      const result = await publisher.editMessage(tournament.channelId, messageId, roundMessage(tournament, round, tally, part));
      if (result === 'gone') logger.info({ guildId, tournamentId, round, part }, 'world cup round message is gone; live counts stop');
      return result;
    },
    (key, err) =>
      isStoreUnavailable(err) ? logger.debug({ round: key, reason: err.reason }, 'live world cup edit skipped: store unavailable') : logger.warn({ round: key, err }, 'live world cup edit failed'),
  );

  const solo = new SoloGames({ store, pool, clock, random, queue, stats });
  const votes = new RoundVotes({ store, clock, queue, liveEdits });
  const tournaments = new Tournaments({
    store,
    pool,
    clock,
    random,
    logger,
    publisher,
    queue,
    timers,
    liveEdits,
    polls: deps.polls,
    stats,
    renderBracket: deps.renderBracket ?? lazyRenderBracket,
  });

  async function idle(): Promise<void> {
    for (;;) {
      await Promise.all([timers.settle(), tournaments.settle()]);
      await queue.idle();
      await liveEdits.idle();
      if (!timers.busy && !tournaments.busy) return;
    }
  }

  /** Picks up the running tournaments; with the store down, again once it answers. */
  async function restore(): Promise<number> {
    try {
      return await tournaments.restore(deps.ownsGuild);
    } catch (err) {
      if (isStoreUnavailable(err)) {
        logger.debug({ reason: err.reason }, 'restoring world cups waits for the store');
        timers.set('wc-restore', STORE_RETRY_MS, () => restore());
      } else {
        logger.error({ err }, 'restoring world cups failed; the next start-up tries again');
      }
      return 0;
    }
  }

  return {
    async start() {
      timers.start();
      return restore();
    },
    async stop() {
      timers.stop();
      await liveEdits.stopAll();
      await idle();
    },
    idle,
    forget: (guildId) => tournaments.forget(guildId),
    resume: (guildId) => tournaments.restore((id) => id === guildId),
    candidates: (guildId) => pool.candidatesFor(guildId),
    play: (input) => solo.play(input),
    pick: (input) => solo.pick(input),
    share: (input, post) => solo.share(input, post),
    startTournament: (input) => tournaments.start(input),
    vote: (input) => votes.vote(input),
    stats: (guildId) => store.getStats(guildId),
  };
}
