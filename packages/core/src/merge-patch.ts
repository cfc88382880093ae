import type { JsonObject, JsonValue } from '@once/protocol';

/**
 * Applies a JSON merge patch (RFC 7396) without mutating `target`: `null` removes a key,
 * an object merges recursively, anything else replaces. Keys the patch does not touch
 * keep their object identity.
 *
 * Written here rather than taken from a library because the core must be immutable and
 * dependency-free, and the known packages mutate the target in place.
 */
export function applyMergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else if (isObject(value)) {
      const current = result[key];
      setOwn(result, key, applyMergePatch(isObject(current) ? current : {}, value));
    } else {
      setOwn(result, key, value);
    }
  }
  return result;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Defines the key as an own property, so a `__proto__` key is data, never a prototype. */
function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
