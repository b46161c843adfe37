import { randomUUID } from 'node:crypto';
import { catalogueFor, type CouplesSource } from '../stories/book.js';
import type { Random } from '../catalogue/random.js';
import type { Clock } from '../clock.js';
import { UserError } from '../errors.js';
import type { Language } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import type { DailyStore } from '../store/daily.js';
import { isStoreUnavailable, STORE_RETRY_MS } from '../store/availability.js';
import type { PinnedLink, VideoStore } from '../store/videos.js';
import { KeyedQueue } from '../keyed-queue.js';
import { Limiter } from '../limiter.js';
import { ChannelUnusableError, DailyOffError } from './errors.js';
import { dailyPostMessage } from '../replies/daily-post.js';
import type { DailyPublisher, PostOutcome } from './publisher.js';
import { EMPTY_ROUND, nextInRotation, putBack, storiesLeft } from './rotation.js';
import { DueScheduler } from './scheduler.js';
import { planNext, postedToday, type DailySchedule, type DisabledReason, type LastPost, type NextPost } from './schedule.js';
import { DEFAULT_ZONE, endOfDay, formatTime, localDate, normalizeZone, parseTime, TIME_EXAMPLE, ZONE_EXAMPLE } from './time.js';

/** What `/kiss-daily set` asks for. `time` and `timezone` are checked here. */
export interface DailySettings {
  readonly channelId: string;
  /** `HH:MM`, 24-hour. */
  readonly time: string;
  /** IANA name; UTC when absent. */
  readonly timezone?: string | undefined;
  readonly roleId?: string | undefined;
  readonly language: Language;
}

/** A server's schedule as `/kiss-daily status` shows it. */
export interface DailyStatus {
  readonly schedule: DailySchedule;
  /** The next post, when the schedule is on. */
  readonly next: NextPost | undefined;
  /** Stories before one repeats (counting the next); the full catalogue when a new round starts. */
  readonly storiesLeft: number;
  /** Couples in the catalogue. */
  readonly roundSize: number;
}

/** What `/kiss-daily now` achieved. */
export type PostNowResult =
  | { readonly kind: 'posted'; readonly coupleId: string; readonly next: NextPost }
  /** Today already has its post (or its claim); nothing was sent. */
  | { readonly kind: 'already-posted'; readonly next: NextPost }
  /** Discord failed for a passing reason; the story is retried later today. */
  | { readonly kind: 'retrying'; readonly coupleId: string; readonly retryAt: number }
  /** The channel is gone or the permission lost: the schedule was turned off. */
  | { readonly kind: 'disabled'; readonly reason: DisabledReason }
  /** Discord refused the message, or the day ended while retrying: given up for today. */
  | { readonly kind: 'failed' };

/** The daily story of each server. Built once at start-up; `ctx.daily` in handlers. */
export interface DailyService {
  /** Loads the schedules of the servers this process owns and starts posting. */
  start(): Promise<void>;
  /** Stops posting and waits for posts in progress. */
  stop(): Promise<void>;
  /**
   * Turns the daily story on (or changes it) and returns the new status. Throws a UserError, and
   * changes nothing, for a bad time, an unknown zone, the @everyone role, or a channel (or role) the
   * bot cannot use (a ChannelUnusableError, naming the missing permissions). Keeps the rotation and
   * today's post, so changing the settings never posts twice in a day.
   */
  configure(guildId: string, settings: DailySettings): Promise<DailyStatus>;
  /** Turns the daily story off; false when it was not on. */
  disable(guildId: string): Promise<boolean>;
  status(guildId: string): Promise<DailyStatus | undefined>;
  /**
   * Posts today's story now. It counts as today's post: the scheduled time today posts nothing.
   * Throws a UserError when no schedule is set up, and a DailyOffError when it is off.
   */
  postNow(guildId: string): Promise<PostNowResult>;
  /**
   * Stops posting for a server the bot was removed from, until `resume` (it may be invited back
   * within the grace period, with its schedule as it was). The stored schedule stays as it is.
   */
  pause(guildId: string): Promise<void>;
  /** Posting resumes for a server (the bot is back in it): its stored schedule is read again. */
  resume(guildId: string): Promise<void>;
  /** Forgets a server whose state was deleted: no timer, and nothing paused. */
  forget(guildId: string): Promise<void>;
}

