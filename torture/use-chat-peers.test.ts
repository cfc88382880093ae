// The peers bench's fault schedule at a tiny scale (bench/support/peers): a few useChat
// sessions and naive clients on Once, each meeting drops and reloads mid-answer, must show
// the model's answer exactly once, word for word. The same schedule on the peer
// (resumable-stream + Redis) is run and reported, not asserted: it is the comparison.
import { stopLeftoverDaemons, stopLeftoverProcesses } from '@once/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnswerSpec } from '../bench/support/peers/answer-model.ts';
import { startOnceBackend, startPeerBackend } from '../bench/support/peers/backends.ts';
import { runChatSession } from '../bench/support/peers/chat-session.ts';
import { faultSchedule } from '../bench/support/peers/fault-schedule.ts';
import { runNaiveClient } from '../bench/support/peers/naive-client.ts';

afterEach(stopLeftoverDaemons);
afterEach(stopLeftoverProcesses);

const SPEC: AnswerSpec = { tokens: 120, delayMs: 20, timed: false };
const SEED = 14;
const CHATS = 3;

describe('useChat under the peers fault schedule', () => {
  it('on Once, every chat and every naive client shows the answer exactly once through drops and reloads', async () => {
    const schedule = faultSchedule(SEED, CHATS, SPEC.tokens * SPEC.delayMs);
    expect(schedule.flat().some((fault) => fault.kind === 'reload')).toBe(true);
    expect(schedule.flat().some((fault) => fault.kind === 'drop')).toBe(true);
    {
      await using once = await startOnceBackend('once-transport');
      const [sessions, naives] = await Promise.all([
        Promise.all(schedule.map((faults) => runChatSession(once, SPEC, faults))),
        Promise.all(schedule.map((faults) => runNaiveClient(once, SPEC, faults))),
      ]);
      for (const session of sessions) {
        expect(session.final).toEqual({ duplicated: 0, lost: 0 });
        expect(session.peakDuplicated).toBe(0);
        expect(session.status).toBe('ready');
        // The faults landed mid-answer: each one was followed by a resume that showed new text.
        expect(session.resumes.length).toBeGreaterThan(0);
        for (const resume of session.resumes) expect(resume.ms).toBeDefined();
      }
      for (const naive of naives) expect(naive.final).toEqual({ duplicated: 0, lost: 0 });
    }
    {
      // The comparison, reported only: the peer's Redis keys are deleted when it is disposed.
      await using peer = await startPeerBackend();
      const [sessions, naives] = await Promise.all([
        Promise.all(schedule.map((faults) => runChatSession(peer, SPEC, faults))),
        Promise.all(schedule.map((faults) => runNaiveClient(peer, SPEC, faults))),
      ]);
      console.log(
        'peer (resumable-stream + Redis), same schedule:',
        JSON.stringify({ chats: sessions.map((session) => session.final), naive: naives.map((naive) => naive.final) }),
      );
    }
  }, 180_000);
});
