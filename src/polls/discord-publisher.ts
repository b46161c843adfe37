import { DiscordAPIError, RESTJSONErrorCodes, Routes, type REST, type RESTPostAPIChannelMessageResult } from 'discord.js';
import type { EditOutcome, PollMessagePayload, PollPublisher, PostOutcome } from './publisher.js';

/**
 * Discord errors that mean "this message or channel is not there for the bot any more": deleted,
 * or the bot lost access or permission. The poll goes on without the message.
 */
const GONE = new Set<number | string>([
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.UnknownMessage,
  RESTJSONErrorCodes.UnknownGuild,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel,
]);

export function isGone(error: unknown): boolean {
  return error instanceof DiscordAPIError && (GONE.has(error.code) || error.status === 404);
}

/** The REST body and files for a payload. Mentions never ping (the embeds name the starter). */
export function restMessage(payload: PollMessagePayload) {
  const files = payload.files ?? [];
  return {
    body: {
      embeds: payload.embeds,
      components: payload.components,
      allowed_mentions: { parse: [] },
      ...(files.length ? { attachments: files.map((f, i) => ({ id: String(i), filename: f.name })) } : {}),
    },
    files: files.map((f, id) => ({ name: f.name, data: f.data, contentType: 'image/png', key: `files[${id}]` })),
  };
}

/**
 * The poll service's publisher over Discord's REST API (the client's `client.rest`, which also
 * handles rate limits): channel messages the bot posts and edits itself, so polls keep working for
 * days after the interaction that started them has expired.
 */
export function createDiscordPublisher(rest: Pick<REST, 'post' | 'patch'>): PollPublisher {
  return {
    async editMessage(channelId, messageId, payload): Promise<EditOutcome> {
      try {
        await rest.patch(Routes.channelMessage(channelId, messageId), restMessage(payload));
        return 'ok';
      } catch (error) {
        if (isGone(error)) return 'gone';
        throw error;
      }
    },
    async postMessage(channelId, payload): Promise<PostOutcome> {
      try {
        const message = (await rest.post(Routes.channelMessages(channelId), restMessage(payload))) as RESTPostAPIChannelMessageResult;
        return { ok: true, messageId: message.id };
      } catch (error) {
        if (isGone(error)) return { ok: false, reason: 'gone' };
        throw error;
      }
    },
  };
}
