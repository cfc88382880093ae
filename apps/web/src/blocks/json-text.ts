import type { JsonValue } from '@once/protocol';

/** A JSON value for reading: a string as itself, anything else as indented JSON. */
export function jsonText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}
