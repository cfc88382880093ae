import { EVENT_TYPES, type IncomingEvent, isKnownEvent, OnceError, type UnknownEvent } from '@once/protocol';
import type { DomainClaim } from './domain-definition.ts';

/** Validates an event's `data`: a zod schema, or anything with the same `safeParse`. */
export interface DataSchema<Data> {
  safeParse(
    data: unknown,
  ):
    | { readonly success: true; readonly data: Data }
    | { readonly success: false; readonly error: { readonly issues: readonly SchemaIssue[] } };
}

/** One problem a schema found. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** An event of an app-defined type, its `data` validated by its domain's schema. */
export type AppEvent<Data> = Omit<UnknownEvent, 'data' | 'unknownType'> & { readonly data: Data };

/** What {@link defineAppDomain} needs. */
export interface AppDomainOptions<Data, State> {
  /** A short name for errors and logs. */
  readonly name: string;
  /** The event types the domain claims: snake_case names this protocol version does not know. */
  readonly types: readonly string[];
  /** Validates each claimed event's `data`; an event it refuses is reported as `rejected`. */
  readonly schema: DataSchema<Data>;
  /** The state before the stream's first event. */
  readonly initial: State;
  /** Folds one accepted event into the state. Pure: the client folds with it, and so may consumers. */
  fold(state: State, event: AppEvent<Data>): State;
}

/**
 * A domain of events an app writes into a conversation's stream (through the server's
 * event log). The store ignores types it does not know; the client folds an app domain's
 * events itself, from the stream's first event, with the domain's `fold`.
 */
export interface AppDomain<Data, State> extends AppDomainOptions<Data, State> {
  /** The typed form of `event` when it is of one of the domain's types. */
  claim(event: IncomingEvent): DomainClaim<AppEvent<Data>>;
}

/**
 * Defines an app domain. Pass it to `client.conversation(id, { appDomains: [domain] })`,
 * then subscribe with `conversation.appDomain(domain).subscribe(…)`.
 * @throws TypeError when a type is one the protocol already knows.
 */
export function defineAppDomain<Data, State>(options: AppDomainOptions<Data, State>): AppDomain<Data, State> {
  const known = options.types.filter((type) => EVENT_TYPES.has(type));
  if (known.length > 0) {
    throw new TypeError(`App domain ${options.name} claims ${known.join(', ')}, which the protocol already defines.`);
  }
  const types = new Set(options.types);
  return {
    ...options,
    claim(event) {
      if (isKnownEvent(event) || !types.has(event.type)) return undefined;
      const parsed = options.schema.safeParse(event.data);
      if (!parsed.success) {
        const detail = parsed.error.issues
          .slice(0, 3)
          .map((issue) =>
            issue.path.length === 0 ? issue.message : `${issue.path.map(String).join('.')}: ${issue.message}`,
          )
          .join('; ');
        return {
          rejected: new OnceError('invalid_event', `Invalid ${event.type} event at offset ${event.offset}: ${detail}.`),
        };
      }
      const { unknownType: _, data: __, ...envelope } = event;
      return { event: { ...envelope, data: parsed.data } };
    },
  };
}
