import type { Catalogue } from './catalogue/catalogue.js';
import type { Random } from './catalogue/random.js';
import type { CoupleSearch } from './catalogue/search.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Cooldowns } from './cooldowns.js';
import type { DailyService } from './daily/service.js';
import type { DataLifecycle } from './lifecycle/service.js';
import type { Logger } from './logger.js';
import type { CommandMentions } from './mentions.js';
import type { PollService } from './polls/service.js';
import type { SceneReplies } from './replies/scene-replies.js';
import type { Store } from './store/index.js';
import type { CoupleBook } from './stories/book.js';
import type { StoryService } from './stories/service.js';
import type { QuizService } from './quiz/service.js';
import type { WorldCupService } from './worldcup/service.js';

/**
 * Everything a handler may use, built once at start-up and passed to every handler explicitly.
 * Nothing is hung on the discord.js client or kept in module globals.
 */
export interface AppContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  /** The built-in catalogue (what every server and DM sees), and its search. */
  readonly catalogue: Catalogue;
  readonly search: CoupleSearch;
  /** The couples one server sees: the catalogue and the server's own stories. Ask it with the interaction's server. */
  readonly couples: CoupleBook;
  /** A server's own stories (`/kiss-story`). */
  readonly stories: StoryService;
  /** The `/kiss-scene` answers, built once each. */
  readonly sceneReplies: SceneReplies;
  readonly clock: Clock;
  readonly random: Random;
  readonly polls: PollService;
  readonly daily: DailyService;
  /** What happens to a server's state when the bot is removed, and `/kiss-data`. */
  readonly lifecycle: DataLifecycle;
  /** The Kiss-scene World Cup: solo runs and server tournaments. */
  readonly worldcup: WorldCupService;
  /** `/kiss-quiz`: solo and server games, the leaderboard, members' statistics. */
  readonly quiz: QuizService;
  /** Per-member cooldowns on the commands that post publicly (in memory, per process). */
  readonly cooldowns: Cooldowns;
  /** How answers name the bot's commands: mentions once their ids are known (learnt at start-up). */
  readonly mentions: CommandMentions;
}
