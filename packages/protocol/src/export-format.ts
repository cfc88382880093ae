import { z } from 'zod';

/**
 * The forms `GET /v1/conversations/:id/export?format=` gives a conversation in:
 * - `markdown`: a readable transcript (`text/markdown`, `.md`);
 * - `json`: the whole conversation snapshot with the conversation's metadata, the body of
 *   `GET /v1/conversations/:id` without `limit` (`application/json`, `.json`);
 * - `events`: every event the log holds for the conversation, in offset order, one JSON
 *   envelope a line (`application/x-ndjson`, `.ndjson`).
 */
export const EXPORT_FORMATS = ['markdown', 'json', 'events'] as const;

/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The format an export request names; `markdown` when it names none. */
export const exportFormatSchema = z.enum(EXPORT_FORMATS, {
  error: () => `format must be one of ${EXPORT_FORMATS.join(', ')}`,
});
