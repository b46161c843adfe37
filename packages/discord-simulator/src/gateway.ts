/** The gateway: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, sequenced dispatches, RESUME with replay. */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { MAX_GUILDS_PER_SHARD, type IdentifyLimit, type StatsCounter } from './limits.js';
import type { World } from './model.js';
import { apiGuildCreate, apiUser, type Json } from './serialize.js';
import { shardOf } from './snowflake.js';
import type { GatewaySessionInfo } from './types.js';

/** Gateway opcodes. */
const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** How many dispatches a session keeps for replay. */
const REPLAY_LIMIT = 5000;

/** A dispatch kept for replay, serialized once: a shard with thousands of guilds keeps text, not object trees. */
interface Dispatch {
  s: number;
  /** The whole `{ op: 0, t, s, d }` payload as sent. */
  text: string;
}

class Session {
  readonly id = randomUUID().replace(/-/g, '');
  seq = 0;
  readonly buffer: Dispatch[] = [];
  connection: Connection | null = null;
  /** READY or RESUMED was sent on the current connection. */
  live = false;
  resumed = 0;
  /** Dispatches reach this session this many ms late (see `lag`). */
  lagMs = 0;

  constructor(
    readonly shardId: number,
    readonly shardCount: number,
    readonly intents: number,
    readonly identified: number,
  ) {}

  owns(guildId: string): boolean {
    return shardOf(guildId, this.shardCount) === this.shardId;
  }
}

interface Connection {
  ws: WebSocket;
  session: Session | null;
  zombieTimer: NodeJS.Timeout | null;
}

/** What the gateway needs from the simulator. */
export interface GatewayHost {
  token: string;
  world: World;
  heartbeatIntervalMs: number;
  /** `max_concurrency`: shards with equal `shard_id % maxConcurrency` share an identify bucket. */
  maxConcurrency: number;
  /** When each identify bucket may identify again. */
  identifyLimit: IdentifyLimit;
  stats: StatsCounter;
  /** ws://127.0.0.1:PORT/gateway, known once the server listens. */
  gatewayUrl: () => string;
  log: (message: string, details?: Record<string, unknown>) => void;
}

/** The simulated gateway, attached to the HTTP server's upgrade requests on /gateway. */
export class Gateway {
  readonly #host: GatewayHost;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sessions = new Map<string, Session>();
  readonly #connections = new Set<Connection>();
  readonly #identifies = new Map<number, number>();
  readonly #changes = new EventEmitter();

  constructor(host: GatewayHost) {
    this.#host = host;
    this.#changes.setMaxListeners(0);
  }

