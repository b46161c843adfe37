/**
 * `/kiss-quiz` through the real discord.js client against the simulator: a solo game to its end, a
 * server game raced by 30 members (wrong answers, a hint, a timeout, an early win by five points),
 * a restart mid-question on the same store, forged and late clicks, a Korean member, and the
 * leaderboard after two games.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type SimMessage, type SimUser } from '@kiss-scene-bot/discord-simulator';
import { coupleName, loadCatalogue, type Couple } from '../../src/catalogue/catalogue.js';
import { hideNames } from '../../src/quiz/hide.js';
import { openKeyv } from '../../src/store/keyv.js';
import { forgetGuilds } from '../support/backends.js';
import { startWorld, type World } from './harness.js';

const catalogue = loadCatalogue();
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

type Lang = 'en' | 'ko';
const buttons = (m: SimMessage) => m.components.flatMap((row) => row.components ?? []);
const choiceButtons = (m: SimMessage) => buttons(m).filter((c) => /^quiz:[pa]:/.test(c.custom_id ?? ''));
const button = (m: SimMessage, prefix: string) => buttons(m).find((c) => c.custom_id?.startsWith(prefix));
const isQuestion = (m: SimMessage) => buttons(m).some((c) => c.custom_id?.startsWith('quiz:a:'));
const labelName = (label: string) => label.replace(/^[A-D] · /, '');

/** Whether `word` stands in `text` as a word of its own (a Hangul one anywhere). */
function shows(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return /\p{Script=Hangul}/u.test(word) && word.length > 1 ? text.includes(word) : new RegExp(`(?<![\\p{Script=Latin}\\p{N}])${escaped}(?![\\p{Script=Latin}\\p{N}])`, 'iu').test(text);
}

/**
 * The couple a question is about, found as a member would if they knew every story by heart: the
 * one choice whose story, names hidden, is the question's text.
 */
function solve(m: SimMessage, lang: Lang): { right: number; couple: Couple; wrong: number[] } {
  const text = m.embeds[0]!.description!;
  const names = choiceButtons(m).map((b) => labelName(b.label!));
  const matches = names.flatMap((name, i) =>
    catalogue.couples.filter((c) => coupleName(c, lang) === name && text.startsWith(hideNames(c.story[lang], c))).map((couple) => ({ right: i, couple })),
  );
  expect(matches, text).toHaveLength(1);
  const { right, couple } = matches[0]!;
  // The question gives no name away: neither actor (romanised or Hangul) nor the drama's title.
  for (const word of [...couple.actors.flatMap((a) => [a.name, a.hangul]), couple.drama.title, couple.drama.korean]) expect(shows(text, word), word).toBe(false);
  return { right, couple, wrong: names.map((_, i) => i).filter((i) => i !== right) };
}
const choiceId = (m: SimMessage, n: number) => choiceButtons(m)[n]!.custom_id!;

/** Waits (real time) for `done`, checking every 20 ms. */
async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Question messages the bot posted in a channel, in order. */
const questionPosts = (w: World, channelId = w.channelId) =>
  w.sim.requests.filter((r) => r.method === 'POST' && r.route === `/channels/${channelId}/messages` && r.status < 300 && JSON.stringify(r.body ?? '').includes('quiz:a:'));
/** Successful edits of one message. */
const editsOf = (w: World, m: SimMessage) => w.sim.requests.filter((r) => r.method === 'PATCH' && r.route === `/channels/${m.channel_id}/messages/${m.id}` && r.status < 300).length;
const scoreboards = (w: World, channelId = w.channelId) => w.sim.messages(channelId).filter((m) => /^🏁 (The quiz is over|퀴즈가 끝났어요)$/.test(m.embeds[0]?.title ?? ''));

/**
 * A server game as its members see it: each question message in turn, the time moved on by the
 * test's clock (5 s between questions; the hint at half time; the deadline).
 */
class ServerGame {
  readonly seen = new Set<string>();
  /** The story of each question, in order. */
  readonly asked: string[] = [];
  /** Each question's answer buttons, as posted (the message object changes when it is edited). */
  readonly ids = new Map<string, string[]>();
  constructor(
    readonly w: World,
    readonly clock: ManualClock,
    readonly channelId = w.channelId,
    readonly lang: Lang = 'en',
  ) {}

