/**
 * Benchmark: a burst of 200 members answering one server-quiz question at once, through the local
 * Discord simulator. The COMPILED bot (`node dist/src/main.js`, SQLite store) runs a real game
 * (`/kiss-quiz start`): each answer is checked against the stored game, stored once per member, a
 * wrong one costs a point, and of the right ones only the first to claim the question scores. The
 * baseline, a bare discord.js client, answers each click with a precomputed private reply of the
 * same shape ("Correct", "Wrong", "Too late", built by the bot's own reply builder) on a question
 * message of the same shape. Each variant is its own process on its own simulator; they take turns,
 * rep by rep, each rep on a fresh question in a fresh channel with 200 new members, a quarter of
 * them on each of the four choices.
 *
 * Printed: the time from the first click to the last acknowledgement, and each click's
 * acknowledgement latency (p50 / p99 / max, from the moment Discord creates the interaction) against
 * Discord's 3 s. Checked, for the bot, every rep (the benchmark fails if not): every click is
 * answered privately, exactly one member is told "Correct" and scores (the game's stored scores:
 * one `c:` counter, +1 point), every other right answer is told "Too late" with that member, every
 * wrong one "Wrong" or "Too late", the stored −1s match the "Wrong"s, and the question's reveal
 * names the same member.
 *
 *   npm run bench:quiz      (builds first; or npm run bench -- quiz-answers)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimMessage, type SimUser, type Simulator } from '@kiss-scene-bot/discord-simulator';
import type * as CatalogueModule from '../src/catalogue/catalogue.js';
import type * as RandomModule from '../src/catalogue/random.js';
import type * as LoaderModule from '../src/loader.js';
import type * as QuestionsModule from '../src/quiz/questions.js';
import type * as RegistrationModule from '../src/registration.js';
import type * as QuizRepliesModule from '../src/replies/quiz.js';
import type * as StoreModule from '../src/store/index.js';
import { load, pause, requireBuild, startMeasured, type Measured, type Variant } from './lib/processes.js';
import { median, quantile, ratioRow, ratioText, report, spreadText, type Row } from './lib/report.js';

requireBuild();
const { loadCatalogue } = await load<typeof CatalogueModule>('catalogue/catalogue.js');
const { seededRandom } = await load<typeof RandomModule>('catalogue/random.js');
const { commandPayload, loadCommands } = await load<typeof LoaderModule>('loader.js');
const { registerCommands } = await load<typeof RegistrationModule>('registration.js');
const { drawQuestions } = await load<typeof QuestionsModule>('quiz/questions.js');
const { answerReply, questionMessage } = await load<typeof QuizRepliesModule>('replies/quiz.js');
const { createStore, openKeyv } = await load<typeof StoreModule>('store/index.js');

const REPS = Number(process.env.REPS ?? 5);
const BURST = 200;
const WARM_UP = 40;
/** Discord's time to acknowledge an interaction. */
const DISCORD_ACK_MS = 3_000;
const QUESTIONS = 5;
/** The longest question the command allows: no deadline, no hint during a burst. */
const SECONDS = 120;
const START = { questions: QUESTIONS, seconds: SECONDS };

const catalogue = loadCatalogue();
const tmp = mkdtempSync(join(tmpdir(), 'bench-quiz-'));
const storeFile = join(tmp, 'bot.sqlite');

const correctText = answerReply({ outcome: 'correct', points: 1, streak: 1 }, 'en').content;
const wrongText = answerReply({ outcome: 'wrong' }, 'en').content;
const tooLateText = (userId: string) => answerReply({ outcome: 'too-late', winner: userId }, 'en').content;

