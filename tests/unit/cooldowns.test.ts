import { ManualClock } from '@kiss-scene-bot/discord-simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { CooldownError, createCooldowns, type Cooldowns, type CooldownSubject } from '../../src/cooldowns.js';
import { UserError } from '../../src/errors.js';
import { t } from '../../src/i18n/index.js';
import { testMentions } from '../support/mentions.js';

const START = Date.UTC(2026, 10, 30, 12, 0, 0);
const mina = { channelId: 'general', user: { id: 'mina' } };

let cooldowns: Cooldowns | undefined;
afterEach(() => cooldowns?.close());

function setup(scene = { uses: 3, windowMs: 30_000 }) {
  const clock = new ManualClock(START);
  cooldowns = createCooldowns({ scene, pollStart: undefined }, clock);
  const posted: string[] = [];
  const use = (who: CooldownSubject = mina, what = 'story') =>
    cooldowns!.run('scene', who, async () => {
      posted.push(what);
      return what;
    });
  return { clock, cooldowns, posted, use };
}

/** The CooldownError a use was refused with. */
async function refused(promise: Promise<unknown>): Promise<CooldownError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CooldownError);
  return error as CooldownError;
}

describe('cooldowns', () => {
  it('allow the configured uses per member and channel, then refuse without running the command', async () => {
    const { clock, posted, use } = setup();
    expect(await use()).toBe('story');
    await clock.advance(10_000);
    await use();
    await use();
    const error = await refused(use(mina, 'fourth'));
    expect(posted).toEqual(['story', 'story', 'story']);
    // The window opened with the first use: they may try again 30 s after it.
    expect(error.retryAt).toBe(START + 30_000);
    expect(error).toBeInstanceOf(UserError);
    expect(error.key).toBe('common.cooldown');
  });

  it('say when to try again as a Discord relative timestamp, in the member’s language', async () => {
    const { use } = setup({ uses: 1, windowMs: 60_000 });
    await use();
    const error = await refused(use());
    const when = `<t:${(START + 60_000) / 1000}:R>`;
    expect(error.text('en-US', testMentions())).toBe(t('en', 'common.cooldown', { when }));
    expect(error.text('en-US', testMentions())).toContain(when);
    expect(error.text('ko', testMentions())).toBe(`이 채널에서 이 명령어를 너무 자주 사용하고 있어요. ${when} 다시 사용할 수 있어요.`);
  });

  it('count each member and each channel separately', async () => {
    const { posted, use } = setup({ uses: 1, windowMs: 30_000 });
    await use();
    await refused(use());
    await use({ channelId: 'general', user: { id: 'jisoo' } });
    await use({ channelId: 'kdrama', user: { id: 'mina' } });
    await use({ channelId: null, user: { id: 'mina' } });
    expect(posted).toHaveLength(4);
  });

  it('allow the command again once the window is over', async () => {
    const { clock, posted, use } = setup();
    for (let i = 0; i < 3; i++) await use();
    await clock.advance(29_999);
    await refused(use());
    await clock.advance(1);
    await use();
    await use();
    await use();
    await refused(use());
    expect(posted).toHaveLength(6);
  });

  it('give a use back when the command fails (nothing was posted)', async () => {
    const { cooldowns, posted, use } = setup({ uses: 1, windowMs: 30_000 });
    const failing = cooldowns.run('scene', mina, () => Promise.reject(new UserError('scene.noMatch')));
    await expect(failing).rejects.toMatchObject({ key: 'scene.noMatch' });
    await use();
    expect(posted).toEqual(['story']);
    await refused(use());
  });

  it('never let two simultaneous uses share the last one', async () => {
    const { cooldowns } = setup({ uses: 1, windowMs: 30_000 });
    let release!: () => void;
    const slow = cooldowns.run('scene', mina, () => new Promise<void>((resolve) => (release = resolve)));
    await refused(cooldowns.run('scene', mina, async () => undefined));
    release();
    await slow;
  });

  it('leave a command without a limit alone', async () => {
    const { cooldowns } = setup();
    for (let i = 0; i < 20; i++) await cooldowns.run('pollStart', mina, async () => undefined);
  });
});
