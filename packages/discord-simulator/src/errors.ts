/** Discord-shaped API errors: `{ code, message, errors? }` with an HTTP status. */

/** One entry of an Invalid Form Body error tree. */
export interface FormError {
  code: string;
  message: string;
}

/** The nested `errors` object of a 50035 answer: keys are field names or array indices. */
export interface FormErrorTree {
  [key: string]: FormErrorTree | FormError[];
}

/** A refusal the REST layer turns into a Discord error response. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly errors: FormErrorTree | undefined;

  constructor(status: number, code: number, message: string, errors?: FormErrorTree) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.errors = errors;
  }

  /** The JSON body Discord answers with. */
  toJSON(): { code: number; message: string; errors?: FormErrorTree } {
    return this.errors ? { code: this.code, message: this.message, errors: this.errors } : { code: this.code, message: this.message };
  }
}

/** The errors found while validating one body, collected by path like Discord does. */
export class FormErrors {
  readonly #tree: FormErrorTree = {};
  #count = 0;

  /** Records an error at `path` (e.g. `['embeds', 0, 'fields']`); an empty path is the body itself. */
  add(path: ReadonlyArray<string | number>, error: FormError): void {
    let node: FormErrorTree = this.#tree;
    for (const key of path) {
      const k = String(key);
      const next = node[k];
      if (next === undefined || Array.isArray(next)) {
        const created: FormErrorTree = {};
        node[k] = created;
        node = created;
      } else {
        node = next;
      }
    }
    const list = node._errors;
    if (Array.isArray(list)) list.push(error);
    else node._errors = [error];
    this.#count++;
  }

  get empty(): boolean {
    return this.#count === 0;
  }

