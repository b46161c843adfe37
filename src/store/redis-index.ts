/*
 * Per-server indexes on Redis: each server's keys are reachable without scanning any other's.
 *
 * Redis can list keys by prefix only with SCAN, which walks the whole keyspace (millions of keys
 * for one server's `/kiss-data show` at 100,000 servers). So each server has an index, a sorted set
 * `guild-index:<id>` of its keys (the part after `guild:<id>:`), and the removal records
 * (`lifecycle:removal:<id>`) have one too, `removal-index`. A key is never in the store without being
 * in its index: every command that writes one is sent in one MULTI with the ZADD that indexes it,
 * and a deletion (DEL, UNLINK) with the ZREM that unindexes it.
 *
 * This is done once, at the client (`indexingClient`, applied in keyv.ts): every write goes through
 * it, whether it comes from Keyv, from atomic.ts or from any later code, as long as it names its
 * keys where Redis does (SET and the other one-key writes, MSET, EVAL/FCALL's keys). Commands that
 * write a key under another name (RENAME, COPY, …) are not indexed: the bot sends none.
 *
 * A member's score is when its key expires (+inf: never, or not known). Redis drops an expired key
 * by itself but not its index entry: each indexed write also drops the entries that expired more
 * than EXPIRY_MARGIN_MS ago (the margin covers a clock difference between the bot and Redis). A
 * score is only ever raised by a write that may leave the key's expiry as it was (a SET NX that
 * lost, HINCRBY on a key that has one): an entry may outlive its key, never the other way round.
 * Readers of an index check that each key still exists (see prefix.ts), and drop what does not.
 *
 * Data written before the indexes existed is indexed once, by `backfillIndexes` (see prefix.ts),
 * until which the listings fall back to SCAN. Single Redis servers only: on a cluster, a key and its
 * index may sit in different slots, which one MULTI cannot span.
 */

/** How long after its expiry an index entry is dropped by the writes of its index. */
export const EXPIRY_MARGIN_MS = 10 * 60 * 1000;

/** The index of each server's keys, and of the removal records (bare keys, before the store's prefix). */
export const GUILD_INDEX = 'guild-index:';
export const REMOVAL_INDEX = 'removal-index';
const REMOVAL_PREFIX = 'lifecycle:removal:';
/** Set once every key written before the indexes existed is in its index. */
export const INDEXED_MARKER = 'index-version';
export const INDEX_VERSION = '1';

type Arg = string | Buffer;
type Args = readonly Arg[];

/** Where a bare key (or prefix) is indexed: the index's bare key and the key's name in it. */
export interface IndexEntry {
  readonly index: string;
  readonly member: string;
}

const GUILD_KEY = /^guild:(\d{1,20}):(.+)$/s;
const REMOVAL_KEY = /^lifecycle:removal:(\d{1,20})$/;

/** The index a bare key belongs in, or undefined for a key of no server (claims, health, DMs). */
export function indexEntryOf(bareKey: string): IndexEntry | undefined {
  const guild = GUILD_KEY.exec(bareKey);
  if (guild) return { index: `${GUILD_INDEX}${guild[1]}`, member: guild[2]! };
  const removal = REMOVAL_KEY.exec(bareKey);
  if (removal) return { index: REMOVAL_INDEX, member: removal[1]! };
  return undefined;
}

/**
 * Where the keys starting with a bare prefix are listed: an index and the member prefix within it.
 * Undefined when no index holds exactly them (a prefix across servers, say).
 */
export function indexedPrefix(barePrefix: string): IndexEntry | undefined {
  const guild = /^guild:(\d{1,20}):(.*)$/s.exec(barePrefix);
  if (guild) return { index: `${GUILD_INDEX}${guild[1]}`, member: guild[2]! };
  if (barePrefix.startsWith(REMOVAL_PREFIX) && /^\d*$/.test(barePrefix.slice(REMOVAL_PREFIX.length))) {
    return { index: REMOVAL_INDEX, member: barePrefix.slice(REMOVAL_PREFIX.length) };
  }
  return undefined;
}

/** The bare key an index member stands for. */
export function bareKeyOf(index: string, member: string): string {
  return index === REMOVAL_INDEX ? `${REMOVAL_PREFIX}${member}` : `guild:${index.slice(GUILD_INDEX.length)}:${member}`;
}

/** What a command does to the keys it names. */
type Effect =
  /** Sets the key's expiry to `expiresAt` (epoch ms; +inf: none), whatever it was. */
  | { readonly kind: 'expires'; readonly key: Arg; readonly expiresAt: number }
  /** Writes the key and may leave its expiry as it was, or set it to `atLeast`. */
  | { readonly kind: 'writes'; readonly key: Arg; readonly atLeast: number }
  | { readonly kind: 'deletes'; readonly key: Arg };

