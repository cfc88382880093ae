import { createLocalTurnCommands, type TurnCommand, type TurnCommands } from '@once/log';
import type { Sql } from 'postgres';
import type { SchemaNames } from './postgres-schema.ts';

/**
 * {@link TurnCommands} between the daemons of one schema, over LISTEN/NOTIFY on
 * `<schema>_commands`: a command is a NOTIFY every listening daemon receives (the sender
 * too), and the one running the turn acts on it. postgres.js keeps the LISTEN on a
 * connection of its own and LISTENs again after losing it; a command sent meanwhile is
 * lost, as the interface allows.
 */
export async function listenPostgresTurnCommands(sql: Sql, names: SchemaNames): Promise<TurnCommands> {
  const local = createLocalTurnCommands();
  await sql.listen(names.commandChannel, (text) => {
    const command = decodeTurnCommand(text);
    if (command !== undefined) local.deliver(command);
  });
  return {
    async send(command) {
      await sql.notify(names.commandChannel, JSON.stringify(command));
    },
    listen: (handler) => local.listen(handler),
  };
}

/**
 * Reads a command back; anything else on the channel (another version, a person's test
 * NOTIFY) reads as undefined and is ignored rather than throwing inside the driver.
 */
export function decodeTurnCommand(text: string): TurnCommand | undefined {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { kind, conversationId, turnId, toolUseId, decision } = value;
  if (typeof conversationId !== 'string') return undefined;
  if (kind === 'cancel' && typeof turnId === 'string') return { kind, conversationId, turnId };
  if (kind === 'decide' && typeof toolUseId === 'string' && (decision === 'allow' || decision === 'deny')) {
    return { kind, conversationId, toolUseId, decision };
  }
  return undefined;
}
