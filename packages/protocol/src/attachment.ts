import { z } from 'zod';

/** A SHA-256 digest as 64 lowercase hexadecimal characters: how an attachment is named. */
export const attachmentHashSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'an attachment hash is a SHA-256 digest: 64 lowercase hexadecimal characters');

/** A media type as `type/subtype`, lowercase, without parameters (e.g. `image/png`). */
export const mediaTypeSchema = z
  .string()
  .max(255, 'a media type is at most 255 characters')
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, 'a media type looks like image/png');

/** The file name a user gave an attachment: 1–255 characters, no control characters. */
export const attachmentNameSchema = z
  .string()
  .min(1, 'an attachment name must not be empty')
  .max(255, 'an attachment name is at most 255 characters')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  .regex(/^[^\x00-\x1f\x7f]+$/, 'an attachment name has no control characters');

/**
 * A file sent with a message (an image, a PDF, a text file), stored once by its content
 * and referenced by hash from `message_open` and the message snapshot. The bytes are at
 * `GET /v1/attachments/:hash`.
 */
export const attachmentSchema = z.object({
  /** SHA-256 of the bytes, lowercase hex. */
  hash: attachmentHashSchema,
  /** Size of the bytes, in bytes. */
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** The media type it was uploaded with. */
  mediaType: mediaTypeSchema,
  /** The file name the user gave it, when they gave one. */
  name: attachmentNameSchema.optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

/** How many attachments one message may carry. */
export const MAX_MESSAGE_ATTACHMENTS = 10;

/** The attachments of one message: at most {@link MAX_MESSAGE_ATTACHMENTS}. */
export const messageAttachmentsSchema = z
  .array(attachmentSchema)
  .max(MAX_MESSAGE_ATTACHMENTS, `a message has at most ${MAX_MESSAGE_ATTACHMENTS} attachments`);
