/** Discord's limits on what a bot may send, enforced so a test fails where Discord would refuse. */
import { E, type FormErrors } from './errors.js';

type Path = ReadonlyArray<string | number>;

/** Message flag bits the rules look at. */
export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
  IsComponentsV2: 1 << 15,
} as const;

/** Every locale Discord accepts in localization maps. */
export const LOCALES: ReadonlySet<string> = new Set([
  'id', 'da', 'de', 'en-GB', 'en-US', 'es-ES', 'es-419', 'fr', 'hr', 'it', 'lt', 'hu', 'nl', 'no', 'pl', 'pt-BR',
  'ro', 'fi', 'sv-SE', 'vi', 'tr', 'cs', 'el', 'bg', 'ru', 'uk', 'hi', 'th', 'zh-CN', 'ja', 'zh-TW', 'ko',
]);

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strLen(v: unknown): number {
  return typeof v === 'string' ? [...v].length : 0;
}

function checkString(errors: FormErrors, path: Path, v: unknown, min: number, max: number, required = false): void {
  if (v === undefined || v === null) {
    if (required) errors.add(path, E.required());
    return;
  }
  if (typeof v !== 'string') {
    errors.add(path, E.type('string'));
    return;
  }
  const n = strLen(v);
  if (n < min || n > max) errors.add(path, min > 0 ? E.badLength(min, max) : E.maxLength(max));
}

/** Checks `content`, `embeds` and `components` of a message body (create, edit, or interaction reply). */
export function checkMessageBody(errors: FormErrors, path: Path, body: Record<string, unknown>): void {
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  const v2 = (flags & MessageFlag.IsComponentsV2) !== 0;
  if (body.content !== undefined && body.content !== null) {
    if (typeof body.content !== 'string') errors.add([...path, 'content'], E.type('string'));
    else if (strLen(body.content) > 2000) errors.add([...path, 'content'], E.maxLength(2000));
    else if (v2 && body.content.length > 0) {
      errors.add([...path, 'content'], {
        code: 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
        message: "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
      });
    }
  }
  if (body.embeds !== undefined && body.embeds !== null) checkEmbeds(errors, [...path, 'embeds'], body.embeds, v2);
  if (body.components !== undefined && body.components !== null) {
    checkComponents(errors, [...path, 'components'], body.components, v2);
  }
}

function checkEmbeds(errors: FormErrors, path: Path, embeds: unknown, v2: boolean): void {
  if (!Array.isArray(embeds)) {
    errors.add(path, E.type('array'));
    return;
  }
  if (v2 && embeds.length > 0) {
    errors.add(path, {
      code: 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
      message: "The 'embeds' field cannot be used when using MessageFlags.IS_COMPONENTS_V2",
    });
  }
  if (embeds.length > 10) errors.add(path, E.maxLength(10));
  let total = 0;
  embeds.forEach((embed, i) => {
    const p = [...path, i];
    if (!isRecord(embed)) {
      errors.add(p, E.type('object'));
      return;
    }
    checkString(errors, [...p, 'title'], embed.title, 0, 256);
    checkString(errors, [...p, 'description'], embed.description, 0, 4096);
    total += strLen(embed.title) + strLen(embed.description);
    if (embed.fields !== undefined) {
      if (!Array.isArray(embed.fields)) errors.add([...p, 'fields'], E.type('array'));
      else {
        if (embed.fields.length > 25) errors.add([...p, 'fields'], E.maxLength(25));
        embed.fields.forEach((field, j) => {
          const fp = [...p, 'fields', j];
          if (!isRecord(field)) {
            errors.add(fp, E.type('object'));
            return;
          }
          checkString(errors, [...fp, 'name'], field.name, 1, 256, true);
          checkString(errors, [...fp, 'value'], field.value, 1, 1024, true);
          total += strLen(field.name) + strLen(field.value);
        });
      }
    }
    if (isRecord(embed.footer)) {
      checkString(errors, [...p, 'footer', 'text'], embed.footer.text, 1, 2048, true);
      total += strLen(embed.footer.text);
    }
    if (isRecord(embed.author)) {
      checkString(errors, [...p, 'author', 'name'], embed.author.name, 1, 256, true);
      total += strLen(embed.author.name);
    }
  });
  if (total > 6000) errors.add(path, E.embedSize());
}

