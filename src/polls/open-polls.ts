import { UserError } from '../errors.js';
import type { KeyedQueue } from '../keyed-queue.js';
import type { PollStore } from '../store/polls.js';
import { pollKey, serverKey } from './ids.js';
import type { Poll } from './model.js';

/**
 * A server's list of open polls (kept next to the polls, so restarts and the open-poll limit need
 * no scan). Changes to the list run in order under the server's key.
 */
export class OpenPolls {
  constructor(
    private readonly store: PollStore,
    private readonly queue: KeyedQueue,
  ) {}

  /** The server's open polls, soonest deadline first. */
  async list(guildId: string): Promise<Poll[]> {
    const refs = await this.store.listOpenPolls(guildId);
    const polls = await Promise.all(refs.map((r) => this.store.getPoll(guildId, r.pollId)));
    return polls.filter((p): p is Poll => p?.status === 'open').sort((a, b) => a.closesAt - b.closesAt);
  }

  /** The poll a command means: the one named, or the server's only open poll. */
  async resolve(guildId: string, pollId: string | undefined): Promise<Poll> {
    if (pollId !== undefined) {
      const poll = await this.store.getPoll(guildId, pollId);
      if (!poll) throw new UserError('poll.errors.unknownPoll');
      return poll;
    }
    const open = await this.list(guildId);
    if (open.length === 0) throw new UserError('poll.errors.noOpenPoll');
    if (open.length > 1) throw new UserError('poll.errors.whichPoll');
    return open[0] as Poll;
  }

  /** Stores a new poll and lists it; refused when the server already has `max` open polls. */
  add(poll: Poll, max: number): Promise<void> {
    const { guildId } = poll;
    return this.queue.run(serverKey(guildId), async () => {
      const refs = await this.store.listOpenPolls(guildId);
      const polls = await Promise.all(refs.map((r) => this.store.getPoll(guildId, r.pollId)));
      if (polls.filter((p) => p?.status === 'open').length >= max) throw new UserError('poll.errors.tooManyOpen', { count: max });
      await this.store.savePoll(poll);
      await this.store.setOpenPolls(guildId, [...refs, { pollId: poll.id, closesAt: poll.closesAt }]);
    });
  }

  /** Takes a poll off the list (it is finished, or gone). */
  remove(guildId: string, pollId: string): Promise<void> {
    return this.queue.run(serverKey(guildId), async () => {
      const refs = await this.store.listOpenPolls(guildId);
      const next = refs.filter((r) => r.pollId !== pollId);
      if (next.length !== refs.length) await this.store.setOpenPolls(guildId, next);
    });
  }

  /** Deletes a poll whose message could not be posted, and takes it off the list. */
  async discard(poll: Poll): Promise<void> {
    await this.queue.run(pollKey(poll.guildId, poll.id), () => this.store.deletePoll(poll.guildId, poll.id));
    await this.remove(poll.guildId, poll.id);
  }
}
