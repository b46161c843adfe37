import { catalogueFor, type CouplesSource } from '../stories/book.js';
import type { Random } from '../catalogue/random.js';
import type { Clock } from '../clock.js';
import { UserError } from '../errors.js';
import type { Language } from '../i18n/index.js';
import type { KeyedQueue } from '../keyed-queue.js';
import type { Logger } from '../logger.js';
import type { PollStore } from '../store/polls.js';
import type { Deadlines } from './deadlines.js';
import { pickDefaultWithOwn } from './default-pick.js';
import { MAX_DURATION_MS, MIN_DURATION_MS } from './duration.js';
import { newPollId, pollKey } from './ids.js';
import { pollMessage } from '../replies/poll.js';
import { MAX_COUPLES, MAX_QUESTION_LENGTH, MIN_COUPLES, newPoll, type Poll } from './model.js';
import type { OpenPolls } from './open-polls.js';
import type { PollPublisher } from './publisher.js';
import { noVotes, tallyCounts } from './tally.js';

export interface CreatePollInput {
  readonly guildId: string;
  readonly channelId: string;
  readonly starterId: string;
  readonly question?: string | undefined;
  /**
   * Catalogue ids. Default: a varied set picked at random from the server's catalogue
   * (pickDefaultCouples: at most MAX_COUPLES, one story per drama), or all of it when it is that small.
   */
  readonly coupleIds?: readonly string[] | undefined;
  readonly durationMs: number;
  readonly hideCounts: boolean;
  /** Language of the public message: the server's. */
  readonly lang: Language;
}

export interface PollCreatorDeps {
  readonly store: PollStore;
  readonly catalogue: CouplesSource;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly publisher: PollPublisher;
  readonly queue: KeyedQueue;
  readonly openPolls: Pick<OpenPolls, 'add' | 'discard'>;
  readonly deadlines: Pick<Deadlines, 'schedule'>;
  /** For poll ids (the crypto generator when absent) and the default candidates (Math.random when absent). */
  readonly random: Random | undefined;
  /** Open polls a server may have at once. */
  readonly maxOpenPerGuild: number;
}

/**
 * Starts a poll: stores it (within the server's open-poll limit), posts its message, records the
 * message and sets the deadline. A poll whose message cannot be posted is deleted again.
 */
export class PollCreator {
  constructor(private readonly deps: PollCreatorDeps) {}

  async create(input: CreatePollInput): Promise<Poll> {
    const { store, clock, logger, publisher, queue, openPolls, random } = this.deps;
    const catalogue = await catalogueFor(this.deps.catalogue, input.guildId);
    const picked = input.coupleIds ? undefined : pickDefaultWithOwn(catalogue.couples, MAX_COUPLES, random ?? Math.random);
    const coupleIds = [...new Set(input.coupleIds ?? picked?.coupleIds ?? [])];
    const unknown = coupleIds.find((id) => !catalogue.get(id));
    if (unknown !== undefined) throw new Error(`Unknown couple id: ${unknown}`);
    if (input.durationMs < MIN_DURATION_MS || input.durationMs > MAX_DURATION_MS) throw new RangeError(`Poll duration out of range: ${input.durationMs}`);

    let id = newPollId(random);
    for (let i = 0; (await store.getPoll(input.guildId, id)) && i < 5; i++) id = newPollId(random);
    const built = newPoll({ ...input, id, coupleIds, defaultPick: picked?.pick, createdAt: clock.now() });
    if (!built.ok) {
      switch (built.reason) {
        case 'question-too-long':
          throw new UserError('poll.errors.questionTooLong', { count: MAX_QUESTION_LENGTH });
        case 'too-many-couples':
          throw new UserError('poll.errors.tooManyCouples', { count: MAX_COUPLES });
        default:
          throw new UserError('poll.errors.tooFewCouples', { count: MIN_COUPLES });
      }
    }
    const poll = built.poll;
    await openPolls.add(poll, this.deps.maxOpenPerGuild);

    let posted;
    try {
      posted = await publisher.postMessage(poll.channelId, pollMessage(poll, tallyCounts(poll.coupleIds, noVotes(poll.coupleIds.length)), catalogue));
    } catch (err) {
      await openPolls.discard(poll);
      throw err;
    }
    if (!posted.ok) {
      await openPolls.discard(poll);
      throw new UserError('poll.errors.cannotPost');
    }
    const messageId = posted.messageId;
    const shown = await queue.run(pollKey(poll.guildId, poll.id), async () => {
      const updated = await store.updatePoll(poll.guildId, poll.id, (stored) => ({ ...stored, messageId }));
      if (updated) return updated;
      const withMessage: Poll = { ...poll, messageId };
      await store.savePoll(withMessage);
      return withMessage;
    });
    this.deps.deadlines.schedule(shown);
    logger.info({ guildId: poll.guildId, pollId: poll.id, couples: poll.coupleIds.length, picked: poll.defaultPick?.how, closesAt: poll.closesAt, hideCounts: poll.hideCounts }, 'poll started');
    return shown;
  }
}