const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);
const V2_TOP_LEVEL = new Set([1, 9, 10, 12, 13, 14, 17]);
const V2_IN_CONTAINER = new Set([1, 9, 10, 12, 13, 14]);

interface ComponentScan {
  customIds: Set<string>;
  count: number;
  textLength: number;
}

/** Checks a message's `components`: action rows of ≤ 5 buttons or one select, or Components V2 layouts. */
export function checkComponents(errors: FormErrors, path: Path, components: unknown, v2: boolean): void {
  if (!Array.isArray(components)) {
    errors.add(path, E.type('array'));
    return;
  }
  const scan: ComponentScan = { customIds: new Set(), count: 0, textLength: 0 };
  if (!v2 && components.length > 5) errors.add(path, E.maxLength(5));
  components.forEach((c, i) => {
    const p = [...path, i];
    if (!isRecord(c)) {
      errors.add(p, E.type('object'));
      return;
    }
    scan.count++;
    if (!v2) {
      if (c.type !== 1) errors.add([...p, 'type'], E.componentType());
      else checkActionRow(errors, p, c, scan);
      return;
    }
    if (typeof c.type !== 'number' || !V2_TOP_LEVEL.has(c.type)) {
      errors.add([...p, 'type'], E.componentType());
      return;
    }
    checkV2Component(errors, p, c, scan);
  });
  if (v2 && scan.count > 40) errors.add(path, E.maxLength(40));
  if (v2 && scan.textLength > 4000) {
    errors.add(path, { code: 'COMPONENT_MAX_TOTAL_TEXT_LENGTH_EXCEEDED', message: 'Total text length must be 4000 or fewer.' });
  }
}

function checkV2Component(errors: FormErrors, p: Path, c: Record<string, unknown>, scan: ComponentScan): void {
  switch (c.type) {
    case 1:
      checkActionRow(errors, p, c, scan);
      return;
    case 10:
      checkString(errors, [...p, 'content'], c.content, 1, 4000, true);
      scan.textLength += strLen(c.content);
      return;
    case 9: {
      const children = Array.isArray(c.components) ? c.components : [];
      if (children.length < 1 || children.length > 3) errors.add([...p, 'components'], E.badLength(1, 3));
      children.forEach((child, j) => {
        scan.count++;
        if (!isRecord(child) || child.type !== 10) errors.add([...p, 'components', j, 'type'], E.componentType());
        else checkV2Component(errors, [...p, 'components', j], child, scan);
      });
      if (!isRecord(c.accessory)) errors.add([...p, 'accessory'], E.required());
      else {
        scan.count++;
        if (c.accessory.type === 2) checkButton(errors, [...p, 'accessory'], c.accessory, scan);
        else if (c.accessory.type !== 11) errors.add([...p, 'accessory', 'type'], E.componentType());
      }
      return;
    }
    case 17: {
      const children = Array.isArray(c.components) ? c.components : [];
      children.forEach((child, j) => {
        scan.count++;
        if (!isRecord(child) || typeof child.type !== 'number' || !V2_IN_CONTAINER.has(child.type)) {
          errors.add([...p, 'components', j, 'type'], E.componentType());
        } else checkV2Component(errors, [...p, 'components', j], child, scan);
      });
      return;
    }
    default:
      return; // media gallery, file, separator: nothing the simulator checks
  }
}

function checkActionRow(errors: FormErrors, p: Path, row: Record<string, unknown>, scan: ComponentScan): void {
  const children = row.components;
  if (!Array.isArray(children) || children.length < 1 || children.length > 5) {
    errors.add([...p, 'components'], E.badLength(1, 5));
    if (!Array.isArray(children)) return;
  }
  let width = 0;
  children.forEach((child, j) => {
    const cp = [...p, 'components', j];
    scan.count++;
    if (!isRecord(child)) {
      errors.add(cp, E.type('object'));
      return;
    }
    if (child.type === 2) {
      width += 1;
      checkButton(errors, cp, child, scan);
    } else if (typeof child.type === 'number' && SELECT_TYPES.has(child.type)) {
      width += 5;
      checkSelect(errors, cp, child, scan);
    } else {
      errors.add([...cp, 'type'], E.componentType());
      return;
    }
    if (width > 5 && children.length <= 5) errors.add(cp, E.layoutWidth());
  });
}