/** The bare client's replies: a question message like the bot's, and the bot's own acknowledgements in turn. */
function bareReplies(): string {
  const now = Date.now();
  const questions = drawQuestions(catalogue.couples, QUESTIONS, seededRandom(1));
  const game = {
    id: 'BenchQuiz0',
    guildId: '1',
    channelId: '2',
    starterId: '3',
    lang: 'en' as const,
    questionMs: SECONDS * 1000,
    createdAt: now,
    questions,
    requested: QUESTIONS,
    rounds: [{ openedAt: now, closesAt: now + SECONDS * 1000 }],
    status: 'running' as const,
  };
  const message = questionMessage(game, 0, catalogue.get(questions[0]!.coupleId), { out: 0 });
  const winner = '300000000000000001';
  const acks = [answerReply({ outcome: 'correct', points: 1, streak: 1 }, 'en'), answerReply({ outcome: 'wrong' }, 'en'), answerReply({ outcome: 'too-late', winner }, 'en'), answerReply({ outcome: 'too-late', winner }, 'en')];
  const file = join(tmp, 'replies.json');
  writeFileSync(file, JSON.stringify({ [`kiss-quiz start questions=${QUESTIONS} seconds=${SECONDS}`]: [message], quiz: acks.map((a) => ({ ...a, flags: 64 })) }));
  return file;
}

interface Side {
  readonly variant: Variant;
  readonly sim: Simulator;
  readonly guildId: string;
  /** One channel per rep (and the warm-up): a channel has one game at a time. */
  readonly channels: string[];
  process?: Measured;
  members: number;
}

async function side(variant: Variant): Promise<Side> {
  const sim = await startSimulator({ identifyIntervalMs: 0, interactionDeadlineMs: 15_000 });
  const guild = sim.createGuild({ name: `Bench ${variant}`, channels: Array.from({ length: REPS + 1 }, (_, i) => ({ name: `quiz-${i}` })) });
  await registerCommands({ apiUrl: sim.apiUrl, token: sim.token, applicationId: sim.applicationId }, commandPayload(await loadCommands()));
  return { variant, sim, guildId: guild.id, channels: guild.channels.filter((c) => c.type === 0).map((c) => c.id), members: 0 };
}

const newMembers = (s: Side, n: number): SimUser[] => Array.from({ length: n }, () => s.sim.createMember(s.guildId, { username: `player${++s.members}` }).user);
const answerIds = (m: SimMessage) =>
  m.components
    .flatMap((row) => row.components ?? [])
    .map((c) => (c && 'custom_id' in c ? c.custom_id : undefined))
    .filter((id): id is string => id?.startsWith('quiz:a:') === true);

interface Question {
  readonly message: SimMessage;
  readonly starter: SimUser;
  readonly channelId: string;
  readonly gameId: string;
  /** The right choice (the bot's game, read from its store); undefined for the bare client. */
  readonly right?: number;
}

/** Starts a game in the side's next channel and returns its first question. */
async function startGame(s: Side, channelId: string): Promise<Question> {
  const [starter] = newMembers(s, 1);
  const res = await s.sim.command({ user: starter!, guildId: s.guildId, channelId, name: 'kiss-quiz', subcommand: 'start', options: START });
  if (s.variant === 'bare') return { message: res.message!, starter: starter!, channelId, gameId: 'BenchQuiz0' };
  await res.settled(15_000);
  const message = await s.sim.waitForMessage(channelId, (m) => answerIds(m).length === 4, 15_000);
  const gameId = answerIds(message)[0]!.split(':')[2]!;
  const store = createStore(openKeyv(`sqlite://${storeFile}`));
  try {
    const game = await store.quiz.getGame(s.guildId, gameId);
    if (!game) throw new Error(`bot: game ${gameId} is not in the store`);
    return { message, starter: starter!, channelId, gameId, right: game.questions[0]!.answer };
  } finally {
    await store.close();
  }
}

interface Burst {
  /** ms from the first click sent to the last acknowledgement. */
  readonly totalMs: number;
  /** Each click's acknowledgement latency, ms, in the order they were sent. */
  readonly latencies: number[];
  /** Each click's choice and its acknowledgement's text, in the order sent. */
  readonly answers: Array<{ user: SimUser; choice: number; text: string }>;
}

/** `players` answer the question at once, player i choosing i mod 4. */
async function burst(s: Side, q: Question, players: SimUser[]): Promise<Burst> {
  const ids = answerIds(q.message);
  const started = performance.now();
  const results = await Promise.all(
    players.map(async (user, i) => {
      const sent = performance.now();
      const result = await s.sim.click({ user, message: q.message, customId: ids[i % ids.length]! });
      return { result, ms: performance.now() - sent };
    }),
  );
  const totalMs = performance.now() - started;
  const wrong = results.find((r) => r.result.outcome !== 'replied' || !r.result.ephemeral);
  if (wrong) throw new Error(`${s.variant}: an answer was answered ${wrong.result.outcome}${wrong.result.ephemeral ? '' : ' (not privately)'}: ${wrong.result.message?.content ?? wrong.result.error?.message ?? ''}`);
  return { totalMs, latencies: results.map((r) => r.ms), answers: results.map((r, i) => ({ user: players[i]!, choice: i % ids.length, text: r.result.message?.content ?? '' })) };
}