  /** Takes over an HTTP upgrade request for /gateway. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  }

  #accept(ws: WebSocket): void {
    const conn: Connection = { ws, session: null, zombieTimer: null };
    this.#connections.add(conn);
    ws.on('message', (data: RawData) => this.#onMessage(conn, data));
    ws.on('close', (code: number) => this.#onClose(conn, code));
    ws.on('error', () => undefined);
    this.#send(conn, { op: Op.Hello, d: { heartbeat_interval: this.#host.heartbeatIntervalMs } });
    this.#armZombieTimer(conn);
  }

  #armZombieTimer(conn: Connection): void {
    if (conn.zombieTimer) clearTimeout(conn.zombieTimer);
    const limit = Math.ceil(this.#host.heartbeatIntervalMs * 1.5) + 1000;
    conn.zombieTimer = setTimeout(() => {
      this.#host.log('gateway: no heartbeat, closing zombie connection', { shard: conn.session?.shardId });
      conn.ws.close(4009, 'Session timed out');
    }, limit);
    conn.zombieTimer.unref();
  }

  #send(conn: Connection, payload: unknown): void {
    this.#sendText(conn, JSON.stringify(payload));
  }

  #sendText(conn: Connection, text: string): void {
    if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(text);
  }

  #onMessage(conn: Connection, data: RawData): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse((Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8')) as { op?: unknown; d?: unknown };
    } catch {
      conn.ws.close(4002, 'Error while decoding payload.');
      return;
    }
    switch (payload.op) {
      case Op.Heartbeat:
        this.#armZombieTimer(conn);
        this.#send(conn, { op: Op.HeartbeatAck });
        return;
      case Op.Identify:
        this.#identify(conn, payload.d);
        return;
      case Op.Resume:
        this.#resume(conn, payload.d);
        return;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (!conn.session) conn.ws.close(4003, 'Not authenticated.');
        return;
      default:
        conn.ws.close(4001, 'Unknown opcode.');
    }
  }

  #identify(conn: Connection, d: unknown): void {
    if (conn.session) {
      conn.ws.close(4005, 'Already authenticated.');
      return;
    }
    const data = (d ?? {}) as { token?: unknown; shard?: unknown; intents?: unknown };
    if (data.token !== this.#host.token) {
      conn.ws.close(4004, 'Authentication failed.');
      return;
    }
    const { stats } = this.#host;
    stats.identifies++;
    const [shardId, shardCount] = Array.isArray(data.shard) ? (data.shard as unknown[]) : [0, 1];
    if (
      typeof shardId !== 'number' ||
      typeof shardCount !== 'number' ||
      !Number.isInteger(shardId) ||
      !Number.isInteger(shardCount) ||
      shardCount < 1 ||
      shardId < 0 ||
      shardId >= shardCount
    ) {
      conn.ws.close(4010, 'Invalid shard.');
      return;
    }
    const { world } = this.#host;
    // The guilds the bot is in; one that is down is listed in READY, without its GUILD_CREATE.
    const guilds = [...world.guilds.values()].filter((g) => shardOf(g.id, shardCount) === shardId && world.hasBot(g.id));
    if (guilds.length > MAX_GUILDS_PER_SHARD) {
      stats.shardingRequiredCloses++;
      this.#host.log('gateway: sharding required', { shardId, shardCount, guilds: guilds.length });
      conn.ws.close(4011, 'Sharding required.');
      return;
    }
    if (!this.#host.identifyLimit.take(shardId, this.#host.maxConcurrency, performance.now())) {
      stats.identifyRateLimited++;
      this.#host.log('gateway: identify too soon for its concurrency bucket', { shardId, shardCount });
      this.#send(conn, { op: Op.InvalidSession, d: false });
      return;
    }
    const identified = (this.#identifies.get(shardId) ?? 0) + 1;
    this.#identifies.set(shardId, identified);
    const session = new Session(shardId, shardCount, typeof data.intents === 'number' ? data.intents : 0, identified);
    this.#sessions.set(session.id, session);
    session.connection = conn;
    conn.session = session;
    session.live = true;
    this.#push(session, 'READY', {
      v: 10,
      user_settings: {},
      user: { ...apiUser(world.botUser), verified: true, mfa_enabled: false, email: null },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: this.#host.gatewayUrl(),
      shard: [shardId, shardCount],
      application: { id: world.botUser.id, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      auth: {},
      session_type: 'normal',
    });
    for (const g of guilds) {
      if (!world.unavailableGuilds.has(g.id)) this.#push(session, 'GUILD_CREATE', apiGuildCreate(world, g, session.intents));
    }
    this.#host.log('gateway: identified', { shardId, shardCount, sessionId: session.id });
    this.#changes.emit('change');
  }

  #resume(conn: Connection, d: unknown): void {
    const data = (d ?? {}) as { token?: unknown; session_id?: unknown; seq?: unknown };
    const session = typeof data.session_id === 'string' ? this.#sessions.get(data.session_id) : undefined;
    const seq = typeof data.seq === 'number' ? data.seq : 0;
    const oldest = session?.buffer[0]?.s ?? (session ? session.seq + 1 : 0);
    if (
      data.token !== this.#host.token ||
      !session ||
      (conn.session !== null && conn.session !== session) ||
      seq > session.seq ||
      (seq + 1 < oldest && seq < session.seq)
    ) {
      this.#send(conn, { op: Op.InvalidSession, d: false });
      return;
    }
    const previous = session.connection;
    if (previous && previous !== conn) {
      previous.session = null;
      previous.ws.terminate();
    }
    session.connection = conn;
    conn.session = session;
    for (const dispatch of session.buffer) {
      if (dispatch.s > seq) this.#sendText(conn, dispatch.text);
    }
    this.#send(conn, { op: Op.Dispatch, t: 'RESUMED', s: null, d: {} });
    session.live = true;
    session.resumed++;
    this.#host.log('gateway: resumed', { shardId: session.shardId, replayed: session.seq - seq });
    this.#changes.emit('change');
  }

  #onClose(conn: Connection, code: number): void {
    if (conn.zombieTimer) clearTimeout(conn.zombieTimer);
    this.#connections.delete(conn);
    const session = conn.session;
    if (session && session.connection === conn) {
      session.connection = null;
      session.live = false;
      // A client closing normally ends its session; any other close keeps it resumable.
      if (code === 1000 || code === 1001) this.#sessions.delete(session.id);
    }
    this.#changes.emit('change');
  }

  #push(session: Session, t: string, d: unknown): void {
    session.seq++;
    const dispatch: Dispatch = { s: session.seq, text: JSON.stringify({ op: Op.Dispatch, t, s: session.seq, d }) };
    session.buffer.push(dispatch);
    if (session.buffer.length > REPLAY_LIMIT) session.buffer.shift();
    if (!session.live || !session.connection) return;
    if (session.lagMs <= 0) {
      this.#sendText(session.connection, dispatch.text);
      return;
    }
    // Late, in order (timers of equal delay fire in the order they were set); a socket replaced
    // meanwhile gets it by replay when it resumes.
    const conn = session.connection;
    setTimeout(() => {
      if (session.connection === conn && session.live) this.#sendText(conn, dispatch.text);
    }, session.lagMs).unref();
  }

  /**
   * Delivers a session's dispatches `ms` (real time) late from now on, in order; 0 ends it. A
   * process too busy to read its socket at once, such as the old process of a rolling deploy still
   * answering a burst while the new one identifies on the same shard.
   */
  lag(sessionId: string, ms: number): void {
    const session = this.#sessions.get(sessionId);
    if (!session) throw new Error(`No gateway session ${sessionId}`);
    session.lagMs = Math.max(0, ms);
  }