function checkCustomId(errors: FormErrors, p: Path, id: unknown, scan: ComponentScan): void {
  checkString(errors, [...p, 'custom_id'], id, 1, 100, true);
  if (typeof id === 'string') {
    if (scan.customIds.has(id)) errors.add([...p, 'custom_id'], E.customIdDuplicated());
    scan.customIds.add(id);
  }
}

function checkButton(errors: FormErrors, p: Path, b: Record<string, unknown>, scan: ComponentScan): void {
  const style = b.style;
  if (typeof style !== 'number' || style < 1 || style > 6) {
    errors.add([...p, 'style'], E.choices([1, 2, 3, 4, 5, 6]));
    return;
  }
  checkString(errors, [...p, 'label'], b.label, 0, 80);
  if (style === 5) {
    if (b.custom_id !== undefined) errors.add([...p, 'custom_id'], E.customIdUrlExclusive());
    if (typeof b.url !== 'string' || b.url.length === 0) errors.add([...p, 'url'], E.urlRequired());
    else checkString(errors, [...p, 'url'], b.url, 1, 512);
  } else if (style === 6) {
    if (b.custom_id !== undefined) errors.add([...p, 'custom_id'], E.customIdUrlExclusive());
    if (b.sku_id === undefined) errors.add([...p, 'sku_id'], E.required());
  } else {
    if (b.url !== undefined) errors.add([...p, 'url'], E.customIdUrlExclusive());
    if (b.custom_id === undefined) errors.add([...p, 'custom_id'], E.customIdRequired());
    else checkCustomId(errors, p, b.custom_id, scan);
  }
}