export interface DailyServiceDeps {
  readonly store: DailyStore;
  /** The couples of each server: the catalogue and the server's own stories (new ones join the round; removed ones are skipped). */
  readonly catalogue: CouplesSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly publisher: DailyPublisher;
  /** True for the servers on the shards this process runs (see ownership.ts). */
  readonly ownsGuild: (guildId: string) => boolean;
  readonly random: Random;
  /** The servers' pinned filming-video links, so the post has the same buttons as `/kiss-scene`. */
  readonly videos?: Pick<VideoStore, 'pinned'> | undefined;
  /** A server's name, credited on its own stories ("Added by the members of …"); unknown: a plainer credit. */
  readonly serverName?: ((guildId: string) => string | undefined) | undefined;
  /** Posts in flight at once (default {@link POSTS_IN_FLIGHT}). */
  readonly concurrency?: number | undefined;
  /** First retry delay (default 30 s), doubled each attempt up to `retryMaxMs` (default 30 min). */
  readonly retryBaseMs?: number | undefined;
  readonly retryMaxMs?: number | undefined;
  /** Told how each post attempt ended, once it is recorded (metrics). */
  readonly onPostSettled?: ((result: PostNowResult) => void) | undefined;
}

/**
 * Posts in flight at once. Discord lets a bot make 50 requests a second (@discordjs/rest keeps to
 * it); a post takes Discord's round trip and a few store writes, so keeping that pace needs as many
 * in flight as posts per second times the seconds each takes: 50 keep it while a post takes up to
 * a second (8, as before, capped it at 40 a second with 200 ms of latency on Discord's side).
 */
export const POSTS_IN_FLIGHT = 50;
/**
 * Of those, how many may be at their store steps (the claim, the record of the outcome) at once: a
 * store answers one write at a time (SQLite, one file for every process), so more would only queue
 * behind each other past the store's deadline. Discord's wait is what the other posts overlap.
 */
export const STORE_STEPS_AT_ONCE = 8;

/** How soon a server is looked at again after an unexpected error (the store was down, a bug). */
const RECHECK_AFTER_ERROR_MS = 5 * 60 * 1000;
/** How many times a post's outcome is written while the store is unavailable (a minute in all). */
const SETTLE_TRIES = 12;

/** A claimed post, with everything it needs read from the store beforehand (sending reads nothing). */
type Claim = { readonly kind: 'claimed'; readonly schedule: DailySchedule; readonly post: LastPost; readonly pinned: PinnedLink | undefined };
type NoClaim =
  /** Not due yet, or another process claimed the post: `schedule` says when to look again. */
  | { readonly kind: 'not-due'; readonly schedule: DailySchedule }
  | { readonly kind: 'not-configured' }
  /** The bot was removed from the server: nothing claimed, nothing sent. */
  | { readonly kind: 'paused' }
  | { readonly kind: 'off'; readonly reason: DisabledReason | undefined; readonly channelId: string }
  | { readonly kind: 'already-posted'; readonly next: NextPost };