  /**
   * Sends a dispatch to every session of the shard that owns `guildId` (or shard 0 for DMs when
   * `guildId` is null), optionally only to sessions whose intents include `intent`. Sessions whose
   * socket dropped keep it for replay. Returns how many sessions got it.
   */
  dispatch(guildId: string | null, t: string, d: Json, intent?: number): number {
    // Nothing reaches the bot from a guild it is not in, or from one that is down.
    const { world } = this.#host;
    if (guildId !== null && (!world.hasBot(guildId) || world.unavailableGuilds.has(guildId))) return 0;
    let delivered = 0;
    for (const session of this.#sessions.values()) {
      if (guildId === null ? session.shardId !== 0 : !session.owns(guildId)) continue;
      if (intent !== undefined && (session.intents & intent) === 0) continue;
      this.#push(session, t, d);
      delivered++;
    }
    return delivered;
  }

  /** GUILD_CREATE for a guild the bot just joined, built per session (intents decide the members). */
  guildCreate(guildId: string): void {
    const { world } = this.#host;
    const guild = world.requireGuild(guildId);
    for (const session of this.#sessions.values()) {
      if (session.owns(guildId)) this.#push(session, 'GUILD_CREATE', apiGuildCreate(world, guild, session.intents));
    }
  }

  /**
   * GUILD_DELETE to the sessions that own the guild: `{ id, unavailable: true }` when it is down (an
   * outage), `{ id }` alone when the bot was removed from it (Discord's way to tell them apart).
   */
  guildDelete(guildId: string, unavailable: boolean): void {
    const d = unavailable ? { id: guildId, unavailable: true } : { id: guildId };
    for (const session of this.#sessions.values()) {
      if (session.owns(guildId)) this.#push(session, 'GUILD_DELETE', d);
    }
  }

  /** The shard count of the sessions now open (the first found), or undefined when none. */
  currentShardCount(): number | undefined {
    for (const s of this.#sessions.values()) return s.shardCount;
    return undefined;
  }

  #select(shardId?: number): Session[] {
    return [...this.#sessions.values()].filter((s) => shardId === undefined || s.shardId === shardId);
  }

  /** Kills the shard's sockets without a close frame; the sessions stay resumable. */
  drop(shardId?: number): void {
    for (const session of this.#select(shardId)) {
      const conn = session.connection;
      if (!conn) continue;
      session.live = false;
      conn.ws.terminate();
    }
  }

  /** Sends op 7 RECONNECT: the client closes with 4200 and resumes. */
  reconnect(shardId?: number): void {
    for (const session of this.#select(shardId)) {
      if (session.connection) this.#send(session.connection, { op: Op.Reconnect, d: null });
    }
  }

  /** Sends op 9 INVALID_SESSION; unless `resumable`, the session is forgotten and the client must identify again. */
  invalidateSession(shardId?: number, resumable = false): void {
    for (const session of this.#select(shardId)) {
      const conn = session.connection;
      if (!resumable) this.#sessions.delete(session.id);
      session.live = false;
      if (conn) this.#send(conn, { op: Op.InvalidSession, d: resumable });
    }
    this.#changes.emit('change');
  }

  /** Ids of shards with a live session, ascending. */
  connectedShards(): number[] {
    const ids = new Set<number>();
    for (const s of this.#sessions.values()) if (s.live && s.connection) ids.add(s.shardId);
    return [...ids].sort((a, b) => a - b);
  }

  sessions(): GatewaySessionInfo[] {
    return [...this.#sessions.values()].map((s) => ({
      shardId: s.shardId,
      shardCount: s.shardCount,
      sessionId: s.id,
      resumed: s.resumed,
      identified: s.identified,
      connected: s.live && s.connection !== null,
      intents: s.intents,
    }));
  }

  /** Resolves when `shardCount` shards have a live (READY or resumed) session. */
  waitForReady(shardCount = 1, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.connectedShards().length < shardCount) return false;
        cleanup();
        resolve();
        return true;
      };
      const onChange = (): void => void check();
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`waitForReady: ${this.connectedShards().length}/${shardCount} shards ready after ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.#changes.off('change', onChange);
      };
      this.#changes.on('change', onChange);
      check();
    });
  }

  /** Closes every socket and forgets every session. */
  close(): void {
    for (const conn of this.#connections) {
      if (conn.zombieTimer) clearTimeout(conn.zombieTimer);
      conn.ws.terminate();
    }
    this.#connections.clear();
    this.#sessions.clear();
    this.#wss.close();
    this.#changes.removeAllListeners();
  }
}
