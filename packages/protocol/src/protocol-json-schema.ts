import { z } from 'zod';
import {
  conversationCreatedEventSchema,
  conversationDeletedEventSchema,
  conversationUpdatedEventSchema,
} from './account-events.ts';
import { branchSelectedEventSchema } from './branch-events.ts';
import { conversationSchema } from './conversation.ts';
import { conversationSnapshotSchema } from './conversation-snapshot.ts';
import { ERROR_STATUS, type ErrorCode } from './errors.ts';
import { onceEventSchema } from './event.ts';
import {
  blockCloseEventSchema,
  blockDeltaEventSchema,
  blockOpenEventSchema,
  messageCompleteEventSchema,
  messageOpenEventSchema,
} from './message-events.ts';
import { messagePageSchema } from './message-page.ts';
import { blockSnapshotSchema, jsonValueSchema, messageSnapshotSchema } from './snapshots.ts';
import {
  activityEventSchema,
  approvalRequestEventSchema,
  approvalResolvedEventSchema,
  turnEndEventSchema,
  turnStartEventSchema,
  usageEventSchema,
} from './turn-events.ts';

/** The `$id` of the protocol's JSON Schema document. */
export const PROTOCOL_JSON_SCHEMA_ID = 'urn:once:protocol:v1';

/** A JSON Schema document, as plain JSON. */
export type JsonSchemaDocument = { readonly [keyword: string]: unknown };

const errorCodes = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** The error body on the wire; described here only, since clients must accept codes added later. */
const errorBodySchema = z.object({
  error: z.object({ code: z.enum(errorCodes), message: z.string() }),
});

/** Each named part of the protocol, as it appears under `$defs`. */
const definitions: ReadonlyArray<readonly [string, z.ZodType, string]> = [
  ['OnceEvent', onceEventSchema, 'Any v1 event, discriminated by `type`.'],
  ['MessageOpenEvent', messageOpenEventSchema, 'A message opens; its id is final from here on.'],
  ['BlockOpenEvent', blockOpenEventSchema, 'A block opens at the next blockIndex of its message.'],
  ['BlockDeltaEvent', blockDeltaEventSchema, 'A piece of a block: text, partialJson or a JSON merge patch.'],
  ['BlockCloseEvent', blockCloseEventSchema, 'A block closes, with the final fields its type has.'],
  [
    'MessageCompleteEvent',
    messageCompleteEventSchema,
    'A message ends, exactly once, carrying the full final message snapshot.',
  ],
  ['TurnStartEvent', turnStartEventSchema, 'A turn starts: one user message and the work that answers it.'],
  ['TurnEndEvent', turnEndEventSchema, 'A turn ends, with the reason.'],
  ['ActivityEvent', activityEventSchema, 'What the assistant is doing now, for a status line.'],
  ['ApprovalRequestEvent', approvalRequestEventSchema, 'A tool call waits for the user to allow or deny it.'],
  ['ApprovalResolvedEvent', approvalResolvedEventSchema, 'A tool call was allowed or denied.'],
  ['UsageEvent', usageEventSchema, 'Tokens used by one model call of a turn.'],
  ['BranchSelectedEvent', branchSelectedEventSchema, 'The user switched to the branch through a message.'],
  ['ConversationCreatedEvent', conversationCreatedEventSchema, 'Account stream: a conversation was created.'],
  ['ConversationUpdatedEvent', conversationUpdatedEventSchema, 'Account stream: a conversation changed.'],
  ['ConversationDeletedEvent', conversationDeletedEventSchema, 'Account stream: a conversation was deleted.'],
  [
    'MessageSnapshot',
    messageSnapshotSchema,
    'A message as history returns it and as every reducer builds it. blocks[i].index equals i.',
  ],
  ['BlockSnapshot', blockSnapshotSchema, 'One block of a message snapshot, by type.'],
  [
    'ConversationSnapshot',
    conversationSnapshotSchema,
    'A conversation folded at exactly `offset`: what GET /v1/conversations/:id returns.',
  ],
  [
    'MessagePage',
    messagePageSchema,
    'Older messages, all ended: what GET /v1/conversations/:id/messages?before= returns.',
  ],
  ['Conversation', conversationSchema, 'A conversation’s metadata.'],
  ['ErrorBody', errorBodySchema, 'The body of every error response.'],
  ['JsonValue', jsonValueSchema, 'Any JSON value.'],
];

/**
 * The protocol as one JSON Schema (draft 2020-12) document: the root validates one event,
 * and `$defs` names every event type, both snapshots, the conversation and the error body.
 * Checks JSON Schema cannot express (event offsets are gapless, `blocks[i].index === i`)
 * live only in the zod schemas. The output is the same on every call.
 */
export function protocolJsonSchema(): JsonSchemaDocument {
  const registry = z.registry<{ id: string; description: string }>();
  for (const [id, schema, description] of definitions) registry.add(schema, { id, description });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    metadata: registry,
    uri: (id) => `#/$defs/${id}`,
  });
  const $defs: Record<string, unknown> = {};
  for (const id of Object.keys(schemas).sort()) {
    if (!definitions.some(([name]) => name === id)) {
      // zod collects a schema reused without a name under `__shared`; give it a name above.
      throw new Error(`The protocol JSON Schema has an unnamed shared definition "${id}".`);
    }
    const { $schema: _schema, $id: _id, description, ...definition } = schemas[id] ?? {};
    $defs[id] = { description, ...definition };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: PROTOCOL_JSON_SCHEMA_ID,
    title: 'Once wire protocol v1',
    description:
      'Events, snapshots and error bodies of the Once protocol (docs/PROTOCOL.md). The root validates one event; ' +
      'the named parts are under $defs. Generated from the zod schemas of @once/protocol by `npm run build`: ' +
      'do not edit by hand. Clients must ignore event types they do not know.',
    $ref: '#/$defs/OnceEvent',
    $defs,
  };
}

/** {@link protocolJsonSchema} as the text of `docs/protocol.schema.json`: two-space indent, final newline. */
export function protocolJsonSchemaText(): string {
  return `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`;
}