function checkSelect(errors: FormErrors, p: Path, s: Record<string, unknown>, scan: ComponentScan): void {
  checkCustomId(errors, p, s.custom_id, scan);
  checkString(errors, [...p, 'placeholder'], s.placeholder, 0, 150);
  if (s.min_values !== undefined && (typeof s.min_values !== 'number' || s.min_values < 0 || s.min_values > 25)) {
    errors.add([...p, 'min_values'], { code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 25.' });
  }
  if (s.max_values !== undefined && (typeof s.max_values !== 'number' || s.max_values < 1 || s.max_values > 25)) {
    errors.add([...p, 'max_values'], { code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 25.' });
  }
  if (s.type !== 3) return;
  const options = s.options;
  if (!Array.isArray(options) || options.length < 1 || options.length > 25) {
    errors.add([...p, 'options'], E.badLength(1, 25));
    if (!Array.isArray(options)) return;
  }
  const values = new Set<string>();
  options.forEach((o, k) => {
    const op = [...p, 'options', k];
    if (!isRecord(o)) {
      errors.add(op, E.type('object'));
      return;
    }
    checkString(errors, [...op, 'label'], o.label, 1, 100, true);
    checkString(errors, [...op, 'value'], o.value, 1, 100, true);
    checkString(errors, [...op, 'description'], o.description, 0, 100);
    if (typeof o.value === 'string') {
      if (values.has(o.value)) errors.add([...op, 'value'], E.optionValueDuplicated());
      values.add(o.value);
    }
  });
  const max = typeof s.max_values === 'number' ? s.max_values : 1;
  if (max > options.length) errors.add([...p, 'max_values'], E.maxLength(options.length));
}

/** Checks a modal (callback type 9). */
export function checkModal(errors: FormErrors, path: Path, data: unknown): void {
  if (!isRecord(data)) {
    errors.add(path, E.required());
    return;
  }
  checkString(errors, [...path, 'custom_id'], data.custom_id, 1, 100, true);
  checkString(errors, [...path, 'title'], data.title, 1, 45, true);
  const components = data.components;
  if (!Array.isArray(components) || components.length < 1 || components.length > 5) {
    errors.add([...path, 'components'], E.badLength(1, 5));
    if (!Array.isArray(components)) return;
  }
  const ids = new Set<string>();
  components.forEach((c, i) => {
    const p = [...path, 'components', i];
    if (!isRecord(c)) {
      errors.add(p, E.type('object'));
      return;
    }
    if (c.type === 10) {
      checkString(errors, [...p, 'content'], c.content, 1, 4000, true);
      return;
    }
    let input: unknown;
    let inputPath: Path;
    if (c.type === 1) {
      const row = Array.isArray(c.components) ? c.components : [];
      if (row.length !== 1) errors.add([...p, 'components'], E.badLength(1, 1));
      input = row[0];
      inputPath = [...p, 'components', 0];
    } else if (c.type === 18) {
      checkString(errors, [...p, 'label'], c.label, 1, 45, true);
      checkString(errors, [...p, 'description'], c.description, 0, 100);
      input = c.component;
      inputPath = [...p, 'component'];
    } else {
      errors.add([...p, 'type'], E.componentType());
      return;
    }
    if (!isRecord(input)) {
      errors.add(inputPath, E.required());
      return;
    }
    checkString(errors, [...inputPath, 'custom_id'], input.custom_id, 1, 100, true);
    if (typeof input.custom_id === 'string') {
      if (ids.has(input.custom_id)) errors.add([...inputPath, 'custom_id'], E.customIdDuplicated());
      ids.add(input.custom_id);
    }
    if (input.type === 4) {
      if (c.type === 1) checkString(errors, [...inputPath, 'label'], input.label, 1, 45, true);
      if (input.style !== 1 && input.style !== 2) errors.add([...inputPath, 'style'], E.choices([1, 2]));
      checkString(errors, [...inputPath, 'value'], input.value, 0, 4000);
      checkString(errors, [...inputPath, 'placeholder'], input.placeholder, 0, 100);
      const min = input.min_length;
      const max = input.max_length;
      if (min !== undefined && (typeof min !== 'number' || min < 0 || min > 4000)) {
        errors.add([...inputPath, 'min_length'], { code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 4000.' });
      }
      if (max !== undefined && (typeof max !== 'number' || max < 1 || max > 4000)) {
        errors.add([...inputPath, 'max_length'], { code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 4000.' });
      }
    } else if (c.type === 18 && typeof input.type === 'number' && SELECT_TYPES.has(input.type)) {
      checkSelect(errors, inputPath, input, { customIds: new Set(), count: 0, textLength: 0 });
    } else {
      errors.add([...inputPath, 'type'], E.componentType());
    }
  });
}

/** Checks autocomplete choices (callback type 8): ≤ 25, names 1–100, string values ≤ 100. */
export function checkChoices(errors: FormErrors, path: Path, choices: unknown): void {
  if (!Array.isArray(choices)) {
    errors.add(path, E.type('array'));
    return;
  }
  if (choices.length > 25) errors.add(path, E.maxLength(25));
  choices.forEach((c, i) => {
    if (!isRecord(c)) {
      errors.add([...path, i], E.type('object'));
      return;
    }
    checkString(errors, [...path, i, 'name'], c.name, 1, 100, true);
    if (typeof c.value === 'string') checkString(errors, [...path, i, 'value'], c.value, 0, 100);
    else if (typeof c.value !== 'number') errors.add([...path, i, 'value'], E.required());
    if (c.name_localizations !== undefined && c.name_localizations !== null) {
      checkLocalizations(errors, [...path, i, 'name_localizations'], c.name_localizations, 1, 100, null);
    }
  });
}

/** Matches a valid chat-input command or option name (Discord's documented pattern). */
export const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkName(errors: FormErrors, path: Path, v: unknown, chatInput: boolean): void {
  if (typeof v !== 'string') {
    errors.add(path, E.required());
    return;
  }
  if (!chatInput) {
    checkString(errors, path, v, 1, 32, true);
    return;
  }
  if (!NAME_PATTERN.test(v)) errors.add(path, E.regex(NAME_PATTERN.source));
  else if (v !== v.toLowerCase()) errors.add(path, E.lowercase());
}

function checkLocalizations(
  errors: FormErrors,
  path: Path,
  map: unknown,
  min: number,
  max: number,
  namePattern: 'chat' | null,
): void {
  if (!isRecord(map)) {
    errors.add(path, E.type('object'));
    return;
  }
  for (const [locale, value] of Object.entries(map)) {
    if (!LOCALES.has(locale)) {
      errors.add([...path, locale], E.invalidLocale(locale));
      continue;
    }
    if (value === null) continue;
    if (namePattern === 'chat') checkName(errors, [...path, locale], value, true);
    else checkString(errors, [...path, locale], value, min, max, true);
  }
}

const OPTION_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

/** The option types each type-specific field may be set on (3 string, 4 integer, 10 number). */
const FIELD_OPTION_TYPES: Record<'choices' | 'autocomplete' | 'min_value' | 'max_value' | 'min_length' | 'max_length', ReadonlySet<number>> = {
  choices: new Set([3, 4, 10]),
  autocomplete: new Set([3, 4, 10]),
  min_value: new Set([4, 10]),
  max_value: new Set([4, 10]),
  min_length: new Set([3]),
  max_length: new Set([3]),
};

/** Checks one bulk-overwrite command; returns the characters it counts toward the 4000 limit. */
export function checkCommand(errors: FormErrors, path: Path, cmd: unknown): void {
  if (!isRecord(cmd)) {
    errors.add(path, E.type('object'));
    return;
  }
  const type = cmd.type ?? 1;
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4) {
    errors.add([...path, 'type'], E.choices([1, 2, 3, 4]));
    return;
  }
  const chat = type === 1;
  checkName(errors, [...path, 'name'], cmd.name, chat);
  if (cmd.name_localizations !== undefined && cmd.name_localizations !== null) {
    checkLocalizations(errors, [...path, 'name_localizations'], cmd.name_localizations, 1, 32, chat ? 'chat' : null);
  }
  if (chat) checkString(errors, [...path, 'description'], cmd.description, 1, 100, true);
  else if (cmd.description !== undefined && cmd.description !== '') {
    errors.add([...path, 'description'], E.maxLength(0));
  }
  if (cmd.description_localizations !== undefined && cmd.description_localizations !== null) {
    checkLocalizations(errors, [...path, 'description_localizations'], cmd.description_localizations, 1, 100, null);
  }
  if (cmd.default_member_permissions !== undefined && cmd.default_member_permissions !== null) {
    if (typeof cmd.default_member_permissions !== 'string' || !/^\d+$/.test(cmd.default_member_permissions)) {
      errors.add([...path, 'default_member_permissions'], E.type('string'));
    }
  }
  if (cmd.contexts !== undefined && cmd.contexts !== null) {
    if (!Array.isArray(cmd.contexts) || cmd.contexts.some((c) => c !== 0 && c !== 1 && c !== 2)) {
      errors.add([...path, 'contexts'], E.choices([0, 1, 2]));
    }
  }
  if (cmd.integration_types !== undefined && cmd.integration_types !== null) {
    if (!Array.isArray(cmd.integration_types) || cmd.integration_types.some((c) => c !== 0 && c !== 1)) {
      errors.add([...path, 'integration_types'], E.choices([0, 1]));
    }
  }
  if (cmd.options !== undefined && cmd.options !== null) {
    if (!chat) errors.add([...path, 'options'], E.maxLength(0));
    else checkOptions(errors, [...path, 'options'], cmd.options, 0);
  }
  if (chat && commandSize(cmd) > 4000) errors.add(path, E.tooLarge());
}

function checkOptions(errors: FormErrors, path: Path, options: unknown, depth: number): void {
  if (!Array.isArray(options)) {
    errors.add(path, E.type('array'));
    return;
  }
  if (options.length > 25) errors.add(path, E.maxLength(25));
  const names = new Set<string>();
  let seenOptional = false;
  let subcommands = 0;
  options.forEach((o, i) => {
    const p = [...path, i];
    if (!isRecord(o)) {
      errors.add(p, E.type('object'));
      return;
    }
    if (typeof o.type !== 'number' || !OPTION_TYPES.has(o.type)) {
      errors.add([...p, 'type'], E.choices([...OPTION_TYPES]));
      return;
    }
    checkName(errors, [...p, 'name'], o.name, true);
    if (typeof o.name === 'string') {
      if (names.has(o.name)) errors.add([...p, 'name'], E.optionNameDuplicated());
      names.add(o.name);
    }
    if (o.name_localizations !== undefined && o.name_localizations !== null) {
      checkLocalizations(errors, [...p, 'name_localizations'], o.name_localizations, 1, 32, 'chat');
    }
    checkString(errors, [...p, 'description'], o.description, 1, 100, true);
    if (o.description_localizations !== undefined && o.description_localizations !== null) {
      checkLocalizations(errors, [...p, 'description_localizations'], o.description_localizations, 1, 100, null);
    }
    const isSub = o.type === 1 || o.type === 2;
    if (isSub) {
      subcommands++;
      if (depth >= 2 || (depth === 1 && o.type === 2)) errors.add([...p, 'type'], E.subcommandMix());
      if (o.options !== undefined && o.options !== null) checkOptions(errors, [...p, 'options'], o.options, depth + 1);
      if (o.type === 2 && Array.isArray(o.options) && o.options.some((x) => isRecord(x) && x.type !== 1)) {
        errors.add([...p, 'options'], E.subcommandMix());
      }
      return;
    }
    if (o.required === true && seenOptional) errors.add([...p, 'required'], E.optionOrder());
    if (o.required !== true) seenOptional = true;
    for (const key of ['choices', 'autocomplete', 'min_value', 'max_value', 'min_length', 'max_length'] as const) {
      const set = key === 'autocomplete' ? o.autocomplete === true : o[key] !== undefined && o[key] !== null;
      if (set && !FIELD_OPTION_TYPES[key].has(o.type)) errors.add([...p, key], E.notForOptionType(key));
    }
    if (o.choices !== undefined && o.choices !== null) {
      if (o.autocomplete === true) errors.add([...p, 'autocomplete'], E.autocompleteWithChoices());
      if (!Array.isArray(o.choices)) errors.add([...p, 'choices'], E.type('array'));
      else {
        if (o.choices.length > 25) errors.add([...p, 'choices'], E.maxLength(25));
        o.choices.forEach((c, k) => {
          const cp = [...p, 'choices', k];
          if (!isRecord(c)) {
            errors.add(cp, E.type('object'));
            return;
          }
          checkString(errors, [...cp, 'name'], c.name, 1, 100, true);
          if (c.name_localizations !== undefined && c.name_localizations !== null) {
            checkLocalizations(errors, [...cp, 'name_localizations'], c.name_localizations, 1, 100, null);
          }
          if (o.type === 3) checkString(errors, [...cp, 'value'], c.value, 1, 100, true);
          else if (typeof c.value !== 'number') errors.add([...cp, 'value'], E.type('number'));
        });
      }
    }
    for (const key of ['min_length', 'max_length'] as const) {
      const v = o[key];
      if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 6000)) {
        errors.add([...p, key], { code: 'NUMBER_TYPE_MAX', message: 'int value should be less than or equal to 6000.' });
      }
    }
  });
  if (subcommands > 0 && subcommands !== options.length) errors.add(path, E.subcommandMix());
}

/** Characters a command counts toward Discord's 4000 limit: names, descriptions, choice names and values. */
export function commandSize(cmd: Record<string, unknown>): number {
  let total = strLen(cmd.name) + strLen(cmd.description);
  const walk = (options: unknown): void => {
    if (!Array.isArray(options)) return;
    for (const o of options) {
      if (!isRecord(o)) continue;
      total += strLen(o.name) + strLen(o.description);
      if (Array.isArray(o.choices)) {
        for (const c of o.choices) if (isRecord(c)) total += strLen(c.name) + strLen(typeof c.value === 'string' || typeof c.value === 'number' ? String(c.value) : '');
      }
      walk(o.options);
    }
  };
  walk(cmd.options);
  return total;
}
