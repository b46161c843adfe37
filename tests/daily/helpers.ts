import Keyv from 'keyv';
import { loadCatalogue, type Catalogue } from '../../src/catalogue/catalogue.js';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import type { ChannelCheck, DailyPostPayload, DailyPublisher, PostOutcome } from '../../src/daily/publisher.js';
import { createDailyService, type DailyService, type DailyServiceDeps, type DailySettings } from '../../src/daily/service.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createDailyStore, type DailyStore } from '../../src/store/daily.js';
import { seededRandom, type Random } from '../../src/catalogue/random.js';
import { EMPTY_ROUND, nextInRotation, type Round } from '../../src/daily/rotation.js';

export const GUILD = '100000000000000001';
export const OTHER_GUILD = '100000000000000002';
export const CHANNEL = '200000000000000001';
export const OTHER_CHANNEL = '200000000000000002';
export const ROLE = '300000000000000001';
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const catalogue: Catalogue = loadCatalogue();

/** A seeded random source, so shuffles are the same on every run. */
export const seeded = seededRandom;

/** A logger whose JSON lines are kept for assertions. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

export interface SentPost {
  readonly channelId: string;
  readonly payload: DailyPostPayload;
  /** Clock time of the attempt. */
  readonly at: number;
  readonly outcome: PostOutcome;
}

/**
 * The publisher port in memory. Every attempt is recorded with the clock time; `outcomes` (per
 * channel) are used up one by one before falling back to `ok`, unless `always` says otherwise.
 */
export class FakePublisher implements DailyPublisher {
  readonly attempts: SentPost[] = [];
  readonly outcomes = new Map<string, PostOutcome[]>();
  readonly always = new Map<string, PostOutcome>();
  readonly checks = new Map<string, ChannelCheck>();

  constructor(private readonly clock: ManualClock) {}

  /** The posts Discord accepted. */
  get delivered(): SentPost[] {
    return this.attempts.filter((a) => a.outcome.kind === 'ok');
  }

  deliveredTo(channelId: string): SentPost[] {
    return this.delivered.filter((a) => a.channelId === channelId);
  }

  async post(channelId: string, payload: DailyPostPayload): Promise<PostOutcome> {
    const outcome = this.outcomes.get(channelId)?.shift() ?? this.always.get(channelId) ?? { kind: 'ok' };
    this.attempts.push({ channelId, payload, at: this.clock.now(), outcome });
    return outcome;
  }

  async checkChannel(_guildId: string, channelId: string): Promise<ChannelCheck> {
    return this.checks.get(channelId) ?? { ok: true };
  }
}

/** The couple id a post shows (its "Another story" button names it: `scene:another:<id>`). */
export function postedCouple(post: SentPost): string {
  const ids = (post.payload.components ?? []).flatMap((row) => row.components).map((c) => ('custom_id' in c ? c.custom_id : ''));
  const id = ids.map((customId) => /^scene:another:(.+)$/.exec(customId)?.[1]).find((x) => x !== undefined);
  if (!id) throw new Error(`No couple id in the post's buttons: ${ids.join(', ')}`);
  return id;
}

export interface Harness {
  readonly keyv: Keyv;
  readonly store: DailyStore;
  readonly clock: ManualClock;
  readonly publisher: FakePublisher;
  readonly lines: Array<Record<string, unknown>>;
  service: DailyService;
  /** A new service over the same store, clock and publisher: a bot restart. Not started. */
  restart(overrides?: Partial<DailyServiceDeps>): Promise<DailyService>;
  set(guildId: string, settings: Partial<DailySettings>): Promise<void>;
}

export function harness(start: number | Date, overrides: Partial<DailyServiceDeps> = {}): Harness {
  const keyv = new Keyv();
  const store = createDailyStore(keyv);
  const clock = new ManualClock(start);
  const publisher = new FakePublisher(clock);
  const { logger, lines } = capturingLogger();
  let seed = 1;
  const build = (extra: Partial<DailyServiceDeps> = {}) =>
    createDailyService({
      store,
      catalogue,
      clock,
      logger,
      publisher,
      ownsGuild: () => true,
      random: seeded(seed++),
      ...overrides,
      ...extra,
    });
  const h: Harness = {
    keyv,
    store,
    clock,
    publisher,
    lines,
    service: build(),
    async restart(extra) {
      await h.service.stop();
      h.service = build(extra);
      return h.service;
    },
    async set(guildId, settings) {
      await h.service.configure(guildId, { channelId: CHANNEL, time: '20:00', timezone: 'Asia/Seoul', language: 'en', ...settings });
    },
  };
  return h;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** Picks `n` stories in a row from `list`, returning them and the final round. */
export function rotate(list: readonly string[], n: number, random: Random, round: Round = EMPTY_ROUND): { picked: string[]; round: Round } {
  const picked: string[] = [];
  for (let i = 0; i < n; i++) {
    const pick = nextInRotation(list, round, random);
    picked.push(pick.id);
    round = pick.round;
  }
  return { picked, round };
}
