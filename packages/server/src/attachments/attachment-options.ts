import type { AttachmentStore } from '@once/log';

/** The default largest attachment, in bytes: 20 MiB. */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

/** The media types an upload may have by default: images, PDFs and text files every provider takes. */
export const DEFAULT_ATTACHMENT_MEDIA_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/markdown',
  'text/csv',
  'application/json',
];

/** How long an upload no message has named yet is kept, in ms: 24 hours. */
export const DEFAULT_ATTACHMENT_UNSENT_GRACE_MS = 24 * 60 * 60 * 1000;

/** How the daemon keeps the files sent with messages (`OnceServerOptions.attachments`). */
export interface AttachmentOptions {
  /** Where the bytes and each account's records are kept. */
  readonly store: AttachmentStore;
  /** Largest upload, in bytes; a larger one is refused with 413. Default {@link DEFAULT_ATTACHMENT_MAX_BYTES}. */
  readonly maxBytes?: number;
  /**
   * Media types an upload may have (lowercase `type/subtype`); another is refused with 415.
   * Default {@link DEFAULT_ATTACHMENT_MEDIA_TYPES}.
   */
  readonly mediaTypes?: readonly string[];
  /**
   * How long an upload no message has named yet is kept, in ms, so a user about to send it
   * does not lose it; a sweep every `unsentGraceMs` (at most an hour) deletes older ones.
   * Files messages name go when the last conversation naming them is deleted or expires.
   * Default {@link DEFAULT_ATTACHMENT_UNSENT_GRACE_MS}.
   */
  readonly unsentGraceMs?: number;
}
