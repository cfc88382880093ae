import { OnceError } from '@once/protocol';
import {
  type AttachmentOptions,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  DEFAULT_ATTACHMENT_MEDIA_TYPES,
} from './attachment-options.ts';
import { tooLarge, type UploadClaim } from './checked-upload.ts';

/**
 * What a daemon takes as an attachment, checked before any byte is stored: the same for a
 * `POST /v1/attachments` upload and for a file that arrives with its message.
 */
export interface UploadRules {
  /**
   * The claim of a file sent as `claimedType` (a `Content-Type`, or a data URL's type):
   * the type without parameters, lowercase, and this daemon's largest size.
   * @param whenUntyped the sentence that tells how to send a type, for a file sent
   *   without one; default: the daemon does not take untyped files.
   * @throws OnceError `unsupported_media_type` (415) for a type this daemon does not take.
   */
  claim(claimedType: string | undefined, whenUntyped?: string): UploadClaim;
  /** @throws OnceError `payload_too_large` (413) when `size` bytes are more than the daemon's largest file. */
  checkSize(size: number): void;
}

/** The {@link UploadRules} of a daemon that keeps attachments as `options` say. */
export function uploadRules(options: AttachmentOptions): UploadRules {
  const maxBytes = options.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
  const mediaTypes = new Set(options.mediaTypes ?? DEFAULT_ATTACHMENT_MEDIA_TYPES);
  const taken = [...mediaTypes].join(', ');
  return {
    claim(claimedType, whenUntyped) {
      const mediaType = claimedType?.split(';')[0]?.trim().toLowerCase() ?? '';
      if (mediaTypes.has(mediaType)) return { mediaType, maxBytes };
      throw new OnceError(
        'unsupported_media_type',
        mediaType === '' && whenUntyped !== undefined
          ? `${whenUntyped}; this daemon takes ${taken}.`
          : // Cut: the type is whatever the sender wrote, of any length.
            `This daemon does not take ${mediaType.slice(0, 100) || 'untyped'} files; it takes ${taken} (--attachment-types).`,
      );
    },
    checkSize(size) {
      if (size > maxBytes) throw tooLarge(maxBytes);
    },
  };
}
