/**
 * `Content-Disposition: inline` with the file name, when there is one: an ASCII fallback
 * in `filename` and the exact name in `filename*` (RFC 6266), which every browser reads.
 */
export function contentDisposition(name: string | undefined): string {
  if (name === undefined) return 'inline';
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

function encodeRfc5987(text: string): string {
  return encodeURIComponent(text).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
