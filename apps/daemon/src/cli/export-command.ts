import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { exportConversation } from '@once/client';
import { EXPORT_FORMATS, type ExportFormat, OnceError } from '@once/protocol';
import { connectClient } from './client-flags.ts';
import type { TextSink } from './print-transcript.ts';

/** Where `once export` writes: the export on `out` (unless `--output`), notes on `err`. */
export interface ExportOutput {
  readonly out: Writable;
  readonly err: TextSink;
}

/**
 * `once export [--url URL] [--token T] [--format markdown|json|events] [--output FILE] <conversation id>`:
 * writes the conversation's export (Markdown by default) to stdout, or to `FILE`. The
 * file appears only once the whole export arrived: it is written beside it under another
 * name and renamed, so a refused request or a cut connection leaves nothing behind.
 * @returns the exit code: 0 once everything was written.
 * @throws OnceError `invalid_request` for a bad command line, or what the daemon answered
 *   (`conversation_not_found`, `unauthorized`, `unavailable` when it cannot be reached).
 */
export async function exportCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: ExportOutput,
): Promise<number> {
  const { client, baseUrl, token, values, positionals } = connectClient(args, env, ['format', 'output']);
  client.close();
  const [conversationId, ...extra] = positionals;
  if (conversationId === undefined || extra.length > 0) {
    throw new OnceError('invalid_request', 'Name one conversation to export: once export <conversation id>.');
  }
  const format = readFormat(values.format);
  const file = values.output as string | undefined;
  const exported = await exportConversation(
    { baseUrl, ...(token === undefined ? {} : { token }) },
    conversationId,
    format,
  );
  const source = Readable.fromWeb(exported.body as NodeReadableStream<Uint8Array>);
  try {
    if (file === undefined) {
      // stdout stays open: other output may follow it in a script.
      await pipeline(source, output.out, { end: false });
      return 0;
    }
    const partial = `${file}.${process.pid}.partial`;
    try {
      await pipeline(source, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return 0;
  } catch (error) {
    if (error instanceof Error && 'syscall' in error) {
      // A file system error (ENOENT, EACCES, EEXIST…): its message names the path.
      output.err.write(`once: could not write the export: ${error.message}\n`);
      return 1;
    }
    const kept = file === undefined ? 'what came was written' : `${file} was not written`;
    output.err.write(`once: the export was cut off before its end (${describe(error)}); ${kept}.\n`);
    return 1;
  }
}

function readFormat(value: string | boolean | undefined): ExportFormat {
  if (value === undefined) return 'markdown';
  const format = EXPORT_FORMATS.find((known) => known === value);
  if (format === undefined) {
    throw new OnceError(
      'invalid_request',
      `--format must be one of ${EXPORT_FORMATS.join(', ')} (got "${String(value)}").`,
    );
  }
  return format;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
