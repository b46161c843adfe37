import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createDiscordPublisher } from '../../src/polls/discord-publisher.js';
import type { PollMessagePayload } from '../../src/polls/publisher.js';

function apiError(code: number, status: number) {
  return new DiscordAPIError({ code, message: 'x' }, code, status, 'PATCH', '/channels/1/messages/2', { body: undefined, files: undefined });
}

function fakeRest(behaviour: { patch?: () => unknown; post?: () => unknown } = {}) {
  const calls: Array<{ method: string; route: string; options: unknown }> = [];
  return {
    calls,
    rest: {
      async patch(route: string, options?: unknown) {
        calls.push({ method: 'PATCH', route, options });
        return behaviour.patch?.();
      },
      async post(route: string, options?: unknown) {
        calls.push({ method: 'POST', route, options });
        return behaviour.post ? behaviour.post() : { id: '999' };
      },
    },
  };
}

const live: PollMessagePayload = { embeds: [{ title: 'poll' }], components: [] };
const results: PollMessagePayload = { embeds: [{ title: 'results', image: { url: 'attachment://poll-x.png' } }], components: [], files: [{ name: 'poll-x.png', data: Buffer.from('png') }] };

describe('discord publisher', () => {
  it('edits a channel message through REST, with mentions that never ping', async () => {
    const { rest, calls } = fakeRest();
    await expect(createDiscordPublisher(rest as never).editMessage('1', '2', live)).resolves.toBe('ok');
    expect(calls).toEqual([{ method: 'PATCH', route: '/channels/1/messages/2', options: { body: { embeds: live.embeds, components: [], allowed_mentions: { parse: [] } }, files: [] } }]);
  });

  it('attaches the chart file and names it in the attachments', async () => {
    const { rest, calls } = fakeRest();
    await createDiscordPublisher(rest).editMessage('1', '2', results);
    expect(calls[0]?.options).toMatchObject({
      body: { attachments: [{ id: '0', filename: 'poll-x.png' }] },
      files: [{ name: 'poll-x.png', contentType: 'image/png', key: 'files[0]' }],
    });
  });

  it('posts a message and returns its id', async () => {
    const { rest, calls } = fakeRest();
    await expect(createDiscordPublisher(rest as never).postMessage('1', live)).resolves.toEqual({ ok: true, messageId: '999' });
    expect(calls[0]).toMatchObject({ method: 'POST', route: '/channels/1/messages' });
  });

  it.each([
    [10008, 404],
    [10003, 404],
    [50001, 403],
    [50013, 403],
  ])('reports Discord error %i as gone', async (code, status) => {
    const { rest } = fakeRest({
      patch: () => {
        throw apiError(code, status);
      },
      post: () => {
        throw apiError(code, status);
      },
    });
    const publisher = createDiscordPublisher(rest);
    await expect(publisher.editMessage('1', '2', live)).resolves.toBe('gone');
    await expect(publisher.postMessage('1', live)).resolves.toEqual({ ok: false, reason: 'gone' });
  });

  it('lets other failures through, for the caller to log or retry', async () => {
    const { rest } = fakeRest({
      patch: () => {
        throw new HTTPError(503, 'Service Unavailable', 'PATCH', '/x', { body: undefined, files: undefined });
      },
    });
    await expect(createDiscordPublisher(rest as never).editMessage('1', '2', live)).rejects.toThrow();
  });
});