  /** The next question message: moves the clock a second at a time until it is posted (5 s after the last answer). */
  async next(): Promise<SimMessage> {
    for (let i = 0; i < 80; i++) {
      const fresh = this.w.sim.messages(this.channelId).find((m) => isQuestion(m) && !this.seen.has(m.id) && choiceButtons(m).every((b) => !b.disabled));
      if (fresh) {
        this.seen.add(fresh.id);
        this.asked.push(solve(fresh, this.lang).couple.id);
        this.ids.set(fresh.id, choiceButtons(fresh).map((b) => b.custom_id!));
        return fresh;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (i % 4 === 3) await this.clock.advance(1_000);
    }
    throw new Error('no next question');
  }

  /**
   * A message of the channel: a timer the bot set a moment ago for a time the clock has already
   * reached (a hint, a deadline) fires at the clock's next step, so the clock steps by 0 meanwhile.
   */
  async message(pred: (m: SimMessage) => boolean, what: string): Promise<SimMessage> {
    const end = Date.now() + 10_000;
    for (;;) {
      const found = this.w.sim.messages(this.channelId).find(pred);
      if (found) return found;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await this.clock.advance(0);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The question message once its answer is shown. */
  revealed(question: SimMessage): Promise<SimMessage> {
    return this.message((m) => m.id === question.id && !isQuestion(m), 'the answer');
  }

  /** Clicks one choice for a member; the acknowledgement's text. */
  async answer(user: SimUser, question: SimMessage, choice: number, locale?: string): Promise<string> {
    const res = await (await this.w.sim.click({ user, message: question, customId: choiceId(question, choice), ...(locale ? { locale } : {}) })).settled();
    expect(res.ephemeral).toBe(true);
    return res.message!.content;
  }

  /** A question won by `user` (after `wrong` members answer wrongly): its reveal. */
  async win(user: SimUser, wrong: SimUser[] = []): Promise<{ question: SimMessage; couple: Couple; ack: string; reveal: SimMessage }> {
    const question = await this.next();
    const { right, couple, wrong: wrongChoices } = solve(question, 'en');
    for (const [i, member] of wrong.entries()) expect(await this.answer(member, question, wrongChoices[i % 3]!)).toBe("❌ Wrong, −1: you're out of this question.");
    const ack = await this.answer(user, question, right);
    return { question, couple, ack, reveal: await this.revealed(question) };
  }

  /** A question nobody gets: its deadline passes. */
  async timeout(seconds: number, wrong: SimUser[] = []): Promise<{ question: SimMessage; reveal: SimMessage }> {
    const question = await this.next();
    const { wrong: wrongChoices } = solve(question, 'en');
    for (const [i, member] of wrong.entries()) await this.answer(member, question, wrongChoices[i % 3]!);
    await this.clock.advance(seconds * 1000);
    return { question, reveal: await this.revealed(question) };
  }
}

async function startGame(w: World, user: SimUser, options: Record<string, string | number>, channelId?: string) {
  const res = await (await w.sim.command({ user, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'start', options, ...(channelId ? { channelId } : {}) })).settled();
  expect(res.ephemeral).toBe(true);
  return res.message!.content;
}

async function playSolo(w: World, user: SimUser, questions: number, options: { lang?: Lang; wrongAt?: number[] } = {}) {
  const lang = options.lang ?? 'en';
  const locale = lang === 'ko' ? 'ko' : undefined;
  const res = await w.sim.command({ user, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'play', options: { questions }, ...(locale ? { locale } : {}) });
  expect(res.ephemeral).toBe(true);
  let message = res.message!;
  const asked: string[] = [];
  const reveals: SimMessage[] = [];
  for (let q = 0; q < questions; q++) {
    expect(message.embeds[0]!.title).toBe(lang === 'en' ? `❓ Question ${q + 1} of ${questions}` : `❓ ${questions}문제 중 ${q + 1}번`);
    expect(choiceButtons(message)).toHaveLength(4);
    const { right, couple, wrong } = solve(message, lang);
    asked.push(couple.id);
    const pick = options.wrongAt?.includes(q) ? wrong[0]! : right;
    const answered = await w.sim.click({ user, message, customId: choiceId(message, pick), ...(locale ? { locale } : {}) });
    expect(answered.outcome).toBe('updated');
    expect(answered.ephemeral).toBe(true);
    message = answered.message!;
    reveals.push(structuredClone(message));
    // The whole story, its names shown, with its video button.
    expect(message.embeds[0]!.title).toBe(`💋 ${coupleName(couple, lang)}`);
    expect(message.embeds[0]!.description).toBe(couple.story[lang]);
    expect(buttons(message).some((b) => b.url !== undefined)).toBe(true);
    const next = button(message, 'quiz:n:');
    if (q < questions - 1) {
      const shown = await w.sim.click({ user, message, customId: next!.custom_id!, ...(locale ? { locale } : {}) });
      expect(shown.outcome).toBe('updated');
      message = shown.message!;
    } else {
      expect(next).toBeUndefined();
    }
  }
  return { message, asked, reveals };
}

describe('/kiss-quiz through the real discord.js client', () => {
  it('plays a solo game to its end: right and wrong at once, the story card, score and streak, the result posted once; the next game asks other stories', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const jisoo = w.sim.createMember(w.guild.id, { username: 'jisoo' }).user;

    const { message, asked, reveals } = await playSolo(w, jisoo, 6, { wrongAt: [3] });
    expect(new Set(asked).size).toBe(6);
    expect(reveals.map((m) => m.content)).toEqual([
      '✅ Right! +1 · score 1 · streak 1',
      '✅ Right! +1 · score 2 · streak 2',
      '✅ Right! +2 · score 4 · streak 3',
      expect.stringMatching(/^❌ Not this one: it was \*\*.+\*\*\. Score 4$/),
      '✅ Right! +1 · score 5 · streak 1',
      expect.stringMatching(/^✅ Right! \+1 · score 6 · streak 2\n\n🏁 Score \*\*6\*\*, right 5 of 6, best streak 3\.$/),
    ]);
    expect(w.sim.messages(w.channelId)).toHaveLength(0);

    // A double click on an answered question changes nothing.
    const share = button(message, 'quiz:s:')!.custom_id!;
    const gameId = share.split(':')[2]!;
    const stale = await w.sim.click({ user: jisoo, message, customId: `quiz:p:${gameId}:0:0`, forge: true });
    expect(stale.ephemeral).toBe(true);
    expect(stale.message!.content).toMatch(/🏁 Score \*\*6\*\*/);
    const shared = await w.sim.click({ user: jisoo, message, customId: share });
    expect(shared.ephemeral).toBe(false);
    expect(shared.message!.embeds[0]!.author!.name).toBe("jisoo's Kiss-scene quiz");
    expect(shared.message!.embeds[0]!.title).toBe('🏁 Score: 6');
    const again = await w.sim.click({ user: jisoo, message, customId: share });
    expect(again.ephemeral).toBe(true);
    expect(again.message!.content).toMatch(/already posted/);
    expect(w.sim.messages(w.channelId).filter((m) => !m.ephemeral)).toHaveLength(1);

    // The next game avoids the last one's stories.
    const next = await playSolo(w, jisoo, 5);
    expect(next.asked.filter((id) => asked.includes(id))).toEqual([]);

    const stats = await w.sim.command({ user: jisoo, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stats' });
    const text = stats.message!.embeds[0]!.description!;
    expect(text).toContain('Games: 2 (alone 2, with the server 0)');
    expect(text).toContain('Right answers: 10 · accuracy 91%');
    expect(text).toContain('Best streak: 5');
  });
  it('runs a server game raced by 30 members: one scores per question, wrong answers cost a point, a hint, a timeout, an early win by five points', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock, pollEditIntervalMs: 2000 });
    const w = world;
    const host = w.sim.createMember(w.guild.id, { username: 'host' }).user;
    const members = Array.from({ length: 30 }, (_, i) => w.sim.createMember(w.guild.id, { username: `fan${i}` }).user);
    expect(await startGame(w, host, { questions: 10, seconds: 30 })).toMatch(/^Your quiz is up: https:\/\/discord\.com\/channels\/.+\. 10 questions, 30 seconds each\.$/);
    const game = new ServerGame(w, clock);

    // Question 1: nine wrong answers, then twenty right ones racing: exactly one scores.
    const q1 = await game.next();
    expect(q1.embeds[0]!.title).toBe('❓ Question 1 of 10');
    expect(q1.embeds[0]!.description).toMatch(/\*\*Which couple is it\?\*\* Answer closes <t:\d+:R>\./);
    const { right, wrong } = solve(q1, 'en');
    const wrongOnes = members.slice(20, 29);
    const acks = await Promise.all(wrongOnes.map((m, i) => game.answer(m, q1, wrong[i % 3]!)));
    expect(acks).toEqual(wrongOnes.map(() => "❌ Wrong, −1: you're out of this question."));
    // Out of the question: a right answer after a wrong one does not count.
    expect(await game.answer(wrongOnes[0]!, q1, right)).toBe("You're out of this question: wait for the next one.");
    const editsBefore = editsOf(w, q1);
    const race = await Promise.all(members.slice(0, 20).map((m) => game.answer(m, q1, right)));
    const winners = race.flatMap((text, i) => (text === '✅ Correct, +1!' ? [members[i]!] : []));
    expect(winners).toHaveLength(1);
    const star = winners[0]!;
    expect(race.filter((text) => text === `⏱️ Too late: <@${star.id}> got it.`)).toHaveLength(19);
    const r1 = await game.revealed(q1);
    expect(r1.embeds[0]!.description).toMatch(new RegExp(`^🏆 <@${star.id}> got it: \\+1 \\(streak 1\\)\\.`));
    // At most one live edit (the interval is 2 s and the clock stood still), then the answer.
    expect(editsOf(w, q1) - editsBefore).toBeLessThanOrEqual(2);
    const runnerUp = members[(members.indexOf(star) + 1) % 20]!;

    // Question 2: the hint at half time takes one wrong couple away; the star answers.
    const q2 = await game.next();
    const solved2 = solve(q2, 'en');
    await clock.advance(15_000);
    const hinted = await game.message((m) => m.id === q2.id && (m.embeds[0]?.description ?? '').includes('💡 Hint: it is not'), 'the hint');
    const disabled = choiceButtons(hinted).flatMap((b, i) => (b.disabled ? [i] : []));
    expect(disabled).toHaveLength(1);
    expect(solved2.wrong).toContain(disabled[0]);
    expect(hinted.embeds[0]!.description).toContain(`💡 Hint: it is not ${labelName(choiceButtons(hinted)[disabled[0]!]!.label!)}.`);
    expect(await game.answer(star, hinted, solved2.right)).toBe('✅ Correct, +1!');
    expect((await game.revealed(q2)).embeds[0]!.description).toMatch(new RegExp(`^🏆 <@${star.id}> got it: \\+1 \\(streak 2\\)\\.`));

    // Question 3 times out: nobody got it; the one wrong answer still costs a point.
    const t3 = await game.timeout(30, [members[29]!]);
    expect(t3.reveal.embeds[0]!.description).toMatch(/^⏰ Time is up: nobody got it\./);
    // Question 4 goes to the runner-up; then the star takes three in a row, the third with a bonus point.
    await game.win(runnerUp);
    expect((await game.win(star)).ack).toBe('✅ Correct, +1!');
    expect((await game.win(star)).ack).toBe('✅ Correct, +1!');
    const last = await game.win(star);
    expect(last.ack).toBe('✅ Correct, +2: 3 in a row!');
    expect(last.reveal.embeds[0]!.description).toMatch(new RegExp(`^🏆 <@${star.id}> got it: \\+2 \\(streak 3\\)\\.`));

    // 6 points against 1: five ahead, the game ends after question 7 of 10 with its scoreboard.
    const board = await until(() => scoreboards(w)[0], 'the scoreboard');
    const lines = board.embeds[0]!.description!.split('\n');
    expect(lines[0]).toBe('It ended after question 7 of 10: the leader is five points ahead.');
    expect(lines[2]).toBe(`🥇 <@${star.id}> · 6 points · best streak 3`);
    expect(lines[3]).toBe(`🥈 <@${runnerUp.id}> · 1 point · best streak 1`);
    expect(lines.filter((l) => l.endsWith('· -1 point · best streak 0'))).toHaveLength(10);
    // Seven questions, each posted once, no story twice; no eighth comes.
    await clock.advance(60_000);
    expect(questionPosts(w)).toHaveLength(7);
    expect(new Set(game.asked).size).toBe(7);
    expect(scoreboards(w)).toHaveLength(1);

    const stats = await w.sim.command({ user: star, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stats' });
    expect(stats.message!.embeds[0]!.description).toContain('Games: 1 (alone 0, with the server 1)');
    expect(stats.message!.embeds[0]!.description).toContain('Best streak: 3');
    const wrongStats = await w.sim.command({ user: host, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stats', options: { member: wrongOnes[0]!.id } });
    expect(wrongStats.message!.embeds[0]!.description).toContain('Right answers: 0 · accuracy 0%');
  });

  it('survives a restart mid-question on the same store: answers kept, the question resumes, or closes at start-up when its time passed; nothing asked twice', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const host = w.sim.createMember(w.guild.id, { username: 'host' }).user;
    const [a, b] = [w.sim.createMember(w.guild.id, { username: 'a' }).user, w.sim.createMember(w.guild.id, { username: 'b' }).user];
    await startGame(w, host, { questions: 5, seconds: 30 });
    const game = new ServerGame(w, clock);
    const q1 = await game.next();
    const s1 = solve(q1, 'en');
    expect(await game.answer(a, q1, s1.wrong[0]!)).toBe("❌ Wrong, −1: you're out of this question.");

    // Down for 10 s mid-question: the question resumes with its deadline, a's answer kept.
    let bot = w.bot;
    await bot.stop();
    await clock.advance(10_000);
    bot = await w.startBot({ clock });
    expect(await game.answer(a, q1, s1.right)).toBe("You're out of this question: wait for the next one.");
    expect(await game.answer(b, q1, s1.right)).toBe('✅ Correct, +1!');
    await game.revealed(q1);
    const q2 = await game.next();

    // Down past question 2's deadline: at start-up it closes (nobody got it) and the game goes on.
    await bot.stop();
    await clock.advance(5 * 60_000);
    expect(w.sim.messages(w.channelId).find((m) => m.id === q2.id)!.embeds[0]!.title).toBe('❓ Question 2 of 5');
    bot = await w.startBot({ clock });
    expect((await game.revealed(q2)).embeds[0]!.description).toMatch(/^⏰ Time is up: nobody got it\./);
    const q3 = await game.next();
    expect(q3.embeds[0]!.title).toBe('❓ Question 3 of 5');
    // A third process start changes nothing: no question is posted twice.
    await bot.stop();
    bot = await w.startBot({ clock });
    await clock.advance(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(questionPosts(w)).toHaveLength(3);
    const s3 = solve(q3, 'en');
    expect(await game.answer(b, q3, s3.right)).toBe('✅ Correct, +1!');
    await game.revealed(q3);

    // The starter stops it: the scoreboard counts every answer from before the restarts.
    const stopped = await (await w.sim.command({ user: host, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stop' })).settled();
    expect(stopped.message!.content).toMatch(/stopped/);
    const board = await game.message((m) => scoreboards(w).includes(m), 'the scoreboard');
    const lines = board.embeds[0]!.description!.split('\n');
    expect(lines[0]).toMatch(/^It was stopped after question [34] of 5\.$/);
    expect(lines.slice(2)).toEqual([`🥇 <@${b.id}> · 2 points · best streak 1`, `🥈 <@${a.id}> · -1 point · best streak 0`]);
    expect(new Set(game.asked).size).toBe(game.asked.length);
  });

  it('answers forged, stale and late clicks privately and clearly, and changes nothing', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const host = w.sim.createMember(w.guild.id, { username: 'host' }).user;
    const jisoo = w.sim.createMember(w.guild.id, { username: 'jisoo' }).user;
    const late = w.sim.createMember(w.guild.id, { username: 'late' }).user;
    const stranger = w.sim.createMember(w.guild.id, { username: 'stranger' }).user;
    await startGame(w, host, { questions: 5, seconds: 30 });
    const game = new ServerGame(w, clock);
    const q1 = await game.next();
    const idOf = (m: SimMessage, n: number) => game.ids.get(m.id)![n]!;
    const gameId = idOf(q1, 0).split(':')[2]!;
    const click = async (customId: string, user = late, message: SimMessage | string = q1) => {
      const res = await (await w.sim.click({ user, message, customId, forge: true })).settled();
      expect(res.ephemeral, customId).toBe(true);
      return res.message!.content;
    };

    // A second game in the same channel is refused; another channel may have its own.
    expect(await startGame(w, jisoo, {})).toMatch(/^A quiz game is already running in this channel: https:\/\/discord\.com\/channels\//);
    // Made-up buttons.
    for (const id of ['quiz:a:zzzz:0:0', `quiz:a:${gameId}:0:7`, `quiz:a:${gameId}:x:0`, 'quiz:explode', `quiz:a:${gameId}:0:0:9`]) expect(await click(id)).toBe('This button is not valid.');
    expect(await click(`quiz:a:${gameId}:3:0`)).toBe('This button is not valid.');
    expect(await click('quiz:a:AAAAAAAAAA:0:0')).toMatch(/^I can't find that quiz game/);
    // The game's button, clicked from another channel.
    const otherChannel = w.guild.channels.filter((c) => c.type === 0)[1]!.id;
    const bait = await w.sim.command({ user: late, guildId: w.guild.id, channelId: otherChannel, name: 'kiss-scene', options: { couple: 'eric-seo-hyun-jin' } });
    expect(await click(idOf(q1, 0), late, bait.message)).toBe(`This button belongs to the quiz in <#${w.channelId}>: answer there.`);

    // Too late: someone got it first.
    const s1 = solve(q1, 'en');
    expect(await game.answer(jisoo, q1, s1.right)).toBe('✅ Correct, +1!');
    expect(await game.answer(jisoo, q1, s1.right)).toBe('You already got this one.');
    expect(await game.answer(late, q1, s1.right)).toBe(`⏱️ Too late: <@${jisoo.id}> got it.`);
    expect(await game.answer(late, q1, s1.wrong[0]!)).toBe(`⏱️ Too late: <@${jisoo.id}> got it.`);
    await game.revealed(q1);
    // A question nobody got, clicked after the next one came.
    const q2 = await game.timeout(30);
    const q3 = await game.next();
    expect(await click(idOf(q2.question, 0))).toBe('That question is over: answer the current one.');
    expect(await click(idOf(q1, 0))).toBe(`⏱️ Too late: <@${jisoo.id}> got it.`);

    // Only the starter or Manage Server stops it; then every button says the game is over.
    const refused = await (await w.sim.command({ user: stranger, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stop' })).settled();
    expect(refused.message!.content).toBe('Only the member who started this game, or someone with Manage Server, can stop it.');
    const mod = w.sim.createMember(w.guild.id, { username: 'mod', moderator: true }).user;
    const stopped = await (await w.sim.command({ user: mod, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stop' })).settled();
    expect(stopped.message!.content).toBe('The quiz is stopped: the scoreboard follows.');
    await game.message((m) => scoreboards(w).includes(m), 'the scoreboard');
    expect(await click(idOf(q3, 0))).toBe('This quiz game is over.');
    expect(await click(idOf(q2.question, 1))).toBe('This quiz game is over.');
    const again = await (await w.sim.command({ user: stranger, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stop' })).settled();
    expect(again.message!.content).toBe('No quiz game is running in this channel.');
    expect(questionPosts(w)).toHaveLength(3);
    expect(scoreboards(w)).toHaveLength(1);

    // A solo game's buttons: another member's, or a replaced game's.
    const first = (await w.sim.command({ user: jisoo, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'play' })).message!;
    const second = await w.sim.command({ user: jisoo, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'play' });
    expect(second.message!.content).toBe('Your unfinished quiz was replaced by this one.');
    expect(await click(choiceId(first, 0), jisoo, first)).toMatch(/^This quiz has ended or expired/);
    expect(await click(choiceId(second.message!, 0), stranger, q1)).toMatch(/^This quiz has ended or expired/);
    expect(await click('quiz:g:99', jisoo, second.message)).toBe('This button is not valid.');
  });

  it('speaks Korean to a Korean member, alone and in a Korean server game', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const mina = w.sim.createMember(w.guild.id, { username: 'mina', locale: 'ko' }).user;
    const { message } = await playSolo(w, mina, 5, { lang: 'ko', wrongAt: [1] });
    expect(message.content).toMatch(/^✅ 정답이에요! \+2 · 점수 5 · 연속 정답 3\n\n🏁 점수 \*\*5\*\*, 5문제 중 4문제 정답, 최고 연속 정답 3\.$/);
    expect(buttons(message).map((b) => b.label)).toEqual(expect.arrayContaining(['내 결과 올리기', '다시 하기']));

    const res = await (await w.sim.command({ user: mina, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'start', options: { language: 'ko', questions: 5 }, locale: 'ko' })).settled();
    expect(res.message!.content).toMatch(/^퀴즈를 시작했어요: .+\. 5문제, 문제마다 30초예요\.$/);
    const game = new ServerGame(w, clock, w.channelId, 'ko');
    const q1 = await game.next();
    expect(q1.embeds[0]!.title).toBe('❓ 5문제 중 1번');
    expect(q1.embeds[0]!.description).toContain('**어느 커플일까요?**');
    const s1 = solve(q1, 'ko');
    const en = w.sim.createMember(w.guild.id, { username: 'sam' }).user;
    expect(await game.answer(mina, q1, s1.wrong[0]!, 'ko')).toBe('❌ 오답, −1: 이 문제에서 빠졌어요.');
    expect(await game.answer(en, q1, s1.right)).toBe('✅ Correct, +1!');
    expect(await game.answer(mina, q1, s1.right, 'ko')).toBe(`⏱️ 늦었어요: <@${en.id}>님이 먼저 맞혔어요.`);
    expect((await game.revealed(q1)).embeds[0]!.description).toMatch(new RegExp(`^🏆 <@${en.id}>님이 맞혔어요: \\+1 \\(연속 정답 1\\)\\.`));
    const stopped = await (await w.sim.command({ user: mina, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stop', locale: 'ko' })).settled();
    expect(stopped.message!.content).toBe('퀴즈를 멈췄어요: 곧 순위를 올려요.');
    const board = await game.message((m) => scoreboards(w).includes(m), 'the scoreboard');
    expect(board.embeds[0]!.title).toBe('🏁 퀴즈가 끝났어요');
    expect(board.embeds[0]!.description).toContain(`🥇 <@${en.id}> · 1점 · 최고 연속 정답 1`);
    const none = await (await w.sim.command({ user: mina, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stop', locale: 'ko' })).settled();
    expect(none.message!.content).toBe('이 채널에서 진행 중인 퀴즈가 없어요.');
  });

  it('keeps the server’s leaderboard, all-time and this month, across two games', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    world = await startWorld({ clock });
    const w = world;
    const host = w.sim.createMember(w.guild.id, { username: 'host' }).user;
    const [a, b] = [w.sim.createMember(w.guild.id, { username: 'a' }).user, w.sim.createMember(w.guild.id, { username: 'b' }).user];
    const empty = await w.sim.command({ user: host, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'leaderboard' });
    expect(empty.message!.embeds[0]!.description).toMatch(/^No quiz game has been played here yet\. Start one with /);

    // Game 1: a wins four in a row (1 + 1 + 2 + 2 = 6): five ahead, it ends after question 4.
    expect(await startGame(w, host, { questions: 5, seconds: 30 })).toMatch(/^Your quiz is up/);
    let game = new ServerGame(w, clock);
    for (let i = 0; i < 4; i++) await game.win(a);
    await game.message((m) => scoreboards(w).length === 1 && scoreboards(w).includes(m), 'the first scoreboard');
    // Game 2: b wins the first, a the second, b answers one wrong; the rest time out.
    // (Another member starts it: starting games is limited to one a minute per member, as polls.)
    expect(await startGame(w, w.sim.createMember(w.guild.id, { username: 'host2' }).user, { questions: 5, seconds: 30 })).toMatch(/^Your quiz is up/);
    game = new ServerGame(w, clock);
    await game.win(b);
    await game.win(a, [b]);
    for (let i = 0; i < 3; i++) await game.timeout(30);
    await game.message((m) => scoreboards(w).length === 2 && m.id === scoreboards(w)[1]!.id, 'the second scoreboard');

    for (const period of [undefined, 'all', 'month'] as const) {
      const board = await w.sim.command({ user: host, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'leaderboard', ...(period ? { options: { period } } : {}) });
      const embed = board.message!.embeds[0]!;
      expect(embed.title).toBe(period === 'month' ? '🏆 Quiz leaderboard · this month' : '🏆 Quiz leaderboard · all time');
      expect(embed.description!.split('\n')).toEqual([`**1.** <@${a.id}> · 7 points · played 2, right 5`, `**2.** <@${b.id}> · 0 points · played 1, right 1`]);
      expect(embed.footer!.text).toBe('2 server games counted');
    }
    // Next month, this month's board starts empty; the all-time board keeps both games.
    await clock.advanceTo(Date.parse('2026-12-02T12:00:00Z'));
    const december = await w.sim.command({ user: host, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'leaderboard', options: { period: 'month' } });
    expect(december.message!.embeds[0]!.footer!.text).toBe('0 server games counted');
    const stats = await w.sim.command({ user: host, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stats', options: { member: a.id } });
    const text = stats.message!.embeds[0]!.description!;
    expect(text).toContain('Games: 2 (alone 0, with the server 2)');
    expect(text).toContain('Right answers: 5 · accuracy 100%');
    expect(text).toContain('Best streak: 4');
    expect(text).toMatch(/^Guessed most often: .+ \(1\)/m);
  });
});

const redis = process.env.TEST_REDIS_URL;
const BACKENDS = [
  { name: 'SQLite', skip: false, url: () => `sqlite://${join(mkdtempSync(join(tmpdir(), 'kiss-quiz-')), 'state.sqlite')}` },
  { name: 'Redis (TEST_REDIS_URL)', skip: !redis, url: () => redis! },
];

describe.each(BACKENDS)('a server game served by two processes on $name', (backend) => {
  it.skipIf(backend.skip)('scores the same whichever process answers: each click answered once, one winner, every wrong answer counted once', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T12:00:00Z'));
    const storeUrl = backend.url();
    world = await startWorld({ clock, storeUrl });
    const w = world;
    try {
      // Both processes run the server's shard: Discord sends every click to both (a rolling deploy).
      const second = await w.startBot({ clock, storeUrl });
      const host = w.sim.createMember(w.guild.id, { username: 'host' }).user;
      const members = Array.from({ length: 25 }, (_, i) => w.sim.createMember(w.guild.id, { username: `fan${i}` }).user);
      await startGame(w, host, { questions: 5, seconds: 30 });
      const game = new ServerGame(w, clock);
      const q1 = await game.next();
      const { right, wrong } = solve(q1, 'en');
      const acks = await Promise.all(members.map((m, i) => game.answer(m, q1, i < 5 ? wrong[i % 3]! : right)));
      expect(acks.slice(0, 5).every((a) => a === "❌ Wrong, −1: you're out of this question." || a.startsWith('⏱️ Too late'))).toBe(true);
      const winners = acks.flatMap((a, i) => (a === '✅ Correct, +1!' ? [members[i]!] : []));
      expect(winners).toHaveLength(1);
      const star = winners[0]!;
      expect(acks.filter((a) => a === `⏱️ Too late: <@${star.id}> got it.`).length + winners.length + acks.filter((a) => a.startsWith('❌')).length).toBe(25);
      const wrongCount = acks.filter((a) => a.startsWith('❌')).length;
      await game.revealed(q1);
      // The first process stops; the second alone carries the game on, from the same store.
      await w.bot.stop();
      const q2 = await game.next();
      expect(await game.answer(star, q2, solve(q2, 'en').right)).toBe('✅ Correct, +1!');
      await game.revealed(q2);
      await w.sim.command({ user: host, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stop' });
      const board = await game.message((m) => scoreboards(w).includes(m), 'the scoreboard');
      const lines = board.embeds[0]!.description!.split('\n').slice(2);
      expect(lines[0]).toBe(`🥇 <@${star.id}> · 2 points · best streak 2`);
      expect(lines.filter((l) => l.endsWith('· -1 point · best streak 0'))).toHaveLength(wrongCount);
      expect(lines).toHaveLength(1 + wrongCount);
      expect(questionPosts(w)).toHaveLength(2);
      const stats = await w.sim.command({ user: host, guildId: w.guild.id, name: 'kiss-quiz', subcommand: 'stats', options: { member: star.id } });
      expect(stats.message!.embeds[0]!.description).toContain('Right answers: 2 · accuracy 100%');
      await second.stop();
    } finally {
      if (backend.name.startsWith('Redis')) {
        const keyv = openKeyv(storeUrl);
        await forgetGuilds(keyv, [w.guild.id]);
        await keyv.disconnect();
      }
    }
  }, 60_000);
});
