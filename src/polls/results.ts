import { randomUUID } from 'node:crypto';
import type { Catalogue } from '../catalogue/catalogue.js';
import { catalogueFor, type CouplesSource } from '../stories/book.js';
import type { Language } from '../i18n/index.js';
import type { KeyedQueue } from '../keyed-queue.js';
import type { Logger } from '../logger.js';
import type { PollStore } from '../store/polls.js';
import type { ChartOptions } from './chart.js';
import { pollKey } from './ids.js';
import { isStoreUnavailable, STORE_RETRY_MS } from '../store/availability.js';
import { HeldLease, LEASE_MS } from '../store/leases.js';
import type { LiveEdits } from './live-edits.js';
import { candidateName, chartFileName, questionText, resultsMessage } from '../replies/poll.js';
import type { Poll } from './model.js';
import type { OpenPolls } from './open-polls.js';
import type { OutgoingFile, PollMessagePayload, PollPublisher } from './publisher.js';
import { tallyCounts, type Tally } from './tally.js';
import type { KeyedTimers } from './timers.js';

export type RenderChart = (tally: Tally, labels: readonly string[], lang: Language, options?: ChartOptions) => Buffer;

export interface ResultsDeps {
  readonly store: PollStore;
  readonly catalogue: CouplesSource;
  readonly logger: Logger;
  readonly publisher: PollPublisher;
  readonly queue: KeyedQueue;
  readonly openPolls: OpenPolls;
  /** Stopped before the results replace the poll message, so no late live edit overwrites them. */
  readonly liveEdits: Pick<LiveEdits, 'stop'>;
  /** For the tries again after a failed post. */
  readonly timers: KeyedTimers;
  readonly renderChart: RenderChart;
}

/** Waits before trying again to post results that failed to post (then the next start-up tries). */
const RESULT_RETRIES_MS = [60_000, 5 * 60_000, 30 * 60_000];

/** A process that finds the results lease held looks again this long after it would lapse. */
const LOOK_AGAIN_SLACK_MS = 250;
/** A process whose close lost to another's looks at the results this soon (in case that one died before taking the lease). */
const CHECK_OTHER_CLOSE_MS = 5_000;

/**
 * The end of a closed poll, done once: counts it in the leaderboard, replaces the poll message with
 * the results (or posts them anew when the message is gone), then marks the poll finished and takes
 * it off the server's open list. When posting fails for another reason, the poll stays unfinished;
 * it is tried again a few times, then at the next start-up.
 *
 * Posting is leased in the store first (store/leases.ts), so that when two processes both serve the
 * server (a rolling deploy) only one posts: the lease is renewed while posting, and the holder
 * confirms it still holds it just before the results replace the poll message. The other process
 * looks again when the lease would lapse, and finds the poll finished, or finishes it if the holder
 * died: within LEASE_MS of its death. The leaderboard counts each poll once, whoever adds it.
 */
export class ResultsPoster {
  readonly #running = new Map<string, Promise<string | undefined>>();
  readonly #attempts = new Map<string, number>();
  /** Who holds a results lease: this poster (one per service instance). */
  readonly #holder = randomUUID();

  constructor(private readonly deps: ResultsDeps) {}

