import type { Offset } from '@once/protocol';
import { describe, expect, it } from 'vitest';
import { createDomainDispatcher } from './create-domain-dispatcher.ts';

/** A domain whose state is a list of numbers and whose events append one. */
function numbers() {
  let state: readonly number[] = [];
  const dispatcher = createDomainDispatcher<readonly number[], number>({
    name: 'numbers',
    current: () => ({ state, offset: state.length as Offset }),
    fold: (list, value) => [...list, value],
  });
  const emit = (value: number) => {
    state = [...state, value];
    dispatcher.offer({ kind: 'event', event: value });
  };
  return { dispatcher, emit };
}

describe('createDomainDispatcher', () => {
  it('hands a consumer error to onError and goes on with the next item', async () => {
    const { dispatcher, emit } = numbers();
    const errors: unknown[] = [];
    const seen: number[] = [];
    const subscription = dispatcher.subscribe(
      (item) => {
        if (item.kind !== 'event') return;
        seen.push(item.event);
        if (item.event === 2) throw new Error('the consumer failed on 2');
      },
      { onError: (error) => errors.push(error) },
    );
    await subscription.settled();
    emit(1);
    emit(2);
    emit(3);
    await subscription.settled();
    expect(seen).toEqual([1, 2, 3]);
    expect(errors).toEqual([new Error('the consumer failed on 2')]);
  });

  it('stops delivering once unsubscribed, and refuses a buffer smaller than one item', async () => {
    const { dispatcher, emit } = numbers();
    const seen: string[] = [];
    const subscription = dispatcher.subscribe((item) => {
      seen.push(item.kind === 'event' ? `event ${item.event}` : item.kind);
    });
    await subscription.settled();
    emit(1);
    subscription.unsubscribe();
    emit(2);
    await subscription.settled();
    expect(seen).toEqual(['resync']);
    expect(() => dispatcher.subscribe(() => {}, { bufferSize: 0 })).toThrow(RangeError);
  });
});
