/**
 * A Redis outage while members use the bot: its own redis-server (persisted, as in production) is
 * killed while 20 members use every store-backed command and click votes. Each gets one private
 * "storage unavailable" answer within Discord's 3 s (the simulator refuses a later first response),
 * the process keeps running, /healthz says 503 and /metrics counts them. Redis is started again:
 * /healthz turns 200 within 5 s and the first command after it is served; nothing refused during the
 * outage shows up afterwards.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { InteractionResult, SimMessage, SimUser } from '@kiss-scene-bot/discord-simulator';
import { t } from '../../src/i18n/index.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startWorld, type World } from './harness.js';

let redis: RedisServer;
let world: World;
let url: string;
let poll: SimMessage;
let otherChannel: string;

const buttons = (m: SimMessage) => m.components.flatMap((row) => row.components ?? []);
const voteId = (m: SimMessage, n: number) => buttons(m).filter((c) => c.custom_id?.startsWith('poll:vote:'))[n]!.custom_id!;
const withdrawId = (m: SimMessage) => buttons(m).find((c) => c.custom_id?.startsWith('poll:withdraw:'))!.custom_id!;
const isPoll = (m: SimMessage) => buttons(m).some((c) => c.custom_id?.startsWith('poll:vote:'));

const fan = (locale = 'en-US') => world.sim.createMember(world.guild.id, { username: `fan-${Math.random().toString(36).slice(2, 7)}`, locale }).user;
const mod = (locale = 'en-US') => world.sim.createMember(world.guild.id, { username: `mod-${Math.random().toString(36).slice(2, 7)}`, locale, moderator: true }).user;

async function sample(line: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

const command = (user: SimUser, name: string, subcommand: string | undefined, options: Record<string, string | number | boolean> = {}, channelId = world.channelId) =>
  world.sim.command({ user, guildId: world.guild.id, channelId, name, ...(subcommand ? { subcommand } : {}), options, locale: user.locale });

beforeAll(async () => {
  redis = await startRedisServer({ persist: true });
  world = await startWorld({ storeUrl: redis.url, firstBot: { metricsPort: 0 } });
  url = world.bot.app.metricsUrl!;
  otherChannel = world.guild.channels.filter((c) => c.type === 0)[1]!.id;
  // Before the outage: a pinned link and an open poll with one vote.
  const pinned = await command(mod(), 'kiss-video-link', 'pin', { couple: 'park-hae-jin-kim-go-eun', url: 'https://tv.naver.com/v/123456' });
  expect(pinned.message!.content).toMatch(/^Pinned Naver TV link/);
  const started = await (await command(mod(), 'kiss-poll', 'start', { couples: 'Love in the Moonlight, Lee Joon Ki, Krystal' })).settled();
  expect(started.message!.content).toMatch(/^Your poll is up: /);
  poll = await world.sim.waitForMessage(world.channelId, isPoll);
  const vote = await world.sim.click({ user: fan(), message: poll, customId: voteId(poll, 0) });
  expect(vote.ephemeral).toBe(true);
}, 60_000);

afterAll(async () => {
  await world?.close();
  await redis?.kill();
});

describe('a Redis outage while 20 members use the bot', () => {
  let answers: InteractionResult[] = [];
  let publicBefore = 0;

  it('answers every store-backed command and vote privately, once, in time, while Redis is down', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    publicBefore = world.sim.messages(world.channelId).length + world.sim.messages(otherChannel).length;
    await redis.kill();

    const en = t('en', 'common.storeUnavailable');
    const ko = t('ko', 'common.storeUnavailable');
    const actions: Array<() => Promise<InteractionResult>> = [
      () => command(fan(), 'kiss-video', undefined, { couple: 'lee-joon-ki-iu' }),
      () => command(fan('ko'), 'kiss-video', undefined, { couple: 'park-hae-jin-kim-go-eun' }),
      () => command(mod(), 'kiss-video-link', 'pin', { couple: 'eric-seo-hyun-jin', url: 'https://www.youtube.com/watch?v=outage' }),
      () => command(mod('ko'), 'kiss-video-link', 'pin', { couple: 'lee-joon-ki-iu', url: 'https://www.youtube.com/watch?v=outage2' }),
      () => command(mod(), 'kiss-video-link', 'remove', { couple: 'park-hae-jin-kim-go-eun' }),
      () => command(mod(), 'kiss-poll', 'start', { couples: 'Love in the Moonlight, Lee Joon Ki' }, otherChannel),
      () => command(fan(), 'kiss-poll', 'leaderboard', {}),
      () => command(mod(), 'kiss-daily', 'set', { channel: world.channelId, time: '09:00', timezone: 'Asia/Seoul' }),
      () => command(mod(), 'kiss-daily', 'status', {}),
      () => command(mod('ko'), 'kiss-daily', 'off', {}),
      ...Array.from({ length: 8 }, (_, i) => () => world.sim.click({ user: fan(i % 4 === 0 ? 'ko' : 'en-US'), message: poll, customId: voteId(poll, i % 3) })),
      () => world.sim.click({ user: fan(), message: poll, customId: withdrawId(poll) }),
      () => world.sim.click({ user: fan('ko'), message: poll, customId: voteId(poll, 2) }),
    ];
    expect(actions).toHaveLength(20);
    answers = await Promise.all(actions.map(async (act) => (await act()).settled()));

    for (const answer of answers) {
      // The simulator refuses a first response after 3 s (Unknown interaction): none was refused.
      expect(answer.errors).toEqual([]);
      expect(answer.outcome === 'replied' || answer.outcome === 'deferred').toBe(true);
      expect(answer.ephemeral).toBe(true);
      expect([en, ko]).toContain(answer.message!.content);
      expect(answer.followUps).toEqual([]);
    }
    expect(answers.filter((a) => a.message!.content === ko)).toHaveLength(6);
    // Nothing public was posted meanwhile.
    expect(world.sim.messages(world.channelId).length + world.sim.messages(otherChannel).length).toBe(publicBefore);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { reasons: string[] }).reasons).toEqual([expect.stringMatching(/^store unavailable: /)]);
    // Counted exactly: 12 commands and 8 + 2 clicks, each refused for want of the store.
    const refused = async (kind: string, name: string) => (await sample(`kiss_interactions_total{kind="${kind}",command="${name}",outcome="store_unavailable"}`)) ?? 0;
    expect(await refused('command', 'kiss-video')).toBe(2);
    expect(await refused('command', 'kiss-video-link')).toBe(3);
    expect(await refused('command', 'kiss-poll')).toBe(2);
    expect(await refused('command', 'kiss-daily')).toBe(3);
    expect(await refused('component', 'poll')).toBe(10);
    expect(await sample('kiss_store_up')).toBe(0);
    // One warning for the outage, not one per member.
    expect(world.bot.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('store unavailable'))).toHaveLength(1);
    expect(world.bot.logs.filter((l) => l.msg === 'interaction failed')).toEqual([]);
  }, 60_000);

  it('works again within 5 s of Redis coming back, with nothing refused applied late and nothing answered twice', async () => {
    await redis.start();
    const back = Date.now();
    // /healthz says what the commands' store gate says: the first command after it turns 200 is served.
    await vi.waitFor(async () => expect((await fetch(`${url}/healthz`)).status).toBe(200), { timeout: 5_000, interval: 50 });
    console.info(`/healthz was 200 again ${Date.now() - back} ms after Redis accepted connections`);
    const first = await command(fan(), 'kiss-video', undefined, { couple: 'park-hae-jin-kim-go-eun' });
    expect(first.message!.content).not.toBe(t('en', 'common.storeUnavailable'));
    expect(first.message!.components[0]!.components![0]).toMatchObject({ url: 'https://tv.naver.com/v/123456' });
    expect(world.bot.logs.filter((l) => l.msg === 'store available again')).toHaveLength(1);
    expect(await sample('kiss_store_up')).toBe(1);

    // The pins refused during the outage are not live; the link whose removal was refused still is.
    const eric = await command(fan(), 'kiss-video', undefined, { couple: 'eric-seo-hyun-jin' });
    expect(buttons(eric.message!).map((b) => b.url)).not.toContain('https://www.youtube.com/watch?v=outage');
    const iu = await command(fan(), 'kiss-video', undefined, { couple: 'lee-joon-ki-iu' });
    expect(buttons(iu.message!).map((b) => b.url)).not.toContain('https://www.youtube.com/watch?v=outage2');
    // No daily schedule was set, no poll started, no vote counted.
    const status = await (await command(mod(), 'kiss-daily', 'status', {})).settled();
    expect(status.message!.content).toMatch(/^No daily story is set up in this server yet\./);
    const results = await (await command(fan(), 'kiss-poll', 'results', {})).settled();
    expect(results.message!.embeds[0]?.description ?? results.message!.content).toMatch(/\b1 vote\b|\b1 voter\b|1표|1명/);
    // The refused poll start never appeared, and no answer came twice.
    expect(world.sim.messages(otherChannel)).toEqual([]);
    expect(world.sim.messages(world.channelId).filter(isPoll)).toHaveLength(1);
    for (const answer of answers) expect(answer.followUps).toEqual([]);
  }, 30_000);
});
