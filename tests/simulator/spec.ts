/** Checks logged request bodies against Discord's OpenAPI description (../shared/discord-api-spec). */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { RequestLogEntry } from '../../src/simulator/index.js';

const specUrl = new URL('../../../shared/discord-api-spec/openapi.json', import.meta.url);

/** Whether the spec file is there (it lives outside the repository). */
export const specAvailable = existsSync(fileURLToPath(specUrl));

interface Operation {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

type Validator = ((data: unknown) => boolean) & { errors?: unknown };

interface Loaded {
  ajv: Ajv2020;
  /** Request-body schema by operationId (null when the operation takes no JSON body). */
  schemas: Map<string, unknown>;
  validators: Map<string, Validator>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const spec = JSON.parse(readFileSync(fileURLToPath(specUrl), 'utf8')) as {
    paths: Record<string, Record<string, Operation & { operationId?: string }>>;
    components: unknown;
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'discord.json', components: rebase(spec.components) });
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

/** The compiled validator of an operation's JSON request body; null when it takes none, undefined when unknown. */
function validatorFor(operationId: string): Validator | null | undefined {
  const { ajv, schemas, validators } = load();
  const cached = validators.get(operationId);
  if (cached) return cached;
  const schema = schemas.get(operationId);
  if (schema === undefined || schema === null) return schema as null | undefined;
  const compiled = ajv.compile(rebase(schema) as object) as Validator;
  validators.set(operationId, compiled);
  return compiled;
}

/**
 * Points `#/components/...` refs at the shared components document and drops empty enums (invalid
 * JSON Schema). Permission bitfields are typed integer in the spec, but Discord documents them as
 * strings and discord.js always sends strings (`default_member_permissions: "32"`), which Discord
 * accepts: those fields also accept a decimal string.
 */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (!node || typeof node !== 'object') return node;
  const record = node as Record<string, unknown>;
  // permission bitfields: integers whose maximum (2^54 - 1) is beyond what a JS number holds exactly
  const bitfield = typeof record.maximum === 'number' && record.maximum > Number.MAX_SAFE_INTEGER;
  if (bitfield && Array.isArray(record.type) && record.type.includes('integer')) {
    const { type, minimum, maximum } = record;
    return { anyOf: [{ type, minimum, maximum }, { type: 'string', pattern: '^[0-9]+$' }] };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out[key] = `discord.json${value}`;
    else if (key === 'enum' && Array.isArray(value) && value.length === 0) continue;
    else out[key] = rebase(value);
  }
  return out;
}

/** One line per accepted request whose body does not match its operation's request-body schema. */
export function specViolations(entries: readonly RequestLogEntry[]): string[] {
  const problems: string[] = [];
  for (const e of entries) {
    if (e.status >= 300 || e.body === undefined || !e.operationId) continue;
    const validate = validatorFor(e.operationId);
    if (validate === undefined) {
      problems.push(`${e.method} ${e.route}: operationId ${e.operationId} is not in the spec`);
      continue;
    }
    if (validate === null) continue;
    if (!validate(e.body)) {
      problems.push(`${e.method} ${e.route} (${e.operationId}): ${JSON.stringify(validate.errors).slice(0, 800)}`);
    }
  }
  return problems;
}

/** How many accepted requests with a body were checked. */
export function checkedCount(entries: readonly RequestLogEntry[]): number {
  return entries.filter((e) => e.status < 300 && e.body !== undefined && e.operationId).length;
}
