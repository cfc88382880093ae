import type { Attachment, MessageSnapshot } from '@once/protocol';

/** The bytes of the attachments a model request's messages reference, by hash. */
export type AttachmentBytes = ReadonlyMap<string, Uint8Array>;

/** Reads an attachment's bytes by hash; undefined when they are not stored (`TurnContext.readAttachment`). */
export type ReadAttachment = (hash: string) => Promise<Uint8Array | undefined>;

/**
 * Reads, once per turn, the bytes of every attachment the history references: the
 * providers turn them into their native parts while they build each request, without I/O.
 * An attachment whose bytes are gone is left out of the map (the providers say so in
 * words instead).
 */
export async function loadAttachmentBytes(
  history: readonly MessageSnapshot[],
  read: ReadAttachment | undefined,
): Promise<AttachmentBytes> {
  const hashes = new Set(history.flatMap((message) => (message.attachments ?? []).map((file) => file.hash)));
  if (read === undefined || hashes.size === 0) return new Map();
  const entries = await Promise.all([...hashes].map(async (hash) => [hash, await read(hash)] as const));
  return new Map(entries.flatMap(([hash, bytes]) => (bytes === undefined ? [] : [[hash, bytes] as const])));
}

/** How a provider may pass a file: as an image, a PDF, UTF-8 text, or only by name. */
export type AttachmentKind = 'image' | 'pdf' | 'text' | 'other';

/** Which kind of native part a file becomes, by its media type. */
export function attachmentKind(mediaType: string): AttachmentKind {
  if (['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(mediaType)) return 'image';
  if (mediaType === 'application/pdf') return 'pdf';
  if (mediaType.startsWith('text/') || mediaType === 'application/json') return 'text';
  return 'other';
}

/** Base64 of bytes, as the providers' JSON bodies carry files. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** UTF-8 text of a text file's bytes. */
export function toText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** What a model reads in place of a file it cannot be given (its bytes are gone, or no part takes its type). */
export function unavailableNote(attachment: Attachment, stored: boolean): string {
  const name = attachment.name ?? attachment.hash.slice(0, 12);
  return stored
    ? `[The user attached ${name} (${attachment.mediaType}, ${attachment.size} bytes), a type this model is not given.]`
    : `[The user attached ${name} (${attachment.mediaType}), which is no longer stored.]`;
}