interface Outcome {
  readonly wrong: number;
  readonly tooLate: number;
  /** The winner's place among the right answers, in the order the clicks were sent (1: the first). */
  readonly place: number;
}

/**
 * The bot's burst, checked: one "Correct", every other answer "Wrong" or "Too late" with the
 * winner; the stored scores give the winner, and only them, a right answer and +1, and a −1 to each
 * "Wrong"; the question's reveal names the winner. Throws on anything else.
 */
async function checkScoredOnce(s: Side, q: Question, b: Burst): Promise<Outcome> {
  const fail = (why: string): never => {
    throw new Error(`bot, game ${q.gameId}: ${why}`);
  };
  const correct = b.answers.filter((a) => a.text === correctText);
  if (correct.length !== 1) fail(`${correct.length} members were told "Correct" (expected exactly 1)`);
  const winner = correct[0]!;
  if (winner.choice !== q.right) fail(`"Correct" for choice ${winner.choice}, the answer is ${q.right}`);
  let wrong = 0;
  let tooLate = 0;
  for (const a of b.answers) {
    if (a === winner) continue;
    if (a.text === tooLateText(winner.user.id)) tooLate++;
    else if (a.text === wrongText && a.choice !== q.right) wrong++;
    else fail(`${a.user.username} (choice ${a.choice}, answer ${q.right}) was told: ${a.text}`);
  }
  // The question closes at its first right answer, and its answer is shown.
  const reveal = await s.sim.waitForMessage(q.channelId, (m) => m.id === q.message.id && answerIds(m).length === 0, 15_000);
  if (!reveal.embeds[0]?.description?.includes(`<@${winner.user.id}>`)) fail(`the reveal does not name the winner: ${reveal.embeds[0]?.description?.slice(0, 200) ?? ''}`);
  const store = createStore(openKeyv(`sqlite://${storeFile}`));
  try {
    const scores = await store.quiz.getScores(s.guildId, q.gameId);
    const rights = [...scores].filter(([key, n]) => key.startsWith('c:') && n !== 0);
    if (rights.length !== 1 || rights[0]![0] !== `c:${winner.user.id}` || rights[0]![1] !== 1) fail(`stored right answers: ${JSON.stringify(rights)} (expected c:${winner.user.id} = 1 only)`);
    const points = [...scores].filter(([key, n]) => key.startsWith('p:') && n > 0);
    if (points.length !== 1 || points[0]![0] !== `p:${winner.user.id}` || points[0]![1] !== 1) fail(`stored positive scores: ${JSON.stringify(points)} (expected p:${winner.user.id} = 1 only)`);
    const minus = [...scores].filter(([key, n]) => key.startsWith('p:') && n === -1).length;
    if (minus !== wrong || (scores.get('out:0') ?? 0) !== wrong) fail(`${wrong} members were told "Wrong", the store has ${minus} at −1 and ${scores.get('out:0') ?? 0} out`);
  } finally {
    await store.close();
  }
  const rightOnes = b.answers.filter((a) => a.choice === q.right);
  return { wrong, tooLate, place: rightOnes.indexOf(winner) + 1 };
}

/** Stops the bot's game (its scoreboard posted) so that it does not run on behind the next rep. */
async function stopGame(s: Side, q: Question): Promise<void> {
  if (s.variant === 'bare') return;
  const res = await s.sim.command({ user: q.starter, guildId: s.guildId, channelId: q.channelId, name: 'kiss-quiz', subcommand: 'stop' });
  await res.settled(15_000);
  await s.sim.waitForMessage(q.channelId, (m) => m.embeds[0]?.title === '🏁 The quiz is over', 15_000);
}

