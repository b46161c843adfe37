import type { CommandInteractionOption } from 'discord.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import daily from '../../commands/kiss-daily.js';
import poll from '../../commands/kiss-poll.js';
import scene from '../../commands/kiss-scene.js';
import videoLink from '../../commands/kiss-video-link.js';
import video from '../../commands/kiss-video.js';
import { UserError } from '../../src/errors.js';
import { readFocused, readOptions, type AutocompleteName, type CommandOptions, type SubcommandOptions } from '../../src/options.js';

type Channel = NonNullable<CommandInteractionOption['channel']>;
type Role = NonNullable<CommandInteractionOption['role']>;

/** An interaction whose option getters answer from `values`, recording how they were asked. */
function interaction(subcommand: string | null, values: Record<string, unknown> = {}) {
  const calls: Array<[string, string, boolean | undefined]> = [];
  const getter = (kind: string) => (name: string, required?: boolean) => {
    calls.push([kind, name, required]);
    return values[name] ?? null;
  };
  const options = {
    getSubcommand: () => subcommand,
    getString: getter('string'),
    getBoolean: getter('boolean'),
    getChannel: getter('channel'),
    getRole: getter('role'),
  };
  return { calls, interaction: { options } as never };
}

describe('option types derived from the definitions', () => {
  it('give a command without subcommands its options, required ones never undefined', () => {
    expectTypeOf<CommandOptions<typeof scene.data>>().toEqualTypeOf<{ readonly couple: string | undefined }>();
    expectTypeOf<CommandOptions<typeof video.data>>().toEqualTypeOf<{ readonly couple: string }>();
  });

  it('give a command with subcommands one union member per subcommand', () => {
    expectTypeOf<CommandOptions<typeof poll.data>['subcommand']>().toEqualTypeOf<'start' | 'close' | 'results' | 'leaderboard'>();
    expectTypeOf<SubcommandOptions<typeof poll.data, 'start'>>().toEqualTypeOf<{
      readonly question: string | undefined;
      readonly couples: string | undefined;
      readonly duration: string | undefined;
      readonly hide_counts: boolean | undefined;
    }>();
    expectTypeOf<SubcommandOptions<typeof poll.data, 'close'>>().toEqualTypeOf<{ readonly poll: string | undefined }>();
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    expectTypeOf<SubcommandOptions<typeof poll.data, 'leaderboard'>>().toEqualTypeOf<{}>();
    expectTypeOf<SubcommandOptions<typeof videoLink.data, 'pin'>>().toEqualTypeOf<{ readonly couple: string; readonly url: string }>();
  });

  it('type channels, roles and choices', () => {
    expectTypeOf<SubcommandOptions<typeof daily.data, 'set'>>().toEqualTypeOf<{
      readonly channel: Channel;
      readonly time: string;
      readonly timezone: string | undefined;
      readonly role: Role | undefined;
      readonly language: 'en' | 'ko' | undefined;
    }>();
  });

  it('name the options that autocomplete', () => {
    expectTypeOf<AutocompleteName<typeof daily.data>>().toEqualTypeOf<'timezone'>();
    expectTypeOf<AutocompleteName<typeof poll.data>>().toEqualTypeOf<'couples' | 'poll'>();
    expectTypeOf<AutocompleteName<typeof scene.data>>().toEqualTypeOf<'couple'>();
  });

  it('make a misspelt option or subcommand name a compile error', () => {
    const read = () => readOptions(poll.data, interaction('start').interaction);
    expectTypeOf(read).returns.toEqualTypeOf<CommandOptions<typeof poll.data>>();
    const misspelt = (args: CommandOptions<typeof poll.data>, start: SubcommandOptions<typeof poll.data, 'start'>) => {
      // @ts-expect-error: there is no `hide_count` option
      void start.hide_count;
      // @ts-expect-error: `poll` is an option of close and results, not of start
      void start.poll;
      // @ts-expect-error: `couple` is the scene command's option; the poll's is `couples`
      void start.couple;
      switch (args.subcommand) {
        // @ts-expect-error: there is no `strat` subcommand
        case 'strat':
          return;
      }
    };
    // @ts-expect-error: there is no `strat` subcommand
    expectTypeOf<SubcommandOptions<typeof poll.data, 'strat'>>().toBeNever();
    // @ts-expect-error: a command without subcommands has no subcommand to pick
    void readOptions(scene.data, interaction(null).interaction).subcommand;
    expect(misspelt).toBeTypeOf('function');
  });
});

describe('readOptions', () => {
  it('reads every option of the subcommand used, absent ones as undefined', () => {
    const { calls, interaction: i } = interaction('start', { question: 'Best?', hide_counts: true });
    expect(readOptions(poll.data, i)).toEqual({
      subcommand: 'start',
      options: { question: 'Best?', couples: undefined, duration: undefined, hide_counts: true },
    });
    expect(calls).toEqual([
      ['string', 'question', false],
      ['string', 'couples', false],
      ['string', 'duration', false],
      ['boolean', 'hide_counts', false],
    ]);
  });

  it('asks discord.js for required options as required', () => {
    const { calls, interaction: i } = interaction(null, { couple: 'iu' });
    expect(readOptions(video.data, i)).toEqual({ couple: 'iu' });
    expect(calls).toEqual([['string', 'couple', true]]);
    expect(readOptions(scene.data, interaction(null).interaction)).toEqual({ couple: undefined });
  });

  it('reads channels and roles, and takes a value outside the choices as not given', () => {
    const channel = { id: '5', type: 0 };
    const role = { id: '6' };
    const set = (language: string) => readOptions(daily.data, interaction('set', { channel, time: '20:00', role, language }).interaction);
    expect(set('ko')).toEqual({ subcommand: 'set', options: { channel, time: '20:00', timezone: undefined, role, language: 'ko' } });
    expect(set('fr')).toMatchObject({ options: { language: undefined } });
  });

  it('refuses a missing required option', () => {
    expect(() => readOptions(videoLink.data, interaction('pin', { couple: 'iu' }).interaction)).toThrow(/Required option "url"/);
  });

  it('answers a subcommand the definition does not have as a stale command', () => {
    let error: unknown;
    try {
      readOptions(poll.data, interaction('explode').interaction);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).key).toBe('common.unknownCommand');
  });
});

describe('readFocused', () => {
  const focused = (name: string, value: unknown) => ({ options: { getFocused: () => ({ name, value }) } }) as never;

  it('names the option being typed in, with its text', () => {
    expect(readFocused(poll.data, focused('poll', 'sweet'))).toEqual({ name: 'poll', value: 'sweet' });
    expect(readFocused(daily.data, focused('timezone', 'seoul'))).toEqual({ name: 'timezone', value: 'seoul' });
    expect(readFocused(scene.data, focused('couple', 12))).toEqual({ name: 'couple', value: '12' });
  });

  it('ignores an option that has no autocomplete or does not exist', () => {
    expect(readFocused(poll.data, focused('question', 'x'))).toBeUndefined();
    expect(readFocused(daily.data, focused('tz', 'x'))).toBeUndefined();
  });
});
