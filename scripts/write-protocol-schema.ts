// Writes docs/protocol.schema.json, the machine-readable form of the protocol, from the zod
// schemas of @once/protocol. Run by `npm run build`; a test fails while the file is stale.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { protocolJsonSchemaText } from '@once/protocol';

const root = join(import.meta.dirname, '..');
const target = join(root, 'docs', 'protocol.schema.json');
writeFileSync(target, protocolJsonSchemaText());
console.log(`wrote ${relative(root, target)}`);
