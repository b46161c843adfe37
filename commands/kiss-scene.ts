import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  MessageFlags,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { pickRandom } from '../src/catalogue/random.js';
import type { Couple } from '../src/catalogue/catalogue.js';
import type { Command, ComponentInteraction } from '../src/command.js';
import type { AppContext } from '../src/context.js';
import { coupleOption, resolveCouple, respondWithCouples } from '../src/couple-option.js';
import { UserError } from '../src/errors.js';
import { languageOf, localizations, t } from '../src/i18n/index.js';
import { readOptions } from '../src/options.js';
import { SCENE_PREFIX } from '../src/replies/scene.js';
import { scopeOf } from '../src/store/index.js';

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-scene',
  name_localizations: localizations('scene.command.name'),
  description: t('en', 'scene.command.description'),
  description_localizations: localizations('scene.command.description'),
  options: [coupleOption('scene', false)],
  // Reading stories changes nothing on the server, so it also works user-installed, in DMs and group DMs.
  integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The reply for one couple, with the server's pinned video link when there is one (both held in memory). */
async function sceneReply(ctx: AppContext, couple: Couple, guildId: string | null, locale: string, serverName?: string) {
  const pinned = guildId ? await ctx.store.videos.pinned(guildId, couple.id) : undefined;
  return ctx.sceneReplies.get(couple, languageOf(locale), pinned, serverName);
}

/**
 * A random couple that is neither the last one shown in this channel nor `alsoAvoid`. It is the
 * channel's last one at once; storing it happens after the answer (`stored`), so a restart keeps it
 * without making the member wait for the write.
 */
async function randomCouple(ctx: AppContext, guildId: string | null, channelId: string, alsoAvoid?: string): Promise<{ couple: Couple; stored: Promise<void> }> {
  const scope = scopeOf(guildId, channelId);
  const [last, { couples }] = await Promise.all([ctx.store.scenes.lastShown(scope, channelId), ctx.couples.forGuild(guildId)]);
  const pool = alsoAvoid && couples.length > 2 ? couples.filter((c) => c.id !== alsoAvoid) : couples;
  const couple = pickRandom(pool, last, ctx.random);
  return { couple, stored: ctx.store.scenes.setLastShown(scope, channelId, couple.id) };
}

/** The member has their answer: a failed write of the last story is only logged (it goes with the next write). */
function logIfNotStored(ctx: AppContext, stored: Promise<void>, context: { guildId: string | null; channelId: string }): void {
  stored.catch((err: unknown) => ctx.logger.warn({ ...context, err }, 'could not store the last story shown in a channel'));
}

export default {
  data,

  async execute(interaction, ctx) {
    const typed = readOptions(data, interaction).couple;
    // A public answer: counts toward the member's cooldown in this channel ("Another story" answers
    // privately, so it does not).
    await ctx.cooldowns.run('scene', interaction, async () => {
      const serverName = interaction.guild?.name;
      if (typed) {
        const { search } = await ctx.couples.forGuild(interaction.guildId);
        const couple = resolveCouple(search, typed, interaction.locale);
        await interaction.reply(await sceneReply(ctx, couple, interaction.guildId, interaction.locale, serverName));
        return;
      }
      const { guildId, channelId } = interaction;
      const { couple, stored } = await randomCouple(ctx, guildId, channelId);
      try {
        await interaction.reply(await sceneReply(ctx, couple, guildId, interaction.locale, serverName));
      } finally {
        logIfNotStored(ctx, stored, { guildId, channelId });
      }
    });
  },

  autocomplete: respondWithCouples,

  components: {
    /** "Another story": a different couple, privately for whoever clicked (the message itself stays). */
    async [SCENE_PREFIX](interaction: ComponentInteraction, ctx: AppContext, args: string[]) {
      const [action, shownId] = args;
      if (action !== 'another' || !interaction.isButton()) throw new UserError('common.staleButton');
      const { guildId } = interaction;
      const channelId = interaction.channelId ?? interaction.user.id;
      const { couple, stored } = await randomCouple(ctx, guildId, channelId, shownId);
      try {
        const reply = await sceneReply(ctx, couple, guildId, interaction.locale, interaction.guild?.name);
        // On a private story, replace it in place; on a shared message, answer only the clicker.
        if (interaction.message.flags.has(MessageFlags.Ephemeral)) await interaction.update(reply);
        else await interaction.reply({ ...reply, flags: MessageFlags.Ephemeral });
      } finally {
        logIfNotStored(ctx, stored, { guildId, channelId });
      }
    },
  },
} satisfies Command;
