import { type AppDomain, defineAppDomain } from '@once/client';
import { dataEventType, STEP_START_EVENT, type UIPartEvent } from '../ui-message/ui-part-events.ts';

/**
 * The app domain that collects a conversation's step boundaries and the data parts named
 * `dataPartNames` (`weather` for `data-weather`), as app events in log order: what
 * `toUIMessages` and the chunk projector read for parts that have no Once block. Its
 * data is checked by the readers (`isStepStartEvent`, `isDataPartEvent`), not here.
 */
export function uiPartDomain(dataPartNames: readonly string[]): AppDomain<unknown, readonly UIPartEvent[]> {
  return defineAppDomain<unknown, readonly UIPartEvent[]>({
    name: 'ai-sdk-ui-parts',
    types: [...new Set([STEP_START_EVENT, ...dataPartNames.map(dataEventType)])],
    schema: { safeParse: (data) => ({ success: true, data }) },
    initial: [],
    fold: (events, event) => [...events, { type: event.type, data: event.data }],
  });
}
