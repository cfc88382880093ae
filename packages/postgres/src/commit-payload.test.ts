import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { commitPayloadPrefix, decodeCommitPayload, encodeCommitPayloads, MAX_PAYLOAD_BYTES } from './commit-payload.ts';

const from = randomUUID();

describe('commit payloads', () => {
  it('announces every stream of a batch of 500 conversations in payloads PostgreSQL accepts', () => {
    const heads = Array.from({ length: 500 }, (_, index) => ({
      kind: 'conversation' as const,
      name: randomUUID(),
      head: index + 1,
    }));
    const payloads = encodeCommitPayloads(from, heads);
    expect(payloads.length).toBeLessThan(10);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const notices = payloads.flatMap((payload) => decodeCommitPayload(payload)?.notices ?? []);
    expect(notices).toStrictEqual(
      heads.map(({ name, head }) => ({ stream: { stream: 'conversation', conversationId: name }, head })),
    );
    expect(payloads.every((payload) => decodeCommitPayload(payload)?.from === from)).toBe(true);
  });

  it('reads the one-stream payload a daemon of the version before sends', () => {
    const text = JSON.stringify({ from, kind: 'account', name: 'acct_1', head: 7 });
    expect(decodeCommitPayload(text)).toStrictEqual({
      from,
      notices: [{ stream: { stream: 'account', accountId: 'acct_1' }, head: 7 }],
    });
  });

  it('ignores what is not a commit payload, and streams of a kind it does not know', () => {
    expect(decodeCommitPayload('hello')).toBeUndefined();
    expect(decodeCommitPayload('null')).toBeUndefined();
    expect(decodeCommitPayload(JSON.stringify({ heads: [['conversation', 'c', 1]] }))).toBeUndefined();
    expect(
      decodeCommitPayload(
        JSON.stringify({
          from,
          heads: [
            ['queue', 'q', 1],
            ['conversation', 'c', 2.5],
            ['conversation', 'c', 3],
          ],
        }),
      ),
    ).toStrictEqual({ from, notices: [{ stream: { stream: 'conversation', conversationId: 'c' }, head: 3 }] });
  });

  it("tells a log its own payloads by their first characters, and no other log's", () => {
    const heads = [{ kind: 'conversation' as const, name: randomUUID(), head: 3 }];
    const own = commitPayloadPrefix(from);
    expect(encodeCommitPayloads(from, heads).every((payload) => payload.startsWith(own))).toBe(true);
    expect(JSON.stringify({ from, kind: 'account', name: 'acct_1', head: 7 }).startsWith(own)).toBe(true);
    // Another log whose id starts with this one's, or that this one's starts with.
    for (const other of [`${from}0`, from.slice(0, -1)]) {
      expect(encodeCommitPayloads(other, heads).some((payload) => payload.startsWith(own))).toBe(false);
    }
  });
});
