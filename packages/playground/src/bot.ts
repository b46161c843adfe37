/**
 * The one seam between the playground and the bot it runs: the same wiring as `npm start`
 * (`createApp`), the same command loader and registration as `npm run deploy`. The bot is the
 * repository's top-level package, which is not an npm dependency of anything, so it is imported by
 * path here and nowhere else in the playground.
 */
export { createApp, type App } from '../../../src/app.js';
export { loadConfig } from '../../../src/config.js';
export { commandPayload, loadCommands } from '../../../src/loader.js';
export { createLogger, type Logger } from '../../../src/logger.js';
export { registerCommands } from '../../../src/registration.js';
export type { Catalogue } from '../../../src/catalogue/catalogue.js';
// For the playground's tests, which check the page against the bot's own texts (and may run it on a part of the catalogue).
export { buildCatalogue, coupleName, loadCatalogue, readStoryFiles } from '../../../src/catalogue/catalogue.js';
export { t } from '../../../src/i18n/index.js';
export { hideNames } from '../../../src/quiz/hide.js';
