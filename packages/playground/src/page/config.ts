/**
 * Settings of the Discord web components. This module must run before theirs (main.ts imports it
 * first): they read `$discordMessage` once, when loaded. The default avatar is served locally, so
 * the components never fetch Discord's CDN.
 */
(globalThis as { $discordMessage?: unknown }).$discordMessage = {
  avatars: { default: '/play/avatars/0.svg' },
  defaultTheme: 'dark',
  defaultMode: 'cozy',
};

export {};
