import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord-api-types/v10';

/** A file to attach; an embed shows it with `attachment://<name>`. */
export interface OutgoingFile {
  readonly name: string;
  readonly data: Buffer;
}

/** A public message as the poll code builds it: plain Discord API shapes, no discord.js objects. */
export interface PollMessagePayload {
  readonly embeds: APIEmbed[];
  readonly components: APIActionRowComponent<APIButtonComponent>[];
  readonly files?: readonly OutgoingFile[];
}

/** 'gone': the message or channel no longer exists, or the bot may no longer see or use it. */
export type EditOutcome = 'ok' | 'gone';
export type PostOutcome = { ok: true; messageId: string } | { ok: false; reason: 'gone' };

/**
 * The port through which the poll service shows things in a server. The bot implements it with
 * discord.js (discord-publisher.ts); tests implement it in memory. Any failure other than 'gone'
 * (network, Discord errors) is thrown.
 */
export interface PollPublisher {
  /** Replaces a message the bot posted: its embeds, components and files. */
  editMessage(channelId: string, messageId: string, payload: PollMessagePayload): Promise<EditOutcome>;
  /** Posts a new message in a channel. */
  postMessage(channelId: string, payload: PollMessagePayload): Promise<PostOutcome>;
}
