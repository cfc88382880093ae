import type { Attachment } from '@once/protocol';
import type { ReactNode } from 'react';
import { useAttachmentClient } from './attachment-client.tsx';
import { formatBytes } from './format-bytes.ts';

/** Media types a browser shows as an image. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * The files a message was sent with: images as thumbnails (a click opens the full
 * size), other files as a chip with their name and size, linking to the file.
 */
export function AttachmentList({
  attachments,
}: {
  readonly attachments?: readonly Attachment[] | undefined;
}): ReactNode {
  const client = useAttachmentClient();
  if (attachments === undefined || attachments.length === 0 || client === undefined) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {attachments.map((attachment) => {
        const url = client.attachmentUrl(attachment.hash);
        const name = attachment.name ?? `${attachment.mediaType} file`;
        return (
          <li key={attachment.hash} data-attachment-hash={attachment.hash}>
            {IMAGE_TYPES.has(attachment.mediaType) ? (
              <a href={url} target="_blank" rel="noreferrer" className="attachment-image" title={name}>
                <img src={url} alt={name} loading="lazy" />
              </a>
            ) : (
              <a href={url} target="_blank" rel="noreferrer" className="attachment-chip" title={name}>
                <span className="attachment-name">{name}</span>
                <span className="attachment-size">{formatBytes(attachment.size)}</span>
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}
