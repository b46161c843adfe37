import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { classifyPostError } from '../../src/daily/discord-publisher.js';
import { dailyPostMessage } from '../../src/replies/daily-post.js';
import { catalogue, ROLE } from './helpers.js';

const body = { body: undefined, files: undefined };
const apiError = (status: number, code: number, message: string) =>
  new DiscordAPIError({ code, message }, code, status, 'POST', '/channels/1/messages', body);

describe('sorting a failed post', () => {
  it('turns a deleted channel (404 Unknown Channel) into "turn the schedule off"', () => {
    expect(classifyPostError(apiError(404, 10003, 'Unknown Channel'), () => [])).toMatchObject({ kind: 'permanent', reason: { kind: 'channel-deleted' } });
  });

  it('turns a lost permission (403) into "turn the schedule off", naming what the cache says is missing', () => {
    expect(classifyPostError(apiError(403, 50013, 'Missing Permissions'), () => ['EmbedLinks'])).toMatchObject({
      kind: 'permanent',
      reason: { kind: 'missing-permissions', missing: ['EmbedLinks'] },
    });
    expect(classifyPostError(apiError(403, 50001, 'Missing Access'), () => [])).toMatchObject({
      kind: 'permanent',
      reason: { kind: 'missing-permissions', missing: ['ViewChannel'] },
    });
    expect(classifyPostError(apiError(403, 50013, 'Missing Permissions'), () => [])).toMatchObject({ reason: { missing: [] } });
  });

  it('retries rate limits, server errors and network failures', () => {
    const rateLimit = new RateLimitError({
      timeToReset: 1500,
      limit: 5,
      method: 'POST',
      hash: 'h',
      url: '/channels/1/messages',
      route: '/channels/:id/messages',
      majorParameter: '1',
      global: false,
      retryAfter: 1500,
      sublimitTimeout: 0,
      scope: 'user',
    });
    expect(classifyPostError(rateLimit, () => [])).toMatchObject({ kind: 'transient', retryAfterMs: 1500 });
    expect(classifyPostError(new HTTPError(503, 'Service Unavailable', 'POST', '/x', body), () => [])).toMatchObject({ kind: 'transient' });
    expect(classifyPostError(apiError(500, 0, 'Internal'), () => [])).toMatchObject({ kind: 'transient' });
    expect(classifyPostError(Object.assign(new Error('aborted'), { name: 'AbortError' }), () => [])).toMatchObject({ kind: 'transient' });
    expect(classifyPostError(new Error('ECONNRESET'), () => [])).toMatchObject({ kind: 'transient' });
  });

  it('gives up for the day when Discord refuses the message itself', () => {
    expect(classifyPostError(apiError(400, 50035, 'Invalid Form Body'), () => [])).toMatchObject({ kind: 'rejected' });
  });
});

describe('the story-of-the-day message', () => {
  const couple = catalogue.couples[0]!;
  const source = catalogue.sourceOf(couple);

  it('is the /kiss-scene embed headed "Story of the day", mentioning nobody without a role', () => {
    const payload = dailyPostMessage({ couple, source, lang: 'en' });
    expect(payload.embeds[0]?.author?.name).toBe('Story of the day');
    expect(payload.embeds[0]?.description).toBe(couple.story.en);
    expect(payload.content).toBeUndefined();
    expect(payload.allowed_mentions).toEqual({ parse: [] });
  });

  it('mentions the chosen role, and only it', () => {
    const payload = dailyPostMessage({ couple, source, lang: 'ko', roleId: ROLE });
    expect(payload.content).toContain(`<@&${ROLE}>`);
    expect(payload.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    expect(payload.embeds[0]?.author?.name).toBe('오늘의 이야기');
  });

  it('uses the server\'s pinned video link like /kiss-scene', () => {
    const pinned = { url: 'https://youtu.be/abc123', pinnedBy: '1', pinnedAt: 0 };
    const payload = dailyPostMessage({ couple, source, lang: 'en', pinned });
    const urls = payload.components.flatMap((row) => row.components).map((b) => ('url' in b ? b.url : undefined));
    expect(urls).toContain(pinned.url);
  });
});
