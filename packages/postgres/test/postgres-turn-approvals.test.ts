import { setTimeout as sleep } from 'node:timers/promises';
import type { TurnContext } from '@once/producer';
import type { ConversationEventDraft, ConversationSnapshot } from '@once/protocol';
import { type ConversationService, createConversationService } from '@once/server';
import { createPostgresTestSchema, readAll } from '@once/testing';
import { describe, expect, it } from 'vitest';
import { openPostgresEventLog, openPostgresTurnCoordination } from '../src/index.ts';

const ACCOUNT = 'default';
const TOOL_USE_ID = 'toolu_approval_1';

/** A turn that asks for approval of one tool call and records the decision it got. */
async function askForApproval(turn: TurnContext): Promise<void> {
  const draft = (type: string, data: unknown) =>
    ({
      stream: 'conversation',
      conversationId: turn.conversationId,
      ts: new Date().toISOString(),
      type,
      data,
    }) as ConversationEventDraft;
  await turn.append([draft('turn_start', { turnId: turn.turnId, userMessageId: turn.userMessageId })]);
  // Registered before the request is written, so no decision can come too early.
  const decision = turn.awaitApproval(TOOL_USE_ID);
  await turn.append([draft('approval_request', { toolUseId: TOOL_USE_ID, toolName: 'deploy', input: {} })]);
  await turn.append([
    draft('approval_resolved', { toolUseId: TOOL_USE_ID, decision: await decision }),
    draft('turn_end', { turnId: turn.turnId, reason: 'complete' }),
  ]);
}

/** A daemon without HTTP: a log, the coordination and the service, on the shared schema. */
async function openDaemon(url: string) {
  const log = await openPostgresEventLog({ url });
  const coordination = await openPostgresTurnCoordination({ url, leaseMs: 1_000 });
  const service = createConversationService({ log, coordination, runTurn: askForApproval });
  await service.recover([ACCOUNT]);
  return {
    service,
    log,
    async [Symbol.asyncDispose]() {
      await service.shutdown();
      await coordination.close();
      await log.close();
    },
  };
}

async function waitFor(
  service: ConversationService,
  conversationId: string,
  done: (snapshot: ConversationSnapshot) => boolean,
): Promise<ConversationSnapshot> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { snapshot } = await service.snapshot(ACCOUNT, conversationId);
    if (done(snapshot)) return snapshot;
    if (Date.now() > deadline) throw new Error(`Timed out at offset ${snapshot.offset}.`);
    await sleep(20);
  }
}

describe('an approval decided through a daemon that does not run the turn', () => {
  it('reaches the turn waiting for it on the other daemon', async () => {
    await using database = await createPostgresTestSchema();
    await using running = await openDaemon(database.url);
    await using other = await openDaemon(database.url);
    const { id } = await running.service.create(ACCOUNT);
    await running.service.send(ACCOUNT, id, { content: 'Deploy it.' });
    await waitFor(other.service, id, (snapshot) => snapshot.pendingApprovals.length === 1);

    // A tool call nobody asked about is still refused with a clear error.
    await expect(other.service.decide(ACCOUNT, id, 'toolu_unknown', 'allow')).rejects.toMatchObject({
      code: 'approval_not_found',
    });
    await other.service.decide(ACCOUNT, id, TOOL_USE_ID, 'allow');
    const done = await waitFor(running.service, id, (snapshot) => snapshot.activeTurn === undefined);
    expect(done.pendingApprovals).toEqual([]);
    const events = await readAll(other.log, { stream: 'conversation', conversationId: id });
    const resolved = events.filter((event) => event.type === 'approval_resolved').map((event) => event.data);
    expect(resolved).toEqual([{ toolUseId: TOOL_USE_ID, decision: 'allow' }]);
  });
});
