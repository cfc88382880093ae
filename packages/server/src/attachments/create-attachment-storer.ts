import type { Attachment } from '@once/protocol';
import { OnceError } from '@once/protocol';
import type { AttachmentOptions } from './attachment-options.ts';
import { checkedUpload } from './checked-upload.ts';
import { uploadRules } from './upload-rules.ts';

/** A file a route set received some other way than `POST /v1/attachments` (e.g. a data URL). */
export interface AttachmentFile {
  /** The media type it claims, `type/subtype`. */
  readonly mediaType: string;
  /** The file name to show; default none. */
  readonly name?: string;
  readonly bytes: Uint8Array;
}

/**
 * Stores a file in the account's attachments with the upload's rules: a media type the
 * daemon takes (else 415 `unsupported_media_type`), at most its largest size (else 413
 * `payload_too_large`), bytes that start as the type's do. A refused file keeps nothing.
 * The file is noted as sent in `conversation` (`AttachmentStore.reference`), so it stays
 * until that conversation is deleted, as a file named by a send does (decision 027).
 * @returns the account's record, under this file's name when it has one.
 */
export type StoreAttachment = (account: string, conversation: string, file: AttachmentFile) => Promise<Attachment>;

/** The {@link StoreAttachment} of a daemon that keeps attachments as `options` say. */
export function createAttachmentStorer(options: AttachmentOptions): StoreAttachment {
  const rules = uploadRules(options);
  return async (account, conversation, file) => {
    const claim = rules.claim(file.mediaType);
    rules.checkSize(file.bytes.byteLength);
    const source = (async function* () {
      yield file.bytes;
    })();
    const { attachment } = await options.store.put(account, checkedUpload(source, claim), {
      mediaType: claim.mediaType,
      ...(file.name === undefined ? {} : { name: file.name }),
    });
    // A file that arrives with its message is sent at once: no grace period as an unsent upload.
    const [referenced] = await options.store.reference(account, conversation, [attachment.hash]);
    if (referenced === undefined) {
      throw new OnceError('unavailable', 'The file was removed while it was being stored; send the message again.');
    }
    return file.name === undefined ? referenced : { ...referenced, name: file.name };
  };
}
