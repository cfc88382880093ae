import { describe, expect, it } from 'vitest';
import { checkedUpload } from './checked-upload.ts';

const ascii = (text: string) => [...text].map((character) => character.charCodeAt(0));
const files: Record<string, number[]> = {
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13],
  'image/jpeg': [0xff, 0xd8, 0xff, 0xe0, 0, 16],
  'image/gif': [...ascii('GIF89a'), 1, 0, 1, 0],
  'image/webp': [...ascii('RIFF'), 36, 0, 0, 0, ...ascii('WEBPVP8 ')],
  'application/pdf': ascii('%PDF-1.7\n%âãÏÓ'),
};

/** Reads an upload through the checks, `chunk` bytes at a time; returns what passed, or the error's code. */
async function through(bytes: number[], mediaType: string, chunk = 1, maxBytes = 1000) {
  async function* source() {
    for (let at = 0; at < bytes.length; at += chunk) yield new Uint8Array(bytes.slice(at, at + chunk));
  }
  const passed: number[] = [];
  try {
    for await (const piece of checkedUpload(source(), { mediaType, maxBytes })) passed.push(...piece);
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return passed;
}

describe('checkedUpload', () => {
  it.each(Object.entries(files))('passes a real %s on whole, even a byte at a time', async (mediaType, bytes) => {
    expect(await through(bytes, mediaType, 1)).toEqual(bytes);
    expect(await through(bytes, mediaType, 64)).toEqual(bytes);
  });

  it.each(Object.keys(files))('refuses text sent as %s', async (mediaType) => {
    expect(await through(ascii('just some text, not a file of that type'), mediaType)).toBe('unsupported_media_type');
  });

  it('refuses a file shorter than its type’s signature', async () => {
    expect(await through([0x89, 0x50], 'image/png')).toBe('unsupported_media_type');
  });

  it('takes UTF-8 text split inside a character, and refuses bytes that are not UTF-8', async () => {
    const text = [...new TextEncoder().encode('été 🧪')];
    expect(await through(text, 'text/plain', 1)).toEqual(text);
    expect(await through([0x61, 0xc3], 'text/markdown')).toBe('unsupported_media_type');
  });

  it('refuses an upload one byte over the limit, and an empty one', async () => {
    expect(await through(ascii('12345'), 'text/plain', 2, 5)).toEqual(ascii('12345'));
    expect(await through(ascii('123456'), 'text/plain', 2, 5)).toBe('payload_too_large');
    expect(await through([], 'text/plain')).toBe('invalid_request');
  });
});
