import type { StoredEntry } from './event-log.ts';

const TYPE_KEY = '"type":"';

/**
 * Reads the offset and type off a stored envelope's text without parsing it. The log
 * stores `{"offset":N,"stream":…,"conversationId":…,"type":…,…}` — the offset first and the
 * type before any nested value — so the first `"type":"` is the envelope's own. Text of
 * another shape is parsed instead.
 */
export function toStoredEntry(json: string): StoredEntry {
  if (json.startsWith('{"offset":')) {
    const offsetEnd = json.indexOf(',', 10);
    const offset = Number(json.slice(10, offsetEnd));
    const typeStart = json.indexOf(TYPE_KEY) + TYPE_KEY.length;
    const typeEnd = json.indexOf('"', typeStart);
    const type = json.slice(typeStart, typeEnd);
    const dataStart = json.indexOf('"data":');
    const typeFirst = typeStart >= TYPE_KEY.length && (dataStart === -1 || dataStart > typeStart);
    if (Number.isSafeInteger(offset) && typeFirst && /^[a-z][a-z0-9_]*$/.test(type)) {
      return { offset, type, json };
    }
  }
  const event = JSON.parse(json) as { offset: number; type: string };
  return { offset: event.offset, type: event.type, json };
}
