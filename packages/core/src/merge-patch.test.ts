import type { JsonObject } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { applyMergePatch } from './merge-patch.ts';

describe('applyMergePatch (RFC 7396)', () => {
  it('merges objects, replaces scalars and arrays, and removes keys set to null', () => {
    const target: JsonObject = {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['a', 'b'],
    };
    const patch: JsonObject = { title: 'Hello!', phoneNumber: '+01-123', author: { familyName: null }, tags: ['c'] };
    expect(applyMergePatch(target, patch)).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['c'],
      phoneNumber: '+01-123',
    });
  });

  it('leaves the target untouched and keeps the identity of parts the patch does not touch', () => {
    const untouched = { deep: [1, 2] };
    const target: JsonObject = { keep: untouched, change: 1 };
    const result = applyMergePatch(target, { change: 2 });
    expect(target).toEqual({ keep: { deep: [1, 2] }, change: 1 });
    expect(result.keep).toBe(untouched);
  });

  it('treats a __proto__ key as data and never changes a prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}}') as JsonObject;
    const result = applyMergePatch({}, patch);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(result)).toEqual(['__proto__']);
  });
});
