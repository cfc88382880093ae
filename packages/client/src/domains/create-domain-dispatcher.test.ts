import type { Offset } from '@once/protocol';
import { describe, expect, it, vi } from 'vitest';
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

  it('gives a consumer that returns a promise its next item only once the promise settles, rejected or not', async () => {
    const { dispatcher, emit } = numbers();
    const errors: unknown[] = [];
    const seen: string[] = [];
    const release: (() => void)[] = [];
    const subscription = dispatcher.subscribe(
      (item) => {
        if (item.kind !== 'event') return;
        seen.push(`start ${item.event}`);
        return new Promise<void>((resolve, reject) => {
          release.push(() => {
            seen.push(`end ${item.event}`);
            if (item.event === 1) reject(new Error('the consumer failed on 1'));
            else resolve();
          });
        });
      },
      { onError: (error) => errors.push(error) },
    );
    await subscription.settled();
    emit(1);
    emit(2);
    await Promise.resolve();
    expect(seen).toEqual(['start 1']);
    release.shift()?.();
    await vi.waitFor(() => expect(seen).toEqual(['start 1', 'end 1', 'start 2']));
    expect(errors).toEqual([new Error('the consumer failed on 1')]);
    let settled = false;
    void subscription.settled().then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    release.shift()?.();
    await subscription.settled();
    expect(seen).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
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
