import Keyv from 'keyv';
import { loadCatalogue, type Catalogue } from '../../src/catalogue/catalogue.js';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { createLogger } from '../../src/logger.js';
import type { EditOutcome, PollMessagePayload, PollPublisher, PostOutcome } from '../../src/polls/publisher.js';
import { createPollService, type PollService, type PollServiceDeps } from '../../src/polls/service.js';
import { createPollStore, type PollStore } from '../../src/store/polls.js';
import { UserError } from '../../src/errors.js';

export const GUILD = '100000000000000001';
export const OTHER_GUILD = '100000000000000002';
export const CHANNEL = '200000000000000001';
export const STARTER = '300000000000000001';
export const MEMBER = (n: number) => String(400000000000000000n + BigInt(n));
export const START = Date.UTC(2025, 0, 1, 12, 0, 0);
export const HOUR = 3_600_000;

export const catalogue: Catalogue = loadCatalogue();
export const silent = createLogger({ level: 'silent' });

interface StoredMessage {
  channelId: string;
  payload: PollMessagePayload;
}

/**
 * The publisher port in memory: it keeps the messages "in Discord", counts every call, and can
 * lose messages or channels (as when a moderator deletes them) or hold edits in flight.
 */
export class MemoryPublisher implements PollPublisher {
  readonly messages = new Map<string, StoredMessage>();
  readonly edits: Array<{ channelId: string; messageId: string; payload: PollMessagePayload }> = [];
  readonly posts: Array<{ channelId: string; payload: PollMessagePayload; messageId?: string }> = [];
  readonly goneChannels = new Set<string>();
  /** The next edits wait for these, one each, before completing (to hold an edit in flight). */
  readonly editGates: Array<Promise<void>> = [];
  failNextPost: Error | undefined;
  failEdits: Error | undefined;
  #next = 1;

  async editMessage(channelId: string, messageId: string, payload: PollMessagePayload): Promise<EditOutcome> {
    this.edits.push({ channelId, messageId, payload });
    const gate = this.editGates.shift();
    if (gate) await gate;
    if (this.failEdits) throw this.failEdits;
    const message = this.messages.get(messageId);
    if (!message || message.channelId !== channelId || this.goneChannels.has(channelId)) return 'gone';
    message.payload = payload;
    return 'ok';
  }

  async postMessage(channelId: string, payload: PollMessagePayload): Promise<PostOutcome> {
    if (this.failNextPost) {
      const error = this.failNextPost;
      this.failNextPost = undefined;
      throw error;
    }
    if (this.goneChannels.has(channelId)) {
      this.posts.push({ channelId, payload });
      return { ok: false, reason: 'gone' };
    }
    const messageId = String(500000000000000000n + BigInt(this.#next++));
    this.messages.set(messageId, { channelId, payload });
    this.posts.push({ channelId, payload, messageId });
    return { ok: true, messageId };
  }

  /** Holds the next edit in flight until the returned function is called. */
  holdNextEdit(): () => void {
    let release!: () => void;
    this.editGates.push(new Promise<void>((resolve) => (release = resolve)));
    return release;
  }

  /** The current text of a message's embed description. */
  text(messageId: string | undefined): string {
    return (messageId && this.messages.get(messageId)?.payload.embeds[0]?.description) || '';
  }
}

export interface Harness {
  keyv: Keyv;
  store: PollStore;
  clock: ManualClock;
  publisher: MemoryPublisher;
  service: PollService;
  /** A second service over the same Keyv, clock and publisher: the bot after a restart. */
  restart: (overrides?: Partial<PollServiceDeps>) => PollService;
}

export function harness(overrides: Partial<PollServiceDeps> = {}): Harness {
  const keyv = new Keyv();
  const store = createPollStore(keyv);
  const clock = new ManualClock(START);
  const publisher = new MemoryPublisher();
  const deps = (more: Partial<PollServiceDeps> = {}): PollServiceDeps => ({
    store: createPollStore(keyv),
    catalogue,
    clock,
    logger: silent,
    publisher,
    renderChart: () => Buffer.from('png'),
    ...overrides,
    ...more,
  });
  return { keyv, store, clock, publisher, service: createPollService(deps()), restart: (more) => createPollService(deps(more)) };
}

/**
 * The votes stored for a poll (member id → couple id): every member's key, found in the in-memory
 * store's Map and read back through Keyv (withdrawn and expired votes are left out).
 */
export async function storedVotes(keyv: Keyv, guildId: string, pollId: string): Promise<Record<string, string>> {
  const prefix = `guild:${guildId}:poll:${pollId}:vote:`;
  const namespace = keyv.namespace ? `${keyv.namespace}:` : '';
  const votes: Record<string, string> = {};
  for (const key of [...(keyv.store as Map<string, unknown>).keys()]) {
    const bare = key.slice(namespace.length);
    if (!bare.startsWith(prefix)) continue;
    const value = await keyv.get<string | null>(bare);
    if (typeof value === 'string') votes[bare.slice(prefix.length)] = value;
  }
  return votes;
}

/** Everything stored about a poll: its record, its counts and every member's vote. */
export async function storedPoll(keyv: Keyv, guildId: string, pollId: string) {
  const counted = await createPollStore(keyv).getCounted(guildId, pollId);
  return counted && { ...counted, votes: await storedVotes(keyv, guildId, pollId) };
}

/** Starts a poll with sensible defaults. */
export function startPoll(service: PollService, input: Partial<Parameters<PollService['create']>[0]> = {}) {
  return service.create({
    guildId: GUILD,
    channelId: CHANNEL,
    starterId: STARTER,
    durationMs: 24 * HOUR,
    hideCounts: false,
    lang: 'en',
    coupleIds: catalogue.couples.slice(0, 4).map((c) => c.id),
    ...input,
  });
}

/** The translation key of the UserError a promise rejects with. */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserError) return error.key;
    throw error;
  }
  throw new Error('expected a refusal');
}
