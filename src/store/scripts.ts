import { createHash } from 'node:crypto';
import type { RedisAdapter } from './atomic.js';

/*
 * Lua scripts on Redis: how counters.ts and leases.ts change several values in one step there.
 * A script runs alone on the server (no other command runs between its reads and writes), so a
 * read-modify-write inside one is atomic for every process sharing the server.
 */

interface ScriptClient {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/**
 * Decodes a value as Keyv stores it (`{ value, expires }` as JSON) and says whether it is live, as
 * Keyv itself decides (`now > expires` is expired). Shared by every script; `now` is ARGV[1].
 */
export const LUA_DECODE = `
local now = tonumber(ARGV[1])
local function decoded(raw)
  if not raw then return nil end
  local ok, data = pcall(cjson.decode, raw)
  if not ok or type(data) ~= 'table' then return nil end
  if type(data.expires) == 'number' and now > data.expires then return nil end
  return data
end
`;

const shas = new Map<string, string>();

/**
 * Runs `script` on the adapter's server: by its SHA1 (the script text is sent once per server, the
 * first time, when Redis answers NOSCRIPT). Keys are full Redis keys; a cluster is refused, since
 * a script's keys would have to share one hash slot.
 */
export async function runScript(store: RedisAdapter, script: string, keys: string[], args: string[]): Promise<unknown> {
  if (store.isCluster()) throw new Error('Counters and leases need a single Redis server (the bot opens one: see keyv.ts), not a cluster');
  const client = (await store.getClient()) as unknown as ScriptClient;
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  try {
    return await client.evalSha(sha, { keys, arguments: args });
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.eval(script, { keys, arguments: args });
  }
}
