import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  exampleConversationSnapshot,
  exampleEvents,
  exampleIds,
  exampleMessageSnapshot,
  withField,
} from '../test/example-events.ts';
import { ERROR_STATUS, type ErrorCode, OnceError } from './errors.ts';
import { safeParseEvent } from './event.ts';
import { PROTOCOL_JSON_SCHEMA_ID, protocolJsonSchema, protocolJsonSchemaText } from './protocol-json-schema.ts';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const schemaPath = join(import.meta.dirname, '..', '..', '..', 'docs', 'protocol.schema.json');

function createValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addSchema(protocolJsonSchema());
  return (definition: string, value: unknown): boolean => {
    const validate = ajv.getSchema(`${PROTOCOL_JSON_SCHEMA_ID}#/$defs/${definition}`);
    if (validate === undefined) throw new Error(`no definition ${definition}`);
    return validate(value) as boolean;
  };
}

describe('protocol JSON Schema', () => {
  const isValid = createValidator();

  it('is up to date in docs/protocol.schema.json', () => {
    const onDisk = existsSync(schemaPath) ? readFileSync(schemaPath, 'utf8') : '(missing)';
    expect(onDisk === protocolJsonSchemaText(), 'docs/protocol.schema.json is stale: run `npm run build`').toBe(true);
  });

  it('is a 2020-12 document with an id, a title and a description, ending with a newline', () => {
    const document = protocolJsonSchema();
    expect(document.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(document.$id).toBe(PROTOCOL_JSON_SCHEMA_ID);
    expect(document.title).toEqual(expect.any(String));
    expect(document.description).toEqual(expect.any(String));
    expect(protocolJsonSchemaText()).toMatch(/\}\n$/);
    expect(protocolJsonSchemaText()).toBe(protocolJsonSchemaText());
  });

  it.each(Object.values(exampleEvents))('accepts the example $type event at the root and as OnceEvent', (event) => {
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    expect(ajv.validate(protocolJsonSchema(), event)).toBe(true);
    expect(isValid('OnceEvent', event)).toBe(true);
  });

  it('accepts the example snapshots, conversation and error body', () => {
    expect(isValid('MessageSnapshot', exampleMessageSnapshot)).toBe(true);
    expect(isValid('ConversationSnapshot', exampleConversationSnapshot)).toBe(true);
    expect(isValid('Conversation', exampleEvents.conversation_created.data.conversation)).toBe(true);
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      expect(isValid('ErrorBody', new OnceError(code, 'Something went wrong.').toBody())).toBe(true);
    }
    expect(isValid('ErrorBody', { error: { message: 'no code' } })).toBe(false);
  });

  it('agrees with parseEvent on valid and malformed events', () => {
    const { block_delta: delta, message_open: open, message_complete: complete } = exampleEvents;
    const inputs: unknown[] = [
      ...Object.values(exampleEvents),
      { ...delta, data: { partialJson: '{"a"' } },
      { ...delta, data: { patch: { rows: [1, { cell: null }] } } },
      { ...delta, data: { text: 'a', partialJson: 'b' } },
      { ...delta, data: {} },
      { ...delta, data: { text: 1 } },
      { ...delta, offset: 0 },
      { ...delta, offset: 2.5 },
      { ...delta, seq: 0 },
      { ...delta, blockIndex: -1 },
      { ...delta, blockIndex: 100_001 },
      { ...open, blockIndex: 0 },
      { ...open, messageId: '8c5a1c1e-7f1b-4c3e-9d3a-2b1f0e6a9c4d' },
      { ...open, ts: '2026-11-23T21:00:00+01:00' },
      { ...open, stream: 'account' },
      { ...delta, type: 'reaction_added' },
      withField(open, 'data.clientMessageId', 'has space'),
      withField(complete, 'data.status', 'streaming'),
      withField(complete, 'data.message.blocks.0.type', 'image'),
      withField(exampleEvents.conversation_deleted, 'data.conversationId', exampleIds.turn),
      withField(exampleEvents.usage, 'data.cacheReadTokens', 7),
      withField(exampleEvents.usage, 'data.outputTokens', -1),
      null,
      [],
      'block_delta',
    ];
    for (const input of inputs) {
      expect(isValid('OnceEvent', input), JSON.stringify(input)).toBe(safeParseEvent(input).success);
    }
  });

  it('leaves to the zod schemas only what JSON Schema cannot say: blocks[i].index === i', () => {
    const blocks = exampleMessageSnapshot.blocks.slice(1);
    expect(isValid('MessageSnapshot', { ...exampleMessageSnapshot, blocks })).toBe(true);
  });
});