const upper = (arg: Arg | undefined) => String(arg ?? '').toUpperCase();
const num = (arg: Arg | undefined) => Number(String(arg));

/** One-key writes that never set an expiry (a new key has none; an existing one keeps its own). */
const PLAIN_WRITES = new Set([
  'SETNX', 'GETSET', 'SETRANGE', 'APPEND', 'INCR', 'INCRBY', 'INCRBYFLOAT', 'DECR', 'DECRBY',
  'HSET', 'HSETNX', 'HMSET', 'HINCRBY', 'HINCRBYFLOAT', 'SADD', 'ZADD', 'ZINCRBY',
  'LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX', 'LSET', 'LINSERT', 'PFADD', 'XADD', 'SETBIT', 'BITFIELD',
]);
const SCRIPTS = new Set(['EVAL', 'EVALSHA', 'FCALL']);

/** The expiry a SET's options give (relative to `now`), whether it is conditional, and KEEPTTL. */
function setOptions(options: Args, now: number): { expiresAt: number; conditional: boolean; keep: boolean } {
  let expiresAt = Number.POSITIVE_INFINITY;
  let conditional = false;
  let keep = false;
  for (let i = 0; i < options.length; i++) {
    const word = upper(options[i]);
    if (word === 'NX' || word === 'XX') conditional = true;
    else if (word === 'KEEPTTL') keep = true;
    else if (word === 'PX') expiresAt = now + num(options[++i]);
    else if (word === 'EX') expiresAt = now + 1000 * num(options[++i]);
    else if (word === 'PXAT') expiresAt = num(options[++i]);
    else if (word === 'EXAT') expiresAt = 1000 * num(options[++i]);
  }
  return { expiresAt, conditional, keep };
}

/** What a raw command (`['SET', key, …]`) does to the keys it names. */
export function effectsOf(args: Args, now: number): Effect[] {
  const name = upper(args[0]);
  const key = args[1];
  if (key === undefined) return [];
  if (name === 'SET') {
    const { expiresAt, conditional, keep } = setOptions(args.slice(3), now);
    return conditional || keep ? [{ kind: 'writes', key, atLeast: keep ? Number.POSITIVE_INFINITY : expiresAt }] : [{ kind: 'expires', key, expiresAt }];
  }
  if (name === 'SETEX') return [{ kind: 'expires', key, expiresAt: now + 1000 * num(args[2]) }];
  if (name === 'PSETEX') return [{ kind: 'expires', key, expiresAt: now + num(args[2]) }];
  if (name === 'PEXPIRE' || name === 'EXPIRE' || name === 'PEXPIREAT' || name === 'EXPIREAT') {
    const value = num(args[2]) * (name.startsWith('P') ? 1 : 1000);
    return [{ kind: 'expires', key, expiresAt: name.endsWith('AT') ? value : now + value }];
  }
  if (name === 'PERSIST') return [{ kind: 'expires', key, expiresAt: Number.POSITIVE_INFINITY }];
  if (name === 'GETEX') {
    const { expiresAt } = setOptions(args.slice(2), now);
    return args.slice(2).some((a) => ['PX', 'EX', 'PXAT', 'EXAT', 'PERSIST'].includes(upper(a))) ? [{ kind: 'expires', key, expiresAt }] : [];
  }
  if (PLAIN_WRITES.has(name)) return [{ kind: 'writes', key, atLeast: Number.POSITIVE_INFINITY }];
  if (name === 'DEL' || name === 'UNLINK') return args.slice(1).map((k) => ({ kind: 'deletes', key: k }));
  if (name === 'GETDEL') return [{ kind: 'deletes', key }];
  if (name === 'MSET' || name === 'MSETNX') {
    return args.slice(1).flatMap((k, i) => (i % 2 ? [] : [{ kind: 'writes' as const, key: k, atLeast: Number.POSITIVE_INFINITY }]));
  }
  if (SCRIPTS.has(name)) {
    const count = num(args[2]);
    return args.slice(3, 3 + (Number.isInteger(count) ? count : 0)).map((k) => ({ kind: 'writes' as const, key: k, atLeast: Number.POSITIVE_INFINITY }));
  }
  return [];
}

const score = (ms: number) => (ms === Number.POSITIVE_INFINITY ? '+inf' : String(Math.ceil(ms)));

/**
 * The commands that keep the indexes right for one command, to send just before it in the same
 * MULTI; none when it touches no indexed key. `prefix` is the store's own (`kiss::`); `pruned`, the
 * indexes already pruned in this MULTI (each once).
 */
