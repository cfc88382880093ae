import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingEvent } from '@once/protocol';
import {
  createDaemonClient,
  type DaemonClient,
  openEventStream,
  readUntilTurnEnds,
  startDaemon,
  stopLeftoverDaemons,
} from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';

// Real daemon processes on a machine that may be busy: generous, never a timing assertion.
const PROCESS_TEST_MS = 60_000;
const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'examples', 'custom-tool');

afterEach(stopLeftoverDaemons);

/** The example's files copied to a fresh folder outside the repository, with nothing installed. */
async function exampleOutsideTheRepository(): Promise<{ config: string } & AsyncDisposable> {
  const folder = await mkdtemp(join(tmpdir(), 'once-config-example-'));
  for (const file of ['once.config.ts', 'read-file-tool.ts']) await copyFile(join(EXAMPLE, file), join(folder, file));
  return {
    config: join(folder, 'once.config.ts'),
    [Symbol.asyncDispose]: () => rm(folder, { recursive: true, force: true }),
  };
}

/**
 * Asks the demo model to call read_file on package.json, answers the approval request
 * with `decision`, and returns the finished assistant message.
 */
async function readPackageJson(client: DaemonClient, decision: 'allow' | 'deny') {
  const conversationId = await client.createConversation();
  await using stream = await openEventStream(client.eventsUrl(conversationId));
  await client.sendMessage(conversationId, 'Please read_file {"path": "package.json"}');
  const events: IncomingEvent[] = [];
  let approval: IncomingEvent | undefined;
  while (approval === undefined) {
    const message = await stream.next();
    if (message === undefined)
      throw new Error(`The stream ended before an approval request: ${String(stream.failure)}`);
    if (message.event === undefined) continue;
    events.push(message.event);
    if (message.event.type === 'approval_request') approval = message.event;
  }
  const { toolUseId } = approval.data as { toolUseId: string };
  const answered = await client.request('POST', `/v1/conversations/${conversationId}/approvals/${toolUseId}`, {
    body: { decision },
  });
  expect(answered.status).toBe(200);
  const snapshot = await readUntilTurnEnds(stream, events, () => client.getSnapshot(conversationId));
  return { approval: approval.data, message: snapshot.messages.at(-1) };
}

describe('the example config (examples/custom-tool)', () => {
  it.each([
    [
      'in the repository',
      async () => ({ config: join(EXAMPLE, 'once.config.ts'), [Symbol.asyncDispose]: async () => {} }),
    ],
    ['copied to a folder outside the repository', exampleOutsideTheRepository],
  ])(
    'offers read_file to the model, which runs it once the user allows it (%s)',
    async (_where, example) => {
      await using folder = await example();
      await using daemon = await startDaemon({ flags: ['--config', folder.config, '--demo-delay-ms', '0'] });
      const { approval, message } = await readPackageJson(createDaemonClient(daemon.url), 'allow');

      expect(approval).toMatchObject({ toolName: 'read_file', input: { path: 'package.json' } });
      const result = message?.blocks.find((block) => block.type === 'tool_result');
      // The daemon runs in this process's folder, so the tool read this very file.
      expect(result).toMatchObject({ text: await readFile('package.json', 'utf8'), isError: false });
      const answer = message?.blocks.at(-1);
      expect(answer?.type === 'text' && answer.text).toMatch(/^As instructed: You are the assistant of this workspace/);
      expect(message?.status).toBe('complete');
    },
    PROCESS_TEST_MS,
  );

  it(
    'does not run read_file when the user denies it, and the model is told so',
    async () => {
      await using daemon = await startDaemon({
        flags: ['--config', join(EXAMPLE, 'once.config.ts'), '--demo-delay-ms', '0'],
      });
      const { message } = await readPackageJson(createDaemonClient(daemon.url), 'deny');

      const result = message?.blocks.find((block) => block.type === 'tool_result');
      expect(result).toMatchObject({
        text: '',
        isError: true,
        result: { error: 'The user did not allow this tool call.' },
      });
      const answer = message?.blocks.at(-1);
      expect(answer?.type === 'text' && answer.text).toContain('read_file failed: {"error":"The user did not allow');
    },
    PROCESS_TEST_MS,
  );
});
