import { Readable } from 'node:stream';
import { attachmentHashSchema, attachmentNameSchema, OnceError } from '@once/protocol';
import { z } from 'zod';
import type { AttachmentOptions } from '../../attachments/attachment-options.ts';
import { checkedUpload } from '../../attachments/checked-upload.ts';
import { contentDisposition } from '../../attachments/content-disposition.ts';
import { uploadRules } from '../../attachments/upload-rules.ts';
import { parseInput } from '../parse-input.ts';
import type { RouteContext } from './route-context.ts';

const uploadQuery = z.object({ name: attachmentNameSchema.optional() });
const hashParams = z.object({ hash: attachmentHashSchema });

/**
 * `POST /v1/attachments` (the raw bytes as the body, the media type as `Content-Type`,
 * `?name=` the file name) and `GET /v1/attachments/:hash`. Registered in a scope of their
 * own: the body is read as bytes, by the upload, not parsed as JSON.
 */
export function registerAttachmentRoutes({ app, accountOf }: RouteContext, options: AttachmentOptions): void {
  const { store } = options;
  const rules = uploadRules(options);

  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // The body stays a stream: the upload reads it as it comes, with its own limit.
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    scope.post('/v1/attachments', async (request, reply) => {
      const account = accountOf(request);
      const claim = rules.claim(request.headers['content-type'], "Send the file's media type as Content-Type");
      const { name } = parseInput(uploadQuery, request.query, 'query');
      // Refused before reading the body when its declared length is already too much.
      rules.checkSize(Number(request.headers['content-length']));
      const body = (request.body ?? request.raw) as Readable;
      const { attachment, created } = await store.put(account, checkedUpload(body, claim), {
        mediaType: claim.mediaType,
        ...(name === undefined ? {} : { name }),
      });
      // The name is this upload's, when it gave one: the same bytes may be sent under another name.
      return reply
        .status(created ? 201 : 200)
        .send({ attachment: name === undefined ? attachment : { ...attachment, name } });
    });

    scope.get('/v1/attachments/:hash', async (request, reply) => {
      // `?token=` too: an <img src> cannot send an Authorization header.
      const account = accountOf(request, { allowQueryToken: true });
      const { hash } = parseInput(hashParams, request.params, 'path');
      const attachment = await store.find(account, hash);
      const opened = attachment === undefined ? undefined : await store.open(hash);
      if (attachment === undefined || opened === undefined) {
        throw new OnceError(
          'not_found',
          `There is no attachment ${hash} in this account; upload it with POST /v1/attachments.`,
        );
      }
      return reply
        .header('content-type', attachment.mediaType)
        .header('content-length', String(opened.size))
        .header('cache-control', 'private, max-age=31536000, immutable')
        .header('etag', `"${hash}"`)
        .header('content-disposition', contentDisposition(attachment.name))
        .header('x-content-type-options', 'nosniff')
        .send(Readable.from(opened.bytes));
    });

    scope.delete('/v1/attachments/:hash', async (request, reply) => {
      const account = accountOf(request);
      const { hash } = parseInput(hashParams, request.params, 'path');
      const outcome = await store.remove(account, hash);
      if (outcome === 'absent') {
        throw new OnceError('not_found', `There is no attachment ${hash} in this account.`);
      }
      if (outcome === 'referenced') {
        throw new OnceError(
          'conflict',
          `The attachment ${hash} was sent in a conversation of this account; it is deleted when the conversations that sent it are deleted.`,
        );
      }
      return reply.status(204).send();
    });
  });
}