const sides: Side[] = [];
const rows: Row[] = [];
try {
  const replies = bareReplies();
  for (const variant of ['bare', 'bot'] as const) {
    const s = await side(variant);
    sides.push(s);
    s.process = await startMeasured({ variant, apiUrl: s.sim.apiUrl, token: s.sim.token, storeUrl: `sqlite://${storeFile}`, replies });
  }
  for (const s of sides) {
    const q = await startGame(s, s.channels[REPS]!);
    const b = await burst(s, q, newMembers(s, WARM_UP));
    if (s.variant === 'bot') await checkScoredOnce(s, q, b);
    await stopGame(s, q);
  }

  const totals: Record<Variant, number[]> = { bare: [], bot: [] };
  const latencies: Record<Variant, number[]> = { bare: [], bot: [] };
  const p50s: Record<Variant, number[]> = { bare: [], bot: [] };
  const p99s: Record<Variant, number[]> = { bare: [], bot: [] };
  const maxima: Record<Variant, number[]> = { bare: [], bot: [] };
  const outcomes: Outcome[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (const s of rep % 2 ? [...sides].reverse() : sides) {
      const q = await startGame(s, s.channels[rep]!);
      const players = newMembers(s, BURST);
      await pause(300);
      const b = await burst(s, q, players);
      totals[s.variant].push(b.totalMs);
      latencies[s.variant].push(...b.latencies);
      p50s[s.variant].push(quantile(b.latencies, 0.5));
      p99s[s.variant].push(quantile(b.latencies, 0.99));
      maxima[s.variant].push(Math.max(...b.latencies));
      if (s.variant === 'bot') outcomes.push(await checkScoredOnce(s, q, b));
      await stopGame(s, q);
      await pause(300);
    }
  }
  const latencyText = (v: Variant) => `${quantile(latencies[v], 0.5).toFixed(0)} / ${quantile(latencies[v], 0.99).toFixed(0)} / ${Math.max(...latencies[v]).toFixed(0)} ms`;
  const slowest = Math.max(...latencies.bot);
  rows.push(
    ratioRow(`${BURST} answers at once to one server-quiz question: first click to last acknowledgement`, totals.bare, totals.bot, ' ms', undefined, 0),
    {
      figure: `acknowledgement latency of each of those answers, p50 / p99 / max over ${REPS} reps (${(REPS * BURST).toLocaleString('en')} answers); bot ÷ bare of the per-rep p99`,
      bare: latencyText('bare'),
      bot: latencyText('bot'),
      ratio: ratioText(p99s.bot.map((b, i) => b / p99s.bare[i]!)),
      goal: `every one < ${DISCORD_ACK_MS / 1000} s (Discord's deadline)`,
      met: slowest < DISCORD_ACK_MS,
    },
    {
      figure: `members who scored per burst of ${BURST} (checked every rep: one "Correct", its +1 and right answer in the store, the reveal names them; the others "Wrong" with −1 or "Too late")`,
      bare: '',
      bot: `exactly 1 in ${outcomes.length} of ${REPS} reps; ${spreadText(outcomes.map((o) => o.wrong), ' wrong', 0)}, ${spreadText(outcomes.map((o) => o.tooLate), ' too late', 0)}; the winner was the first right click sent in ${outcomes.filter((o) => o.place === 1).length} of ${REPS} (places ${outcomes.map((o) => o.place).join(', ')})`,
      ratio: '',
      goal: 'exactly 1',
      met: outcomes.length === REPS,
    },
  );
  // For the record: the per-rep figures (medians are in the rows).
  console.log(`per rep, ms: first click to last ack bare ${totals.bare.map((x) => x.toFixed(0)).join(', ')}; bot ${totals.bot.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`per rep, ms: p50 bare ${p50s.bare.map((x) => x.toFixed(0)).join(', ')}; bot ${p50s.bot.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`per rep, ms: max bare ${maxima.bare.map((x) => x.toFixed(0)).join(', ')}; bot ${maxima.bot.map((x) => x.toFixed(0)).join(', ')} (median of maxima ${median(maxima.bot).toFixed(0)})`);
} finally {
  for (const s of sides) {
    await s.process?.stop();
    await s.sim.close();
  }
  rmSync(tmp, { recursive: true, force: true });
}
report(`Quiz answers through the simulator: the compiled bot vs a bare client with the same replies (${REPS} reps of ${BURST})`, rows);
