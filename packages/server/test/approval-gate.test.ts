import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApprovalGate } from '../src/service/approval-gate.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('approval gate', () => {
  it('delivers a decision to the call waiting for it, once', async () => {
    const gate = createApprovalGate();
    const waiting = gate.wait('conversation', 'call-1', new AbortController().signal);
    expect(gate.decide('conversation', 'call-2', 'allow')).toBe(false);
    expect(gate.decide('other', 'call-1', 'allow')).toBe(false);
    expect(gate.decide('conversation', 'call-1', 'allow')).toBe(true);
    expect(await waiting).toBe('allow');
    expect(gate.decide('conversation', 'call-1', 'deny')).toBe(false);
  });

  it('counts a call nobody decided within the timeout as denied', async () => {
    vi.useFakeTimers();
    const gate = createApprovalGate({ timeoutMs: 1000 });
    const waiting = gate.wait('conversation', 'call-1', new AbortController().signal);
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await waiting).toBe('deny');
    expect(gate.decide('conversation', 'call-1', 'allow')).toBe(false);
  });

  it('denies when the turn is cancelled while it waits', async () => {
    const gate = createApprovalGate();
    const controller = new AbortController();
    const waiting = gate.wait('conversation', 'call-1', controller.signal);
    controller.abort('cancelled');
    expect(await waiting).toBe('deny');
  });
});
