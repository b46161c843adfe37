/**
 * The JSON the playground's client-facing API (`/play/api/...`) speaks: shared by the server and the
 * page, so both sides agree on the shapes. Plain data only (no Node or DOM types).
 */
import type { SimEmbed } from '@kiss-scene-bot/discord-simulator';

/** A member the page can act as. */
export interface PlayMember {
  /** The simulated user's id. */
  id: string;
  name: string;
  /** Has Manage Server (through the seeded Moderator role). */
  moderator: boolean;
  /** The member's guild-wide permissions, a decimal bigint string (for hiding commands they cannot use). */
  permissions: string;
  /** The member's client language when the page starts: `en-US` or `ko`. */
  locale: PlayLocale;
  /** Path of the member's avatar image on the playground server. */
  avatar: string;
}

/** The two languages the bot speaks. */
export type PlayLocale = 'en-US' | 'ko';

export interface PlayChannel {
  id: string;
  name: string;
}

export interface PlayRole {
  id: string;
  name: string;
}

/** A registered command option, as the simulator stores it (Discord's JSON). */
export interface PlayCommandOption {
  type: number;
  name: string;
  description: string;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number; name_localizations?: Record<string, string> | null }>;
  options?: PlayCommandOption[];
  channel_types?: number[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
}

/** A registered application command, as the simulator stores it. */
export interface PlayCommand {
  id: string;
  name: string;
  description: string;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
  options?: PlayCommandOption[];
  default_member_permissions: string | null;
  contexts: number[] | null;
}

/** Everything the page needs to draw the server. */
export interface PlayState {
  guild: { id: string; name: string };
  bot: { id: string; name: string; avatar: string };
  channels: PlayChannel[];
  roles: PlayRole[];
  members: PlayMember[];
  /** Guild commands first, then global ones (the order Discord's picker uses). */
  commands: PlayCommand[];
  clock: PlayClock;
}

export interface PlayClock {
  /** Simulated time, epoch milliseconds. */
  now: number;
}

/** An embed, with media URLs already pointing at the playground (or a placeholder). */
export type PlayEmbed = Pick<SimEmbed, 'title' | 'description' | 'url' | 'color' | 'timestamp' | 'fields' | 'footer' | 'author' | 'image' | 'thumbnail'>;

/** A message component (Discord's JSON, as the bot sent it). */
export interface PlayComponent {
  type: number;
  custom_id?: string;
  label?: string;
  style?: number;
  url?: string;
  disabled?: boolean;
  placeholder?: string;
  min_values?: number;
  max_values?: number;
  emoji?: { name?: string | null; id?: string | null } | null;
  options?: Array<{ label: string; value: string; description?: string; default?: boolean; emoji?: { name?: string | null } | null }>;
  components?: PlayComponent[];
  component?: PlayComponent;
  content?: string;
  required?: boolean;
  value?: string;
  min_length?: number;
  max_length?: number;
}

export interface PlayAttachment {
  id: string;
  filename: string;
  /** Path on the playground server that serves the stored bytes. */
  url: string;
  contentType?: string;
  size: number;
  description?: string;
}

/** A message as the page shows it. */
export interface PlayMessage {
  id: string;
  channelId: string;
  author: { id: string; name: string; bot: boolean; avatar: string };
  content: string;
  embeds: PlayEmbed[];
  components: PlayComponent[];
  /** Attachments not already shown inside an embed. */
  attachments: PlayAttachment[];
  ephemeral: boolean;
  recipientId?: string;
  /** A deferred reply that has not been edited yet ("… is thinking"). */
  loading: boolean;
  edited: boolean;
  /** How many times it was edited: a page keeps the newest version it has seen. */
  version: number;
  /** ISO 8601, simulated time. */
  timestamp: string;
  /** Who ran which command, for responses ("Jisoo used /kiss-scene"). */
  interaction?: { userId: string; userName: string; userAvatar: string; commandName?: string };
}

/** What the page is told about an interaction it started. */
export interface PlayInteractionSummary {
  id: string;
  outcome: 'replied' | 'deferred' | 'updated' | 'deferredUpdate' | 'autocomplete' | 'modal' | 'noResponse' | 'error';
  ephemeral: boolean;
  messageId?: string;
  modal?: PlayModal;
  /** The first refusal the simulator answered the bot with. */
  error?: { status: number; code: number; message: string };
}

/** A modal the bot showed. */
export interface PlayModal {
  customId: string;
  title: string;
  /** The text inputs, flattened from their rows or labels. */
  inputs: Array<{
    customId: string;
    label: string;
    style: number;
    required: boolean;
    placeholder?: string;
    value?: string;
    minLength?: number;
    maxLength?: number;
  }>;
  /** The message the modal was opened from, if any. */
  messageId?: string;
  channelId: string;
}

export interface PlayChoice {
  name: string;
  value: string | number;
}

/** The answer of POST autocomplete. `failed` is Discord's "Loading options failed". */
export interface PlayAutocompleteAnswer {
  choices: PlayChoice[];
  failed: boolean;
}

/** A request the simulator refused to run (what Discord's client would not let a member send). */
export interface PlayApiError {
  error: string;
}

/** Server-Sent Events, as JSON in the `data:` of each event. */
export type PlayEvent =
  | { kind: 'messageCreate' | 'messageUpdate'; message: PlayMessage }
  | { kind: 'messageDelete'; id: string; channelId: string }
  | { kind: 'clock'; clock: PlayClock };