  /** Throws 400 50035 Invalid Form Body when anything was recorded. */
  throwIfAny(): void {
    if (this.#count > 0) throw new ApiError(400, 50035, 'Invalid Form Body', this.#tree);
  }
}

/** Discord's field-level error codes and messages. */
export const E = {
  required: (): FormError => ({ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }),
  maxLength: (max: number): FormError => ({ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` }),
  badLength: (min: number, max: number): FormError => ({
    code: 'BASE_TYPE_BAD_LENGTH',
    message: `Must be between ${min} and ${max} in length.`,
  }),
  choices: (choices: Iterable<string | number>): FormError => ({
    code: 'BASE_TYPE_CHOICES',
    message: `Value must be one of {${[...choices].join(', ')}}.`,
  }),
  type: (kind: string): FormError => ({ code: `${kind.toUpperCase()}_TYPE_COERCE`, message: `Must be a ${kind}.` }),
  regex: (pattern: string): FormError => ({
    code: 'APPLICATION_COMMAND_INVALID_NAME',
    message: `String value did not match validation regex. (${pattern})`,
  }),
  /** A body that does not match the operation's schema in Discord's OpenAPI description (see schema.ts). */
  schemaMismatch: (message: string): FormError => ({ code: 'SCHEMA_MISMATCH', message }),
  embedSize: (): FormError => ({ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }),
  layoutWidth: (): FormError => ({
    code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
    message: 'The specified component exceeds the maximum width',
  }),
  customIdDuplicated: (): FormError => ({
    code: 'COMPONENT_CUSTOM_ID_DUPLICATED',
    message: 'Component custom id cannot be duplicated',
  }),
  customIdRequired: (): FormError => ({ code: 'BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', message: 'A custom id is required' }),
  urlRequired: (): FormError => ({ code: 'BUTTON_COMPONENT_URL_REQUIRED', message: 'A url is required' }),
  customIdUrlExclusive: (): FormError => ({
    code: 'BUTTON_COMPONENT_CUSTOM_ID_URL_MUTUALLY_EXCLUSIVE',
    message: 'A custom id and url cannot both be specified',
  }),
  componentType: (): FormError => ({
    code: 'COMPONENT_TYPE_INVALID',
    message: 'The specified component type is invalid in this context',
  }),
  optionValueDuplicated: (): FormError => ({
    code: 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED',
    message: 'The specified option value is already used',
  }),
  duplicateName: (): FormError => ({
    code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
    message: 'Application command names must be unique',
  }),
  optionOrder: (): FormError => ({
    code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
    message: 'Required options must be placed before non-required options',
  }),
  optionNameDuplicated: (): FormError => ({
    code: 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS',
    message: 'Option names must be unique',
  }),
  invalidLocale: (locale: string): FormError => ({ code: 'LOCALE_INVALID', message: `Invalid locale: ${locale}` }),
  lowercase: (): FormError => ({
    code: 'APPLICATION_COMMAND_NAME_LOWERCASE',
    message: 'Command name must be lowercase',
  }),
  autocompleteWithChoices: (): FormError => ({
    code: 'APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_CONFLICT',
    message: 'Autocomplete cannot be enabled on options that have choices',
  }),
  /**
   * A field the option's type does not take (choices or autocomplete on other than string, integer
   * and number options; min/max_value on other than integer and number; min/max_length on other
   * than string). Discord words these "<Field> cannot be configured for this type of option".
   */
  notForOptionType: (field: 'choices' | 'autocomplete' | 'min_value' | 'max_value' | 'min_length' | 'max_length'): FormError => {
    const words = field.replace('_', ' ');
    return {
      code: `APPLICATION_COMMAND_${field.toUpperCase()}_INVALID`,
      message: `${words[0]?.toUpperCase() ?? ''}${words.slice(1)} cannot be configured for this type of option`,
    };
  },
  tooLarge: (): FormError => ({ code: 'APPLICATION_COMMAND_TOO_LARGE', message: 'Command exceeds maximum size (4000)' }),
  subcommandMix: (): FormError => ({
    code: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID',
    message: 'Sub-command and sub-command group option types are mutually exclusive to all other types',
  }),
} as const;

/** Ready-made top-level errors. */
export const Errors = {
  unauthorized: (): ApiError => new ApiError(401, 0, '401: Unauthorized'),
  notFound: (): ApiError => new ApiError(404, 0, '404: Not Found'),
  methodNotAllowed: (): ApiError => new ApiError(405, 0, '405: Method Not Allowed'),
  unknownChannel: (): ApiError => new ApiError(404, 10003, 'Unknown Channel'),
  unknownGuild: (): ApiError => new ApiError(404, 10004, 'Unknown Guild'),
  unknownMember: (): ApiError => new ApiError(404, 10007, 'Unknown Member'),
  unknownMessage: (): ApiError => new ApiError(404, 10008, 'Unknown Message'),
  unknownApplication: (): ApiError => new ApiError(404, 10002, 'Unknown Application'),
  unknownWebhook: (): ApiError => new ApiError(404, 10015, 'Unknown Webhook'),
  unknownInteraction: (): ApiError => new ApiError(404, 10062, 'Unknown interaction'),
  alreadyAcknowledged: (): ApiError => new ApiError(400, 40060, 'Interaction has already been acknowledged.'),
  missingAccess: (): ApiError => new ApiError(403, 50001, 'Missing Access'),
  missingPermissions: (): ApiError => new ApiError(403, 50013, 'Missing Permissions'),
  emptyMessage: (): ApiError => new ApiError(400, 50006, 'Cannot send an empty message'),
  notTextChannel: (): ApiError => new ApiError(400, 50008, 'Cannot send messages in a non-text channel'),
  otherAuthor: (): ApiError => new ApiError(403, 50005, 'Cannot edit a message authored by another user'),
  tooManyCommands: (): ApiError => new ApiError(400, 30032, 'Maximum number of application commands reached (100)'),
  badJson: (): ApiError => new ApiError(400, 50109, 'The request body contains invalid JSON.'),
} as const;
