import Keyv from 'keyv';
import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { seededRandom } from '../../src/catalogue/random.js';
import { addChampion, EMPTY_LEADERBOARD, type Leaderboard } from '../../src/polls/leaderboard.js';
import { createWorldCupStore, type WorldCupStore } from '../../src/store/worldcup.js';
import { createCandidatePool } from '../../src/worldcup/candidates.js';
import { createWorldCupService, type WorldCupService, type WorldCupServiceDeps } from '../../src/worldcup/service.js';
import { catalogue, CHANNEL, GUILD, MemoryPublisher, silent, START } from '../polls/helpers.js';

export { catalogue, CHANNEL, GUILD, HOUR, MEMBER, MemoryPublisher, OTHER_GUILD, refusal, silent, START, STARTER } from '../polls/helpers.js';

/** A Map that counts what the store reads and writes, key by key. */
export class CountingMap extends Map<string, unknown> {
  reads = 0;
  writes = 0;
  override get(key: string): unknown {
    this.reads += 1;
    return super.get(key);
  }
  override set(key: string, value: unknown): this {
    this.writes += 1;
    return super.set(key, value);
  }
}

/** The poll service's part the World Cup uses, in memory: all-time wins and champions. */
export class FakePolls {
  board: Leaderboard = EMPTY_LEADERBOARD;
  champions: Array<{ guildId: string; resultId: string; coupleId: string }> = [];
  async leaderboard(_guildId: string): Promise<Leaderboard> {
    return this.board;
  }
  readonly #counted = new Set<string>();
  async addChampion(guildId: string, resultId: string, coupleId: string): Promise<boolean> {
    this.champions.push({ guildId, resultId, coupleId });
    if (this.#counted.has(resultId)) return false;
    this.#counted.add(resultId);
    this.board = addChampion(this.board, coupleId);
    return true;
  }
  /** Gives a couple all-time wins. */
  win(coupleId: string, times = 1): void {
    for (let i = 0; i < times; i++) this.board = addChampion(this.board, coupleId);
  }
}

export interface WorldCupHarness {
  map: CountingMap;
  keyv: Keyv;
  store: WorldCupStore;
  clock: ManualClock;
  publisher: MemoryPublisher;
  polls: FakePolls;
  renders: number;
  service: WorldCupService;
  /** Another service over the same store, clock and publisher: a second process, or the bot after a restart. */
  another: (overrides?: Partial<WorldCupServiceDeps>) => WorldCupService;
}

export function harness(overrides: Partial<WorldCupServiceDeps> = {}): WorldCupHarness {
  const map = new CountingMap();
  const keyv = new Keyv({ store: map, namespace: 'kiss' });
  const clock = new ManualClock(START);
  const publisher = new MemoryPublisher();
  const polls = new FakePolls();
  const h = { map, keyv, store: createWorldCupStore(keyv), clock, publisher, polls, renders: 0 } as WorldCupHarness;
  const deps = (more: Partial<WorldCupServiceDeps> = {}): WorldCupServiceDeps => ({
    store: createWorldCupStore(keyv),
    pool: createCandidatePool({ catalogue }),
    clock,
    random: seededRandom(42),
    logger: silent,
    publisher,
    polls,
    renderBracket: async () => {
      h.renders += 1;
      return Buffer.from('png');
    },
    ...overrides,
    ...more,
  });
  h.service = createWorldCupService(deps());
  h.another = (more) => createWorldCupService(deps(more));
  return h;
}

export const where = { guildId: GUILD, channelId: CHANNEL };

/** The round messages posted (those with vote buttons), in order. */
export function roundPosts(publisher: MemoryPublisher) {
  return publisher.posts.filter((p) => p.payload.components.some((row) => row.components.some((c) => 'custom_id' in c && c.custom_id.startsWith('wc:vote:'))));
}