  /** Posts a closed poll's results; the results message id, or undefined when they could not be posted. */
  finalize(guildId: string, pollId: string): Promise<string | undefined> {
    const key = pollKey(guildId, pollId);
    const running = this.#running.get(key);
    if (running) return running;
    const work = this.#finalize(guildId, pollId).catch((err: unknown) => {
      if (!isStoreUnavailable(err)) throw err;
      // The store logs its outage once. The results claim (if taken) is this process's to take again.
      this.deps.logger.debug({ guildId, pollId, reason: err.reason }, 'posting poll results waits for the store');
      this.deps.timers.set(`results:${key}`, STORE_RETRY_MS, () => this.finalize(guildId, pollId));
      return undefined;
    });
    this.#running.set(key, work);
    void work.then(
      () => this.#running.delete(key),
      () => this.#running.delete(key),
    );
    return work;
  }

  /**
   * Finishes a closed poll later, unless it is finished by then: for a close that another process
   * made (it posts the results; this is in case it died first).
   */
  finalizeLater(guildId: string, pollId: string): void {
    if (!this.#running.has(pollKey(guildId, pollId))) this.#lookAgain(guildId, pollId, CHECK_OTHER_CLOSE_MS);
  }

  #lookAgain(guildId: string, pollId: string, waitMs: number): void {
    this.deps.timers.set(`results:${pollKey(guildId, pollId)}`, Math.max(0, waitMs), () => this.finalize(guildId, pollId));
  }

  /** Whether results are being posted. */
  get busy(): boolean {
    return this.#running.size > 0;
  }

  /** Resolves once the results being posted now are done, whether or not that failed. */
  async settle(): Promise<void> {
    await Promise.all([...this.#running.values()].map((work) => work.catch(() => undefined)));
  }

  async #finalize(guildId: string, pollId: string): Promise<string | undefined> {
    const { store, logger } = this.deps;
    const key = pollKey(guildId, pollId);
    await this.deps.liveEdits.stop(key);
    const seen = await store.getPoll(guildId, pollId);
    if (!seen || seen.status !== 'closed') return undefined;
    if (seen.finalized) return seen.resultsMessageId;
    const lease = await HeldLease.take({
      take: () => store.claimResults(guildId, pollId, this.#holder, LEASE_MS),
      drop: () => store.releaseResults(guildId, pollId, this.#holder),
    });
    if (!lease.held) {
      logger.info({ guildId, pollId }, 'poll results are being posted by another process');
      this.#lookAgain(guildId, pollId, lease.expiresAt - Date.now() + LOOK_AGAIN_SLACK_MS);
      return undefined;
    }
    try {
      return await this.#post(guildId, pollId, lease);
    } finally {
      await lease.release().catch((err: unknown) => logger.warn({ guildId, pollId, err }, 'giving up the results lease failed; it lapses by itself'));
    }
  }

  /** Posts the results under the lease. */
  async #post(guildId: string, pollId: string, lease: HeldLease): Promise<string | undefined> {
    const { store, logger, publisher, queue } = this.deps;
    const key = pollKey(guildId, pollId);
    // Read again under the lease: the counts as they are now (no vote is stored after the close
    // claim), and a poll finished meanwhile stays so.
    const counted = await store.getCounted(guildId, pollId);
    if (!counted) return undefined;
    const { poll } = counted;
    if (poll.finalized) return poll.resultsMessageId;
    const tally = tallyCounts(poll.coupleIds, counted.counts);
    await store.addToLeaderboard(guildId, pollId, tally);
    const payload = this.#render(poll, tally, await catalogueFor(this.deps.catalogue, poll.guildId));
    // The one visible step: only while the lease is still this process's.
    if (!(await lease.confirm())) {
      logger.warn({ guildId, pollId }, 'the results lease lapsed while posting; another process posts the results');
      return undefined;
    }
    let resultsMessageId: string | undefined;
    try {
      if (poll.messageId) {
        const edited = await publisher.editMessage(poll.channelId, poll.messageId, payload);
        if (edited === 'ok') resultsMessageId = poll.messageId;
        else logger.info({ guildId, pollId }, 'poll message is gone; posting the results as a new message');
      }
      if (!resultsMessageId) {
        const posted = await publisher.postMessage(poll.channelId, payload);
        if (posted.ok) resultsMessageId = posted.messageId;
        else logger.warn({ guildId, pollId, channelId: poll.channelId }, 'cannot post poll results in the channel; the result is recorded in the leaderboard');
      }
    } catch (err) {
      this.#retryLater(guildId, pollId, err);
      return undefined;
    }
    this.#attempts.delete(key);
    await queue.run(key, async () => {
      if (!(await store.updatePoll(guildId, pollId, (latest) => ({ ...latest, finalized: true, resultsMessageId })))) {
        await store.savePoll({ ...poll, finalized: true, resultsMessageId });
      }
    });
    await this.deps.openPolls.remove(guildId, pollId);
    logger.info({ guildId, pollId, voters: tally.totalVoters, winners: tally.winners }, 'poll results recorded');
    // The server's polls that expired since (with their voters' ids) leave the store for good.
    await store.deleteExpired(guildId).catch((err: unknown) => logger.warn({ guildId, err }, 'deleting expired polls failed; the next close tries again'));
    return resultsMessageId;
  }

  #retryLater(guildId: string, pollId: string, err: unknown): void {
    const key = pollKey(guildId, pollId);
    const attempt = this.#attempts.get(key) ?? 0;
    const wait = RESULT_RETRIES_MS[attempt];
    this.deps.logger.error(
      { guildId, pollId, err, attempt },
      wait === undefined ? 'posting poll results failed; the next start-up tries again' : 'posting poll results failed; trying again later',
    );
    if (wait !== undefined && this.deps.timers.set(`results:${key}`, wait, () => this.finalize(guildId, pollId))) {
      this.#attempts.set(key, attempt + 1);
    }
  }

  #render(poll: Poll, tally: Tally, catalogue: Catalogue): PollMessagePayload {
    const { logger } = this.deps;
    let chart: OutgoingFile | undefined;
    try {
      const labels = poll.coupleIds.map((id) => candidateName(catalogue, id, poll.lang));
      chart = { name: chartFileName(poll), data: this.deps.renderChart(tally, labels, poll.lang, { title: questionText(poll) }) };
    } catch (err) {
      logger.error({ guildId: poll.guildId, pollId: poll.id, err }, 'rendering the results chart failed; posting the results without it');
    }
    return resultsMessage(poll, tally, catalogue, chart);
  }
}
