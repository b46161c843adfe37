import type { APIActionRowComponent, APIAllowedMentions, APIButtonComponent, APIEmbed } from 'discord-api-types/v10';

/**
 * The reply builders in `src/replies/` share one convention: pure functions (plain data and a
 * language in; no discord.js classes, no I/O, same input same output) that return message JSON,
 * in Discord's own field names and discord-api-types shapes, which both a channel post
 * (`RESTPostAPIChannelMessageJSONBody`) and an interaction reply (`APIInteractionResponseCallbackData`)
 * accept. How a message is delivered (ephemeral, which mentions an interaction reply may ping) is
 * the caller's choice; a builder sets `allowed_mentions` only when its own content mentions someone.
 */
export interface MessageBody {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIButtonComponent>[];
  allowed_mentions?: APIAllowedMentions;
}

/** A `MessageBody` that always has the fields `K`: `Message<'content'>` is a text answer. */
export type Message<K extends keyof MessageBody> = Omit<MessageBody, K> & Required<Pick<MessageBody, K>>;
