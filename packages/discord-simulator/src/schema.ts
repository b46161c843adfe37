/**
 * Request bodies checked against Discord's own OpenAPI description of REST v10 (`spec/openapi.json`,
 * published by Discord under the MIT licence, kept with its LICENSE beside it). Every route of the
 * simulator carries Discord's operationId, so each JSON body (or multipart `payload_json`) is checked
 * against exactly the schema Discord publishes for that operation.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { E, FormErrors } from './errors.js';

/** Where the vendored description lives: `spec/` beside `src/` (and beside `dist/` once built). */
const SPEC_URL = new URL('../spec/openapi.json', import.meta.url);

/** One problem with one field of a body: the JSON path and what is wrong there. */
export interface SchemaProblem {
  /** Path in the body, e.g. `['attachments', 0, 'id']`; empty for the body itself. */
  path: Array<string | number>;
  message: string;
}

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

interface Operation {
  operationId?: string;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

interface Loaded {
  ajv: Ajv2020;
  /** Request-body schema by operationId; null when the operation takes no JSON body. */
  schemas: Map<string, unknown>;
  /** Compiled validators by `<operationId>|<part>`. */
  validators: Map<string, Validator>;
}

/**
 * Which part of a schema to check. 'shape': types, required and unknown fields, enums and
 * constants, with every length, count, range and pattern left out; 'all': the whole schema.
 * The simulator checks the shape before a route runs and the whole after it accepted a body, so its
 * own checks of Discord's limits still answer with Discord's specific error codes.
 */
export type SchemaPart = 'shape' | 'all';

/** Keywords about sizes and ranges: Discord's limits, which the simulator's own rules check. */
const LIMIT_KEYWORDS = new Set([
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maximum',
  'minimum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'pattern',
  'maxProperties',
  'minProperties',
  'uniqueItems',
]);

let loaded: Loaded | undefined;

/** Parses the description once per process (it is immutable) and compiles schemas on first use. */
function load(): Loaded {
  if (loaded) return loaded;
  const spec = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as {
    paths: Record<string, Record<string, Operation>>;
    components: unknown;
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'discord.json', components: rebase(spec.components, 'all') });
  ajv.addSchema({ $id: 'discord-shape.json', components: rebase(spec.components, 'shape') });
  const schemas = new Map<string, unknown>();
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      if (!op || typeof op !== 'object' || !op.operationId) continue;
      schemas.set(op.operationId, op.requestBody?.content?.['application/json']?.schema ?? null);
    }
  }
  loaded = { ajv, schemas, validators: new Map() };
  return loaded;
}

/**
 * Points `#/components/...` refs at the shared components document and drops empty enums (invalid
 * JSON Schema). Permission bitfields are typed integer in the description, but Discord documents
 * them as strings and discord.js always sends strings (`default_member_permissions: "32"`), which
 * Discord accepts: those fields also accept a decimal string.
 */
function rebase(node: unknown, part: SchemaPart): unknown {
  if (Array.isArray(node)) return node.map((n) => rebase(n, part));
  if (!node || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  // permission bitfields: integers whose maximum (2^54 - 1) is beyond what a JS number holds exactly
  const bitfield = typeof record.maximum === 'number' && record.maximum > Number.MAX_SAFE_INTEGER;
  if (bitfield && Array.isArray(record.type) && record.type.includes('integer')) {
    const { type, minimum, maximum } = record;
    const number = part === 'all' ? { type, minimum, maximum } : { type };
    return { anyOf: [number, { type: 'string', ...(part === 'all' ? { pattern: '^[0-9]+$' } : {}) }] };
  }
  const document = part === 'all' ? 'discord.json' : 'discord-shape.json';
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out[key] = `${document}${value}`;
    else if (key === 'enum' && Array.isArray(value) && value.length === 0) continue;
    else if (part === 'shape' && LIMIT_KEYWORDS.has(key) && typeof value !== 'object') continue;
    else out[key] = rebase(value, part);
  }
  return out;
}

/** Whether Discord's description knows this operation. */
export function knowsOperation(operationId: string): boolean {
  return load().schemas.has(operationId);
}

/**
 * Checks a request body against (a part of) the operation's request-body schema. Returns the
 * problems (empty when the body matches), or undefined when the operation takes no JSON body or is
 * unknown.
 */
export function checkRequestBody(operationId: string, body: unknown, part: SchemaPart = 'all'): SchemaProblem[] | undefined {
  const { ajv, schemas, validators } = load();
  const key = `${operationId}|${part}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = schemas.get(operationId);
    if (schema === undefined || schema === null) return undefined;
    validate = ajv.compile(rebase(schema, part) as object) as Validator;
    validators.set(key, validate);
  }
  if (validate(body)) return [];
  return leafProblems(validate.errors ?? []);
}

/**
 * ajv reports every branch of a failed `oneOf`/`anyOf`; keep the deepest problems, which name the
 * field that is actually wrong, one line per path.
 */
function leafProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  const byPath = new Map<string, SchemaProblem>();
  const depth = (e: ErrorObject) => (e.instancePath ? e.instancePath.split('/').length : 0);
  const deepest = Math.max(...errors.map(depth));
  for (const e of errors) {
    if (depth(e) < deepest && (e.keyword === 'anyOf' || e.keyword === 'oneOf')) continue;
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const extra = e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
    const message = `${e.message ?? e.keyword}${extra}`;
    const key = `${path.join('.')}|${message}`;
    if (!byPath.has(key)) byPath.set(key, { path, message });
  }
  return [...byPath.values()];
}

/** The 400 Invalid Form Body (50035) Discord answers a body that does not match its schema with. */
export function throwInvalidFormBody(problems: readonly SchemaProblem[]): never {
  const errors = new FormErrors();
  for (const p of problems) errors.add(p.path, E.schemaMismatch(p.message));
  errors.throwIfAny();
  throw new Error('unreachable: problems were empty');
}
