import { OnceError } from '@once/protocol';

/** What an upload claims to be, and how large it may grow. */
export interface UploadClaim {
  /** The media type it was sent with, lowercase, without parameters. */
  readonly mediaType: string;
  /** Largest size, in bytes. */
  readonly maxBytes: number;
}

/**
 * The first bytes each media type's files start with. A file that claims one of these
 * types and starts otherwise is refused: a viewer, or a model provider, would fail on it
 * later, far from the upload that could be fixed.
 */
const SIGNATURES: Readonly<Record<string, readonly (readonly (number | undefined)[])[]>> = {
  'image/png': [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/gif': [ascii('GIF87a'), ascii('GIF89a')],
  // RIFF, four bytes of length, WEBP.
  'image/webp': [[...ascii('RIFF'), undefined, undefined, undefined, undefined, ...ascii('WEBP')]],
  'application/pdf': [ascii('%PDF-')],
};

/** Text types: their bytes must be UTF-8, which is what every provider reads them as. */
function isText(mediaType: string): boolean {
  return mediaType.startsWith('text/') || mediaType === 'application/json';
}

/**
 * Passes an upload's bytes on while checking them: at most `maxBytes` (else
 * `payload_too_large`), not empty, starting as the claimed media type does, and UTF-8
 * for text. A check that fails throws from the iteration, so whoever stores the bytes
 * keeps nothing.
 */
export async function* checkedUpload(source: AsyncIterable<Uint8Array>, claim: UploadClaim): AsyncIterable<Uint8Array> {
  const signatures = SIGNATURES[claim.mediaType];
  const needed = signatures === undefined ? 0 : Math.max(...signatures.map((signature) => signature.length));
  const decoder = isText(claim.mediaType) ? new TextDecoder('utf-8', { fatal: true }) : undefined;
  let head: Uint8Array = new Uint8Array(0);
  let headChecked = needed === 0;
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > claim.maxBytes) throw tooLarge(claim.maxBytes);
    decodeOrRefuse(decoder, chunk, claim.mediaType, true);
    if (headChecked) {
      yield chunk;
      continue;
    }
    head = concat(head, chunk);
    if (head.byteLength >= needed) {
      checkSignature(head, claim.mediaType, signatures);
      headChecked = true;
      yield head;
    }
  }
  if (size === 0) throw new OnceError('invalid_request', 'The upload is empty: send the file’s bytes as the body.');
  decodeOrRefuse(decoder, new Uint8Array(0), claim.mediaType, false);
  if (!headChecked) {
    checkSignature(head, claim.mediaType, signatures);
    yield head;
  }
}

/** The error of an upload over the limit, whether told by Content-Length or by counting. */
export function tooLarge(maxBytes: number): OnceError {
  return new OnceError(
    'payload_too_large',
    `The file is larger than this daemon accepts (${maxBytes} bytes; --attachment-max-bytes). Send a smaller file.`,
  );
}

function checkSignature(
  head: Uint8Array,
  mediaType: string,
  signatures: readonly (readonly (number | undefined)[])[] | undefined,
): void {
  if (signatures === undefined) return;
  const matches = signatures.some(
    (signature) =>
      head.byteLength >= signature.length &&
      signature.every((byte, index) => byte === undefined || head[index] === byte),
  );
  if (!matches) {
    throw new OnceError(
      'unsupported_media_type',
      `The file does not look like ${mediaType}: its first bytes are not those of that type. Send it with its real media type.`,
    );
  }
}

function decodeOrRefuse(
  decoder: InstanceType<typeof TextDecoder> | undefined,
  chunk: Uint8Array,
  mediaType: string,
  stream: boolean,
) {
  if (decoder === undefined) return;
  try {
    decoder.decode(chunk, { stream });
  } catch {
    throw new OnceError(
      'unsupported_media_type',
      `The file is sent as ${mediaType} but is not UTF-8 text. Save it as UTF-8, or send it with its real media type.`,
    );
  }
}

function concat(left: Uint8Array, right: Uint8Array): Uint8Array {
  const joined = new Uint8Array(left.byteLength + right.byteLength);
  joined.set(left, 0);
  joined.set(right, left.byteLength);
  return joined;
}

function ascii(text: string): number[] {
  return [...text].map((character) => character.charCodeAt(0));
}
