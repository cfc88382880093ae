import { describe, expect, it } from 'vitest';
import { decodeTurnCommand } from './postgres-turn-commands.ts';

describe('decodeTurnCommand', () => {
  it('reads back the commands it sends', () => {
    const cancel = { kind: 'cancel', conversationId: 'c', turnId: 't' } as const;
    const decide = { kind: 'decide', conversationId: 'c', toolUseId: 'u', decision: 'allow' } as const;
    expect(decodeTurnCommand(JSON.stringify(cancel))).toEqual(cancel);
    expect(decodeTurnCommand(JSON.stringify(decide))).toEqual(decide);
  });

  it.each([
    'not json',
    '"a string"',
    JSON.stringify({ kind: 'cancel', conversationId: 'c' }),
    JSON.stringify({ kind: 'decide', conversationId: 'c', toolUseId: 'u', decision: 'maybe' }),
    JSON.stringify({ kind: 'delete', conversationId: 'c' }),
  ])('ignores %s', (text) => {
    expect(decodeTurnCommand(text)).toBeUndefined();
  });
});
