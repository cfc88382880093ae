import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, stopLeftoverDaemons, stopLeftoverProcesses } from '@once/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConversation, getSnapshot, sendMessage } from './daemon-api.ts';
import { runOnceCommand } from './run-once-command.ts';

const DEMO = ['--demo-delay-ms', '1', '--demo-tokens', '40'];
const once = runOnceCommand;

async function exportOverHttp(url: string, id: string, format: string): Promise<string> {
  const response = await fetch(`${url}/v1/conversations/${id}/export?format=${format}`);
  expect(response.status).toBe(200);
  return response.text();
}

let directory: string | undefined;
afterEach(() => {
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});
afterEach(stopLeftoverProcesses);
afterEach(stopLeftoverDaemons);

describe('once export', () => {
  it('writes the Markdown transcript to stdout, the snapshot as JSON, and the events to a file', async () => {
    await using daemon = await startDaemon({ flags: DEMO });
    const id = await createConversation(daemon.url);
    await sendMessage(daemon.url, id, 'Tell me about ```fences```');
    const answered = await vi.waitFor(
      async () => {
        const snapshot = await getSnapshot(daemon.url, id);
        expect(snapshot.messages.map((message) => message.status)).toEqual(['complete', 'complete']);
        return snapshot;
      },
      { timeout: 20_000, interval: 50 },
    );
    const answer = answered.messages[1]?.blocks.find((block) => block.type === 'text');

    const markdown = await once(['export', '--url', daemon.url, id]);
    expect(markdown).toMatchObject({ code: 0, err: '' });
    expect(markdown.out).toBe(await exportOverHttp(daemon.url, id, 'markdown'));
    expect(markdown.out).toContain('Tell me about ```fences```');
    expect(markdown.out).toContain(answer?.type === 'text' ? answer.text.trim().slice(0, 40) : 'no answer');

    const json = await once(['export', id, '--url', daemon.url, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(await getSnapshot(daemon.url, id));

    directory = mkdtempSync(join(tmpdir(), 'once-export-'));
    const file = join(directory, 'events.ndjson');
    const events = await once(['export', '--url', daemon.url, '--format', 'events', '--output', file, id]);
    expect(events).toMatchObject({ code: 0, out: '', err: '' });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const page = (await (await fetch(`${daemon.url}/v1/conversations/${id}/events?after=0&limit=1000`)).json()) as {
      events: unknown[];
      upToDate: boolean;
    };
    expect(page.upToDate).toBe(true);
    expect(lines.map((line) => JSON.parse(line))).toEqual(page.events);
    expect(readdirSync(directory)).toEqual(['events.ndjson']);
  }, 60_000);

  it('an unknown conversation, a closed daemon or a bad flag: a clear error, a non-zero exit, no file', async () => {
    await using daemon = await startDaemon();
    directory = mkdtempSync(join(tmpdir(), 'once-export-'));
    const file = join(directory, 'out.md');

    const missing = await once([
      'export',
      '--url',
      daemon.url,
      '--output',
      file,
      '019a5b1e-2f00-7c3a-9b1d-4e5f60718293',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^once: .*conversation/i);
    expect(missing.out).toBe('');

    const format = await once(['export', '--url', daemon.url, '--format', 'pdf', '--output', file, 'x']);
    expect(format.code).toBe(2);
    expect(format.err).toBe('once: --format must be one of markdown, json, events (got "pdf").\n');

    const noId = await once(['export', '--url', daemon.url]);
    expect(noId.code).toBe(2);
    expect(noId.err).toContain('once export <conversation id>');

    const { url } = daemon;
    await daemon.kill('SIGTERM');
    const unreachable = await once(['export', '--url', url, '--output', file, '019a5b1e-2f00-7c3a-9b1d-4e5f60718293']);
    expect(unreachable.code).toBe(2);
    expect(unreachable.err).toBe(`once: Could not reach the daemon at ${url}.\n`);

    expect(existsSync(file)).toBe(false);
    expect(readdirSync(directory)).toEqual([]);
  }, 60_000);
});