export function indexCommands(args: Args, prefix: string, now: number, pruned = new Set<string>()): string[][] {
  const out: string[][] = [];
  for (const effect of effectsOf(args, now)) {
    const full = String(effect.key);
    if (!full.startsWith(prefix)) continue;
    const entry = indexEntryOf(full.slice(prefix.length));
    if (!entry) continue;
    const index = prefix + entry.index;
    if (effect.kind === 'deletes') {
      out.push(['ZREM', index, entry.member]);
      continue;
    }
    if (effect.kind === 'expires') out.push(['ZADD', index, score(effect.expiresAt), entry.member]);
    else out.push(['ZADD', index, 'GT', score(effect.atLeast), entry.member]);
    if (!pruned.has(index)) {
      pruned.add(index);
      out.push(['ZREMRANGEBYSCORE', index, '-inf', `(${now - EXPIRY_MARGIN_MS}`]);
    }
  }
  return out;
}

/** The parts of a node-redis client and its MULTI this module wraps (all public API). */
interface RawMulti {
  addCommand(args: Args, transformReply?: unknown): RawMulti;
  sendCommand?(args: Args): RawMulti;
  exec(execAsPipeline?: boolean): Promise<unknown[]>;
  execAsPipeline(): Promise<unknown[]>;
}

interface RawClient {
  sendCommand(args: Args, options?: unknown): Promise<unknown>;
  multi(): RawMulti;
}

/** A MULTI (or pipeline) whose commands are indexed, with the index commands' replies left out of exec's. */
function indexingMulti(multi: RawMulti, prefix: string): RawMulti {
  const addCommand = multi.addCommand.bind(multi);
  const exec = multi.exec.bind(multi);
  const execAsPipeline = multi.execAsPipeline.bind(multi);
  /** Positions of the commands this wrapper added, whose replies nobody asked for. */
  const added = new Set<number>();
  const pruned = new Set<string>();
  let length = 0;
  const add = (args: Args, transformReply?: unknown) => {
    for (const extra of indexCommands(args, prefix, Date.now(), pruned)) {
      addCommand(extra);
      added.add(length++);
    }
    addCommand(args, transformReply);
    length++;
    return wrapped;
  };
  const keepAsked = (replies: unknown[]) => replies.filter((_, i) => !added.has(i));
  const run = async (asPipeline?: boolean) => keepAsked(await (asPipeline ? execAsPipeline() : exec()));
  const runAsPipeline = async () => keepAsked(await execAsPipeline());
  // Typed commands (`multi.set(…)`) call `this.addCommand`, which is now `add`.
  const wrapped: RawMulti = Object.assign(multi, {
    addCommand: add,
    sendCommand: (args: Args) => add(args.slice()),
    exec: run,
    EXEC: run,
    execTyped: run,
    execAsPipeline: runAsPipeline,
    execAsPipelineTyped: runAsPipeline,
  });
  return wrapped;
}

/** The error of the command at `index` of a failed MULTI (node-redis's MultiErrorReply), if it failed. */
function ownError(error: unknown, index: number): Error | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { replies, errorIndexes } = error as { replies?: unknown; errorIndexes?: unknown };
  if (!Array.isArray(replies) || !Array.isArray(errorIndexes) || !errorIndexes.includes(index)) return undefined;
  const own: unknown = replies[index];
  return own instanceof Error ? own : undefined;
}

/**
 * Makes `client` keep the indexes of the store whose keys start with `prefix` (see the top of this
 * file). Returns the same client. Node-redis sends every command through `sendCommand` (typed
 * commands included) and every MULTI through `multi()`: those two are wrapped, on the client object
 * its commands run on (`createClient` hands out an object whose prototype is that one, `_self`).
 */
export function indexingClient<C extends object>(client: C, prefix: string): C {
  const self = ((client as { _self?: object })._self ?? client) as RawClient;
  const sendCommand = self.sendCommand.bind(self);
  const multi = self.multi.bind(self);
  const wrappedMulti = () => indexingMulti(multi(), prefix);
  Object.assign(self, {
    sendCommand(args: Args, options?: unknown): Promise<unknown> {
      const extra = indexCommands(args, prefix, Date.now());
      if (!extra.length) return sendCommand(args, options);
      const transaction = multi();
      for (const command of extra) transaction.addCommand(command);
      transaction.addCommand(args);
      // The command's own error (a script's NOSCRIPT, a WRONGTYPE) is thrown as itself, as without
      // the index, not wrapped in the MULTI's error: callers such as runScript look at its message.
      return transaction.exec().then(
        (replies) => replies.at(-1),
        (error: unknown) => {
          throw ownError(error, extra.length) ?? error;
        },
      );
    },
    multi: wrappedMulti,
    MULTI: wrappedMulti,
  });
  return client;
}
