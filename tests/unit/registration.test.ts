import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { checkRequestBody } from '@kiss-scene-bot/discord-simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandPayload, loadCommands } from '../../src/loader.js';

type Option = {
  type: number;
  name: string;
  description: string;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
  options?: Option[];
  choices?: unknown[];
};
type Definition = Option & {
  contexts?: number[];
  integration_types?: number[];
  default_member_permissions?: string | null;
};

const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const root = new URL('../../', import.meta.url);

let payload: Definition[];
beforeAll(async () => {
  payload = commandPayload(await loadCommands()) as Definition[];
});

function* walk(options: Option[] | undefined): Generator<Option> {
  for (const option of options ?? []) {
    yield option;
    yield* walk(option.options);
  }
}

function checkNames(item: Option) {
  expect(item.name, item.name).toMatch(NAME);
  expect(item.name, item.name).toBe(item.name.toLowerCase());
  expect(item.description.length, item.name).toBeGreaterThanOrEqual(1);
  expect(item.description.length, item.name).toBeLessThanOrEqual(100);
  const koName = item.name_localizations?.ko;
  if (koName !== undefined) expect(koName, `${item.name} ko`).toMatch(NAME);
  const koDescription = item.description_localizations?.ko ?? '';
  expect(koDescription.length, `${item.name} ko description`).toBeGreaterThanOrEqual(1);
  expect(koDescription.length, `${item.name} ko description`).toBeLessThanOrEqual(100);
}

/** Discord counts name, description and option text of a command against a 4000-character limit. */
function textSize(item: Option): number {
  return item.name.length + item.description.length + (item.options ?? []).reduce((n, o) => n + textSize(o), 0);
}

describe('command registration', () => {
  it('loads one command per file in commands/, each name once', () => {
    const names = payload.map((c) => c.name);
    expect(names).toContain('kiss-scene');
    expect(names).toContain('kiss-video');
    expect(new Set(names).size).toBe(names.length);
  });

  it('respects Discord’s limits for names, descriptions, options and choices, with Korean localizations', () => {
    for (const command of payload) {
      checkNames(command);
      expect(command.options?.length ?? 0).toBeLessThanOrEqual(25);
      expect(textSize(command)).toBeLessThanOrEqual(4000);
      for (const option of walk(command.options)) {
        checkNames(option);
        expect(option.name_localizations?.ko, `${option.name} ko name`).toBeDefined();
        expect(option.options?.length ?? 0).toBeLessThanOrEqual(25);
        expect(option.choices?.length ?? 0).toBeLessThanOrEqual(25);
      }
    }
  });

  it('sets contexts and integration types deliberately: story commands work user-installed, server-state ones are server-only for moderators', () => {
    for (const command of payload) {
      expect(command.contexts?.length, command.name).toBeGreaterThan(0);
      expect(command.integration_types?.length, command.name).toBeGreaterThan(0);
    }
    const byName = new Map(payload.map((c) => [c.name, c]));
    for (const name of ['kiss-scene', 'kiss-video']) {
      expect(byName.get(name)?.integration_types).toEqual([0, 1]);
      expect(byName.get(name)?.contexts).toEqual([0, 1, 2]);
      expect(byName.get(name)?.default_member_permissions).toBeUndefined();
    }
    const link = byName.get('kiss-video-link');
    expect(link?.contexts).toEqual([0]);
    expect(link?.integration_types).toEqual([0]);
    expect(link?.default_member_permissions).toBe('32');
    for (const command of payload.filter((c) => c.default_member_permissions != null)) {
      expect(command.contexts, command.name).toEqual([0]);
      expect(command.integration_types, command.name).toEqual([0]);
    }
  });

  it('prints exactly this payload on `deploy --dry-run`, with no token and no network', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DISCORD_API_URL: 'http://127.0.0.1:9/api' };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/deploy.ts', '--dry-run'], { cwd: root, env });
    expect(JSON.parse(stdout)).toEqual(payload);
  });

  it('matches the request-body schema Discord publishes for registering commands', () => {
    // The simulator's copy of Discord's OpenAPI description; bulk overwrite is what `npm run deploy` calls.
    expect(checkRequestBody('bulk_set_application_commands', payload)).toEqual([]);
    expect(checkRequestBody('bulk_set_guild_application_commands', payload)).toEqual([]);
    // The check can fail: a description over Discord's limit is named.
    const tooLong = [{ ...payload[0]!, description: 'x'.repeat(101) }];
    expect(checkRequestBody('bulk_set_application_commands', tooLong)?.map((p) => p.path)).toContainEqual([0, 'description']);
  });
});
