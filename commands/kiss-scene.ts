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
import { SCENE_PREFIX, sceneMessage } from '../src/replies/scene.js';
import { scopeOf } from '../src/store/index.js';

const data = {
  type: ApplicationCommandType.ChatInput,
  name: 'kiss-scene',
  description: t('en', 'scene.command.description'),
  description_localizations: localizations('scene.command.description'),
  options: [coupleOption('scene', false)],
  // Reading stories changes nothing on the server, so it also works user-installed, in DMs and group DMs.
  integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The reply for one couple, with the server's pinned video link when there is one. */
async function sceneReply(ctx: AppContext, couple: Couple, guildId: string | null, locale: string) {
  const pinned = guildId ? await ctx.store.videos.pinned(guildId, couple.id) : undefined;
  return sceneMessage({ couple, source: ctx.catalogue.sourceOf(couple), lang: languageOf(locale), pinned });
}

/** A random couple that is neither the last one shown in this channel nor `alsoAvoid`. */
async function randomCouple(ctx: AppContext, guildId: string | null, channelId: string, alsoAvoid?: string): Promise<Couple> {
  const scope = scopeOf(guildId, channelId);
  const last = await ctx.store.scenes.lastShown(scope, channelId);
  const pool = alsoAvoid && ctx.catalogue.couples.length > 2 ? ctx.catalogue.couples.filter((c) => c.id !== alsoAvoid) : ctx.catalogue.couples;
  const couple = pickRandom(pool, last, ctx.random);
  await ctx.store.scenes.setLastShown(scope, channelId, couple.id);
  return couple;
}

export default {
  data,

  async execute(interaction, ctx) {
    const typed = readOptions(data, interaction).couple;
    // A public answer: counts toward the member's cooldown in this channel ("Another story" answers
    // privately, so it does not).
    await ctx.cooldowns.run('scene', interaction, async () => {
      const couple = typed
        ? resolveCouple(ctx.search, typed, interaction.locale)
        : await randomCouple(ctx, interaction.guildId, interaction.channelId);
      await interaction.reply(await sceneReply(ctx, couple, interaction.guildId, interaction.locale));
    });
  },

  autocomplete: respondWithCouples,

  components: {
    /** "Another story": a different couple, privately for whoever clicked (the message itself stays). */
    async [SCENE_PREFIX](interaction: ComponentInteraction, ctx: AppContext, args: string[]) {
      const [action, shownId] = args;
      if (action !== 'another' || !interaction.isButton()) throw new UserError('common.staleButton');
      const channelId = interaction.channelId ?? interaction.user.id;
      const couple = await randomCouple(ctx, interaction.guildId, channelId, shownId);
      const reply = await sceneReply(ctx, couple, interaction.guildId, interaction.locale);
      // On a private story, replace it in place; on a shared message, answer only the clicker.
      if (interaction.message.flags.has(MessageFlags.Ephemeral)) await interaction.update(reply);
      else await interaction.reply({ ...reply, flags: MessageFlags.Ephemeral });
    },
  },
} satisfies Command;
