import type { AttachmentStore } from '@once/log';
import { type Attachment, OnceError } from '@once/protocol';

/** An attachment as a send names it: an uploaded hash, and optionally the name to show. */
export interface AttachmentReference {
  readonly hash: string;
  readonly name?: string | undefined;
}

/**
 * The records of the attachments a message is sent with, in the order given, each the
 * account's own upload; a name given here replaces the upload's. Notes that the
 * conversation references them (`AttachmentStore.reference`), so they stay until it is
 * deleted: a file the sweep deleted a moment before is refused here, never sent missing.
 * @throws OnceError `invalid_request` naming the first hash the account has not uploaded,
 *   or when the daemon keeps no attachments.
 */
export async function resolveAttachments(
  store: AttachmentStore | undefined,
  account: string,
  conversation: string,
  references: readonly AttachmentReference[],
): Promise<Attachment[]> {
  if (references.length === 0) return [];
  if (store === undefined) {
    throw new OnceError('invalid_request', 'This daemon keeps no attachments; send the message without them.');
  }
  const found = await store.reference(
    account,
    conversation,
    references.map((reference) => reference.hash),
  );
  return references.map((reference, index) => {
    const attachment = found[index];
    if (attachment === undefined) {
      throw new OnceError(
        'invalid_request',
        `Invalid request body: attachments[${index}].hash ${reference.hash} is no attachment of this account; upload the file first with POST /v1/attachments.`,
      );
    }
    return reference.name === undefined ? attachment : { ...attachment, name: reference.name };
  });
}
