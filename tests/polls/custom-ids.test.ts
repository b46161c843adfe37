import { describe, expect, it } from 'vitest';
import { parsePollCustomId, pollCustomId, POLL_PREFIX } from '../../src/polls/custom-ids.js';
import { isPollId, newPollId } from '../../src/polls/ids.js';

const args = (id: string) => id.split(':').slice(1);

describe('poll ids', () => {
  it('are 10 url-safe characters, random each time', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newPollId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(isPollId(id)).toBe(true);
  });

  it('can be made reproducible with an injected random', () => {
    const seq = () => {
      let x = 0.1;
      return () => (x = (x * 9301 + 0.49297) % 1);
    };
    expect(newPollId(seq())).toBe(newPollId(seq()));
  });

  it('refuse anything else', () => {
    for (const bad of ['', 'short', 'AbCdEfGh1!', 'AbCdEfGh123', '../../etc', 'AbCdE:Gh12']) expect(isPollId(bad)).toBe(false);
  });
});

describe('poll custom ids', () => {
  it('carry only the action, the poll id and a candidate’s position, and read back', () => {
    const vote = pollCustomId({ action: 'vote', pollId: 'AbCdEfGh12', index: 19 });
    expect(vote).toBe('poll:vote:AbCdEfGh12:19');
    expect(vote.startsWith(`${POLL_PREFIX}:`)).toBe(true);
    expect(parsePollCustomId(args(vote))).toEqual({ action: 'vote', pollId: 'AbCdEfGh12', index: 19 });
    for (const action of ['withdraw', 'close', 'results'] as const) {
      const id = pollCustomId({ action, pollId: 'AbCdEfGh12' });
      expect(id).toBe(`poll:${action}:AbCdEfGh12`);
      expect(parsePollCustomId(args(id))).toEqual({ action, pollId: 'AbCdEfGh12' });
    }
  });

  it.each([
    [[]],
    [['vote']],
    [['vote', 'AbCdEfGh12']],
    [['vote', 'AbCdEfGh12', '-1']],
    [['vote', 'AbCdEfGh12', '20']],
    [['vote', 'AbCdEfGh12', '1e1']],
    [['vote', 'AbCdEfGh12', '01', 'x']],
    [['vote', 'not-an-id!', '1']],
    [['close', 'AbCdEfGh12', '1']],
    [['delete', 'AbCdEfGh12']],
    [['results', '']],
  ])('refuse forged parts %j', (parts) => {
    expect(parsePollCustomId(parts)).toBeUndefined();
  });
});
