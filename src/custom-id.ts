/**
 * Builds a custom_id: `prefix:arg1:arg2`. Discord allows at most 100 characters. Imports nothing,
 * so reply builders and id parsers can use it without reaching back into the command layer.
 */
export function customId(prefix: string, ...args: Array<string | number>): string {
  const id = [prefix, ...args].join(':');
  if (id.length > 100) throw new Error(`custom_id too long (${id.length}): ${id.slice(0, 40)}…`);
  return id;
}
