import type { ConnectionState, ConnectionStatus } from '@once/client';
import { describe, expect, it } from 'vitest';
import { createConnectionNotes } from './chat-connection-notes.ts';

/** The notes printed for a sequence of connection states. */
function notesFor(states: readonly [ConnectionStatus, number][]): string[] {
  const noteFor = createConnectionNotes();
  return states.flatMap(([status, failures]) => noteFor({ status, failures } satisfies ConnectionState) ?? []);
}

describe('connection notes of once chat', () => {
  it('say nothing on a start that goes live at once', () => {
    expect(
      notesFor([
        ['connecting', 0],
        ['live', 0],
      ]),
    ).toEqual([]);
  });

  it('say reconnecting once per outage, however many attempts it takes, and live once back', () => {
    const outage: [ConnectionStatus, number][] = [
      ['reconnecting', 0],
      ['reconnecting', 1],
      ['reconnecting', 2],
      ['offline', 2],
      ['reconnecting', 3],
      ['live', 0],
    ];
    expect(notesFor([['connecting', 0], ['live', 0], ...outage, ...outage])).toEqual([
      '(reconnecting…)',
      '(live)',
      '(reconnecting…)',
      '(live)',
    ]);
  });

  it('say connecting once while the first attempts fail', () => {
    expect(
      notesFor([
        ['connecting', 0],
        ['connecting', 1],
        ['connecting', 2],
        ['live', 0],
      ]),
    ).toEqual(['(connecting…)']);
  });
});