/** A user's input shown back inside `code`: short, without backticks. */
function sanitize(value: string): string {
  return value.trim().slice(0, 40).replace(/`/g, "'");
}

export function createDailyService(deps: DailyServiceDeps): DailyService {
  const { store, catalogue, clock, logger, publisher, ownsGuild, random } = deps;
  /** The ids of the couples a server's rotation goes through now. */
  const idsOf = async (guildId: string) => (await catalogueFor(catalogue, guildId)).couples.map((c) => c.id);
  const retryBase = deps.retryBaseMs ?? 30_000;
  const retryMax = deps.retryMaxMs ?? 30 * 60_000;
  const lock = new KeyedQueue();
  const storeSteps = new Limiter(STORE_STEPS_AT_ONCE);
  /** This service's id in the store's post claims. */
  const holder = randomUUID();
  /** Servers the bot was removed from, kept out of the queue until it is back. */
  const paused = new Set<string>();
  let started = false;
  /** Set by `stop`: a post's outcome is no longer written again and again. */
  let stopping = false;

  const scheduler = new DueScheduler({
    clock,
    concurrency: deps.concurrency ?? POSTS_IN_FLIGHT,
    run: (guildId) => runScheduled(guildId),
    onError: (guildId, err) => logger.error({ guildId, err }, 'daily scheduler error'),
  });

  /** Puts a server in the queue at its next post, or takes it out. */
  function reschedule(guildId: string, schedule: DailySchedule | undefined): void {
    if (!schedule?.enabled || !ownsGuild(guildId) || paused.has(guildId)) scheduler.cancel(guildId);
    else scheduler.schedule(guildId, planNext(schedule, clock.now()).at);
  }

  function statusOf(schedule: DailySchedule, catalogueIds: readonly string[]): DailyStatus {
    return {
      schedule,
      next: schedule.enabled ? planNext(schedule, clock.now()) : undefined,
      storiesLeft: storiesLeft(catalogueIds, schedule.round),
      roundSize: catalogueIds.length,
    };
  }

  function retryDelay(attempts: number, retryAfterMs: number | undefined): number {
    const backoff = Math.min(retryMax, retryBase * 2 ** Math.max(0, attempts - 1));
    return Math.max(retryAfterMs ?? 0, Math.round(backoff * (0.8 + 0.4 * random())));
  }

  /** Step 1, under the server's lock: decide, and claim the day in the store before sending. */
  async function claim(guildId: string, trigger: 'scheduled' | 'now'): Promise<Claim | NoClaim> {
    // Removed from the server: nothing is claimed (the day stays owed for when it is back).
    if (paused.has(guildId)) return { kind: 'paused' };
    const schedule = await store.get(guildId);
    if (!schedule) return { kind: 'not-configured' };
    if (!schedule.enabled) return { kind: 'off', reason: schedule.disabledReason, channelId: schedule.channelId };
    const now = clock.now();
    const plan = planNext(schedule, now);
    let post: LastPost;
    let round = schedule.round;
    if (plan.retry && schedule.lastPost && (trigger === 'now' || plan.at <= now)) {
      post = { ...schedule.lastPost, state: 'sending', attempts: schedule.lastPost.attempts + 1, retryAt: undefined };
    } else if (trigger === 'scheduled' && plan.at > now) {
      return { kind: 'not-due', schedule };
    } else if (trigger === 'now' && postedToday(schedule, now)) {
      return { kind: 'already-posted', next: plan };
    } else {
      const pick = nextInRotation(await idsOf(guildId), schedule.round, random);
      round = pick.round;
      const date = trigger === 'now' ? localDate(now, schedule.timezone) : plan.date;
      post = { date, coupleId: pick.id, state: 'sending', attempts: 1, claimedAt: now };
    }
    // Read before claiming: once claimed, a post that fails for want of the store is lost for the day.
    const pinned = await deps.videos?.pinned(guildId, post.coupleId);
    // The store's claim makes the post exactly once even when another process also thinks it owns
    // this server (a rolling deploy): only the winner records and sends it.
    if (!(await store.claimPost(guildId, post.date, post.attempts, { holder, coupleId: post.coupleId, claimedAt: now }))) {
      logger.info({ guildId, date: post.date, attempt: post.attempts }, 'daily post claimed by another process; not posting');
      const elsewhere: DailySchedule = { ...schedule, lastPost: { ...post, state: 'sending' } };
      return trigger === 'now' ? { kind: 'already-posted', next: planNext(elsewhere, now) } : { kind: 'not-due', schedule: elsewhere };
    }
    const claimed: DailySchedule = { ...schedule, lastPost: post, round };
    await store.save(guildId, claimed);
    return { kind: 'claimed', schedule: claimed, post, pinned };
  }

  /** Step 2, without the lock: build the message and send it. Never throws. */
  async function send(guildId: string, { schedule, post, pinned }: Claim): Promise<PostOutcome> {
    try {
      const couples = await catalogueFor(catalogue, guildId);
      const couple = couples.get(post.coupleId);
      if (!couple) return { kind: 'rejected', detail: `couple ${post.coupleId} is no longer in the catalogue` };
      const payload = dailyPostMessage({ couple, source: couples.sourceOf(couple), lang: schedule.language, pinned, roleId: schedule.roleId, serverName: deps.serverName?.(guildId) });
      return await publisher.post(schedule.channelId, payload);
    } catch (err) {
      // Nothing reached Discord, or the publisher broke its promise not to throw: try again later.
      logger.error({ guildId, err }, 'daily post could not be attempted');
      return { kind: 'transient', detail: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Step 3, under the lock: record what happened and plan the next post. */
  async function settle(guildId: string, done: Claim, sent: PostOutcome): Promise<PostNowResult> {
    // Refused (403) because the bot was removed meanwhile: that says nothing about the channel, and
    // a server that invites the bot back carries on with its schedule on. Tried again once it is back.
    const outcome: PostOutcome = sent.kind === 'permanent' && paused.has(guildId) ? { kind: 'transient', detail: `the bot was removed from the server (${sent.detail ?? 'refused'})` } : sent;
    const current = await store.get(guildId);
    const now = clock.now();
    const { post } = done;
    const context = { guildId, channelId: done.schedule.channelId, coupleId: post.coupleId, date: post.date, attempts: post.attempts };
    if (!current || current.lastPost?.date !== post.date || current.lastPost.coupleId !== post.coupleId) {
      // The record changed while sending (deleted by hand?): leave it as it is.
      logger.warn({ ...context, outcome: outcome.kind }, 'daily schedule changed while posting; outcome not recorded');
      reschedule(guildId, current);
      if (outcome.kind !== 'ok') return { kind: 'failed' };
      return { kind: 'posted', coupleId: post.coupleId, next: planNext({ ...done.schedule, lastPost: { ...post, state: 'sent' } }, now) };
    }
    let next: DailySchedule;
    let result: PostNowResult;
    switch (outcome.kind) {
      case 'ok':
        next = { ...current, lastPost: { ...post, state: 'sent' } };
        logger.info(context, 'daily story posted');
        result = { kind: 'posted', coupleId: post.coupleId, next: planNext(next, now) };
        break;
      case 'transient': {
        const retryAt = now + retryDelay(post.attempts, outcome.retryAfterMs);
        if (retryAt < endOfDay(post.date, current.timezone)) {
          next = { ...current, lastPost: { ...post, state: 'retrying', retryAt } };
          logger.warn({ ...context, retryAt, detail: outcome.detail }, 'daily post failed, will retry');
          result = { kind: 'retrying', coupleId: post.coupleId, retryAt };
        } else {
          next = { ...current, lastPost: { ...post, state: 'abandoned' }, round: putBack(current.round, post.coupleId) };
          logger.warn({ ...context, detail: outcome.detail }, 'daily post failed all day, giving up until tomorrow');
          result = { kind: 'failed' };
        }
        break;
      }
      case 'permanent':
        if (current.enabled && current.channelId === done.schedule.channelId) {
          next = {
            ...current,
            enabled: false,
            disabledReason: outcome.reason,
            disabledAt: now,
            lastPost: { ...post, state: 'abandoned' },
            round: putBack(current.round, post.coupleId),
          };
          logger.warn({ ...context, reason: outcome.reason, detail: outcome.detail }, 'daily schedule turned off: the bot cannot post in the channel');
          result = { kind: 'disabled', reason: outcome.reason };
        } else {
          // The settings changed while sending: the failure was about the old channel.
          next = { ...current, lastPost: { ...post, state: 'abandoned' }, round: putBack(current.round, post.coupleId) };
          result = { kind: 'failed' };
        }
        break;
      case 'rejected':
        // Not put back: a message Discord refuses for its content would be refused every day.
        next = { ...current, lastPost: { ...post, state: 'abandoned' } };
        logger.error({ ...context, detail: outcome.detail }, 'daily post refused by Discord, giving up for today');
        result = { kind: 'failed' };
        break;
    }
    await store.save(guildId, next);
    reschedule(guildId, next);
    return result;
  }

  async function attempt(guildId: string, trigger: 'scheduled' | 'now'): Promise<PostNowResult | NoClaim> {
    // Steps 1 and 3 hold the server's lock; sending does not, so a slow Discord never blocks
    // `/kiss-daily off` or `set`. The claim written in step 1 keeps a second post out meanwhile.
    const claimed = await lock.run(guildId, async () => {
      const result = await storeSteps.run(() => claim(guildId, trigger));
      if (result.kind === 'not-due') {
        reschedule(guildId, result.schedule);
      } else if (result.kind !== 'claimed' && trigger === 'scheduled') {
        scheduler.cancel(guildId);
      }
      return result;
    });
    if (claimed.kind !== 'claimed') return claimed;
    // Removed from the server while the claim was made: not sent, and owed again once it is back.
    const outcome: PostOutcome = paused.has(guildId) ? { kind: 'transient', detail: 'not sent: the bot was removed from the server' } : await send(guildId, claimed);
    const result = await settleOnceStored(guildId, claimed, outcome);
    deps.onPostSettled?.(result);
    return result;
  }

  /**
   * Step 3, tried again while the store is unavailable: the post was made (or failed), and the
   * record must say so. Until it does, it says `sending`, which is never sent again, so a long
   * outage costs at most that day's retry, never a second post.
   */
  async function settleOnceStored(guildId: string, claimed: Claim, outcome: PostOutcome): Promise<PostNowResult> {
    for (let tries = 1; ; tries++) {
      try {
        return await lock.run(guildId, () => storeSteps.run(() => settle(guildId, claimed, outcome)));
      } catch (err) {
        if (!isStoreUnavailable(err) || tries >= SETTLE_TRIES || stopping) throw err;
        await new Promise<void>((resolve) => clock.setTimeout(resolve, STORE_RETRY_MS));
      }
    }
  }

  async function runScheduled(guildId: string): Promise<void> {
    try {
      await attempt(guildId, 'scheduled');
    } catch (err) {
      // The store logs its outage once; each server just looks again soon after.
      const storeDown = isStoreUnavailable(err);
      if (storeDown) logger.debug({ guildId, reason: err.reason }, 'daily post waits for the store');
      else logger.error({ guildId, err }, 'daily post run failed; looking again later');
      if (scheduler.dueAt(guildId) === undefined) scheduler.schedule(guildId, clock.now() + (storeDown ? STORE_RETRY_MS : RECHECK_AFTER_ERROR_MS));
    }
  }

  return {
    async start() {
      if (started) return;
      started = true;
      const began = performance.now();
      const now = clock.now();
      const entries: Array<[string, number]> = [];
      let seen = 0;
      let invalid = 0;
      const batches = store.list({
        // A server the bot was removed from (paused before start-up by the data lifecycle) stays out.
        include: (guildId) => ownsGuild(guildId) && !paused.has(guildId),
        onInvalid: (guildId, problem) => {
          invalid++;
          logger.warn({ guildId, problem }, 'unreadable daily schedule skipped');
        },
      });
      for await (const batch of batches) {
        for (const { guildId, schedule } of batch) {
          seen++;
          if (!schedule.enabled) continue;
          try {
            entries.push([guildId, planNext(schedule, now).at]);
          } catch (err) {
            invalid++;
            logger.warn({ guildId, err }, 'daily schedule skipped');
          }
        }
      }
      scheduler.load(entries);
      scheduler.start();
      logger.info({ owned: seen, scheduled: scheduler.size, invalid, ms: Math.round(performance.now() - began) }, 'daily schedules loaded');
    },

    async stop() {
      started = false;
      stopping = true;
      await scheduler.stop();
    },

    async configure(guildId, settings) {
      if (!settings.time.trim()) throw new UserError('daily.error.noTime', { example: TIME_EXAMPLE });
      const time = parseTime(settings.time);
      if (!time) throw new UserError('daily.error.badTime', { value: sanitize(settings.time), example: TIME_EXAMPLE });
      const zoneName = settings.timezone?.trim() || DEFAULT_ZONE;
      const zone = normalizeZone(zoneName);
      if (!zone) throw new UserError('daily.error.badZone', { value: sanitize(zoneName), example: ZONE_EXAMPLE });
      if (settings.roleId === guildId) throw new UserError('daily.error.everyoneRole');

      const check = await publisher.checkChannel(guildId, settings.channelId, settings.roleId);
      if (!check.ok) throw new ChannelUnusableError(check, settings.channelId, settings.roleId);

      return lock.run(guildId, async () => {
        const previous = await store.get(guildId);
        const schedule: DailySchedule = {
          channelId: settings.channelId,
          time: formatTime(time),
          timezone: zone,
          roleId: settings.roleId,
          language: settings.language,
          enabled: true,
          activeSince: clock.now(),
          lastPost: previous?.lastPost,
          round: previous?.round ?? EMPTY_ROUND,
        };
        await store.save(guildId, schedule);
        reschedule(guildId, schedule);
        if (!ownsGuild(guildId)) logger.warn({ guildId }, 'daily schedule saved for a server another process owns');
        logger.info({ guildId, channelId: schedule.channelId, time: schedule.time, timezone: zone }, 'daily schedule set');
        return statusOf(schedule, await idsOf(guildId));
      });
    },

    async disable(guildId) {
      return lock.run(guildId, async () => {
        const schedule = await store.get(guildId);
        scheduler.cancel(guildId);
        if (!schedule?.enabled) return false;
        await store.save(guildId, { ...schedule, enabled: false, disabledReason: undefined, disabledAt: clock.now() });
        logger.info({ guildId }, 'daily schedule turned off');
        return true;
      });
    },

    async status(guildId) {
      const schedule = await store.get(guildId);
      return schedule ? statusOf(schedule, await idsOf(guildId)) : undefined;
    },

    async postNow(guildId) {
      const result = await attempt(guildId, 'now');
      switch (result.kind) {
        case 'not-configured':
          throw new UserError('daily.status.notConfigured');
        case 'off':
          throw new DailyOffError(result.reason, result.channelId);
        case 'not-due':
          throw new Error('unreachable: a post requested now is always due');
        case 'paused':
          // A command from a server the bot was removed from: only in the moment of the removal.
          throw new UserError('daily.error.removed');
        default:
          return result;
      }
    },

    async pause(guildId) {
      paused.add(guildId);
      await lock.run(guildId, () => Promise.resolve(scheduler.cancel(guildId)));
    },

    async resume(guildId) {
      if (!paused.delete(guildId)) return;
      await lock.run(guildId, async () => reschedule(guildId, await store.get(guildId)));
    },

    async forget(guildId) {
      paused.delete(guildId);
      await lock.run(guildId, () => Promise.resolve(scheduler.cancel(guildId)));
    },
  };
}
