import type { Conversation, ExportFormat } from '@once/protocol';

const EXTENSIONS: Readonly<Record<ExportFormat, string>> = { markdown: 'md', json: 'json', events: 'ndjson' };

/** Longest slug a file name takes from a title, in characters: enough to tell files apart. */
const SLUG_LENGTH = 60;

/**
 * The name a browser saves an export under: `<title slug>-<creation date>.<extension>`,
 * e.g. `trip-to-lisbon-2026-11-23.md`. The slug keeps ASCII letters and digits only (accents
 * dropped, everything else a hyphen), so the name is the same on every file system and
 * needs no quoting in `Content-Disposition`; an untitled conversation is `conversation`.
 * The date is the conversation's creation day (UTC), so exporting it again gives the same name.
 */
export function exportFileName(conversation: Conversation, format: ExportFormat): string {
  const slug = conversation.title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
  return `${slug === '' ? 'conversation' : slug}-${conversation.createdAt.slice(0, 10)}.${EXTENSIONS[format]}`;
}
