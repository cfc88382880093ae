import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIRED_NODE_MAJOR, requiredNodeMessage } from '../src/required-node.js';

const ONCE_BIN = join(import.meta.dirname, '..', 'bin', 'once.js');
const SYSTEM_NODE = '/usr/bin/node';

function versionOf(node: string): string | undefined {
  if (!existsSync(node)) return undefined;
  const result = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}
const systemVersion = versionOf(SYSTEM_NODE);
const systemMajor = systemVersion === undefined ? undefined : Number.parseInt(systemVersion, 10);

describe('requiredNodeMessage', () => {
  it('says in one sentence that Node 24 is needed, naming the version it got', () => {
    const message = requiredNodeMessage('20.20.2');
    expect(message).toContain(`Node.js ${REQUIRED_NODE_MAJOR} or newer`);
    expect(message).toContain('20.20.2');
    expect(message).not.toContain('\n');
    expect(requiredNodeMessage('23.11.1')).toContain('23.11.1');
  });

  it('accepts Node 24 and newer', () => {
    expect(REQUIRED_NODE_MAJOR).toBe(24);
    expect(requiredNodeMessage('24.0.0')).toBeUndefined();
    expect(requiredNodeMessage('24.21.0')).toBeUndefined();
    expect(requiredNodeMessage('26.1.0')).toBeUndefined();
  });
});

describe.skipIf(systemMajor === undefined || systemMajor >= REQUIRED_NODE_MAJOR)(
  `once on the system Node (${systemVersion ?? 'absent'})`,
  () => {
    it('exits non-zero with exactly one line saying Node 24 is needed', () => {
      const result = spawnSync(SYSTEM_NODE, [ONCE_BIN, '--help'], { encoding: 'utf8', timeout: 10_000 });
      expect(result.status).not.toBe(0);
      expect(result.stdout).toBe('');
      const lines = result.stderr.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Once needs Node\.js 24 or newer/);
      expect(lines[0]).toBe(requiredNodeMessage(systemVersion ?? ''));
    }, 20_000);
  },
);
