import { CANCELLED, SHUTTING_DOWN, type TurnContext } from '@once/producer';
import { type ConversationId, type MessageId, newId, type TurnId } from '@once/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createTurnScheduler } from '../src/service/turn-scheduler.ts';

/** A turn runner whose turns each wait until the test ends them (or their signal aborts). */
function controlledRunner() {
  const started: TurnContext[] = [];
  const finishers = new Map<string, () => void>();
  const finished: string[] = [];
  const run = async (turn: TurnContext) => {
    started.push(turn);
    await new Promise<void>((resolve) => {
      finishers.set(turn.turnId, resolve);
      turn.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    finished.push(turn.turnId);
  };
  /** Ends a running turn and waits until the scheduler has moved on. */
  const finish = async (turnId: string) => {
    finishers.get(turnId)?.();
    await vi.waitFor(() => expect(finished).toContain(turnId));
  };
  const startedIds = () => started.map((turn) => turn.turnId as string);
  return { run, started, startedIds, finish, finished };
}

function setup(onError = vi.fn()) {
  const runner = controlledRunner();
  const scheduler = createTurnScheduler({
    run: runner.run,
    historyUpTo: async () => [],
    appendTo: () => async () => undefined,
    awaitApproval: async () => 'deny',
    onError,
  });
  return { runner, scheduler, onError };
}

const turn = (label: string) => ({ turnId: `${label}-${newId()}` as TurnId, userMessageId: newId() as MessageId });
const conversation = () => newId() as ConversationId;

describe('turn scheduler', () => {
  it('runs one turn at a time per conversation, queued turns in order, each once; conversations run side by side', async () => {
    const { runner, scheduler } = setup();
    const a = conversation();
    const b = conversation();
    const [a1, a2, a3, b1] = [turn('a1'), turn('a2'), turn('a3'), turn('b1')];
    scheduler.enqueue(a, a1);
    scheduler.enqueue(a, a2);
    scheduler.enqueue(a, a3);
    scheduler.enqueue(b, b1);
    await vi.waitFor(() => expect(runner.startedIds()).toEqual([a1.turnId, b1.turnId]));
    expect(scheduler.pending(a)).toBe(3);

    await runner.finish(a1.turnId);
    await vi.waitFor(() => expect(runner.startedIds()).toHaveLength(3));
    expect(runner.startedIds()[2]).toBe(a2.turnId);
    await runner.finish(a2.turnId);
    await vi.waitFor(() => expect(runner.startedIds()).toHaveLength(4));
    await runner.finish(a3.turnId);
    await runner.finish(b1.turnId);

    expect(runner.startedIds()).toEqual([a1.turnId, b1.turnId, a2.turnId, a3.turnId]);
    expect(runner.finished.sort()).toEqual([a1.turnId, a2.turnId, a3.turnId, b1.turnId].sort());
    expect(scheduler.pending(a)).toBe(0);
    expect(scheduler.pending(b)).toBe(0);
  });

  it('cancel aborts only the running turn, with reason cancelled; the queued turn then runs', async () => {
    const { runner, scheduler } = setup();
    const a = conversation();
    const b = conversation();
    const [a1, a2, b1] = [turn('a1'), turn('a2'), turn('b1')];
    scheduler.enqueue(a, a1);
    scheduler.enqueue(a, a2);
    scheduler.enqueue(b, b1);
    await vi.waitFor(() => expect(runner.started).toHaveLength(2));

    expect(scheduler.cancel(a)).toBe(a1.turnId);
    expect(scheduler.cancel(a)).toBeUndefined();
    const running = runner.started[0];
    expect(running?.signal.aborted).toBe(true);
    expect(running?.signal.reason).toBe(CANCELLED);
    expect(runner.started[1]?.signal.aborted).toBe(false);

    await vi.waitFor(() => expect(runner.startedIds()).toContain(a2.turnId));
    expect(runner.started.find((context) => context.turnId === a2.turnId)?.signal.aborted).toBe(false);
    expect(scheduler.cancel(conversation())).toBeUndefined();
    await runner.finish(a2.turnId);
    await runner.finish(b1.turnId);
  });

  it('shutdown aborts running turns with reason shutting_down, drops the queues and waits for the runners', async () => {
    const { runner, scheduler } = setup();
    const a = conversation();
    const [a1, a2] = [turn('a1'), turn('a2')];
    scheduler.enqueue(a, a1);
    scheduler.enqueue(a, a2);
    await vi.waitFor(() => expect(runner.started).toHaveLength(1));

    await scheduler.shutdown();
    expect(runner.started[0]?.signal.reason).toBe(SHUTTING_DOWN);
    expect(runner.finished).toEqual([a1.turnId]);
    scheduler.enqueue(a, turn('late'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(runner.startedIds()).toEqual([a1.turnId]);
  });

  it('shouldHandOff is true while another turn waits behind the running one', async () => {
    const { runner, scheduler } = setup();
    const a = conversation();
    const [a1, a2] = [turn('a1'), turn('a2')];
    scheduler.enqueue(a, a1);
    await vi.waitFor(() => expect(runner.started).toHaveLength(1));
    const first = runner.started[0] as TurnContext;
    expect(first.shouldHandOff()).toBe(false);
    scheduler.enqueue(a, a2);
    expect(first.shouldHandOff()).toBe(true);
    await runner.finish(a1.turnId);
    await vi.waitFor(() => expect(runner.started).toHaveLength(2));
    expect(runner.started[1]?.shouldHandOff()).toBe(false);
    await runner.finish(a2.turnId);
  });

  it('reports a runner that throws and goes on with the next turn', async () => {
    const onError = vi.fn();
    const ran: string[] = [];
    const scheduler = createTurnScheduler({
      awaitApproval: async () => 'deny',
      run: async (context) => {
        ran.push(context.turnId);
        if (ran.length === 1) throw new Error('model exploded');
      },
      historyUpTo: async () => [],
      appendTo: () => async () => undefined,
      onError,
    });
    const a = conversation();
    const [a1, a2] = [turn('a1'), turn('a2')];
    scheduler.enqueue(a, a1);
    scheduler.enqueue(a, a2);
    await vi.waitFor(() => expect(ran).toEqual([a1.turnId, a2.turnId]));
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError.mock.calls[0]?.[0]).toMatchObject({ message: 'model exploded' });
    expect(onError.mock.calls[0]?.[1]).toEqual(a1);
  });
});
