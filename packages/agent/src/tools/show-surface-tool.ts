import type { JsonObject } from '@once/protocol';
import { z } from 'zod';
import { defineTool } from './define-tool.ts';
import type { Tool } from './tool.ts';

/**
 * Shows structured UI in the conversation: opens a surface block with `data`, applies
 * each of `updates` (JSON merge patches) in order, and closes it. Clients render a
 * surface by its `surfaceType` (e.g. "card", "table").
 */
export function createShowSurfaceTool(newSurfaceId: () => string = () => crypto.randomUUID()): Tool {
  return defineTool({
    name: 'show_surface',
    description:
      'Shows a piece of structured UI (a card, a table, a checklist) to the user. `data` is the initial state; each of `updates` is a JSON merge patch applied after it.',
    input: z.object({
      surfaceType: z.string().min(1).max(64).describe('What kind of surface, e.g. card, table, checklist.'),
      data: z.record(z.string(), z.json()),
      updates: z.array(z.record(z.string(), z.json())).max(100).optional(),
    }),
    async run({ surfaceType, data, updates = [] }, { openSurface, output, signal }) {
      const surfaceId = newSurfaceId();
      const surface = openSurface(surfaceType, surfaceId);
      surface.update(data as JsonObject);
      for (const patch of updates) {
        signal.throwIfAborted();
        surface.update(patch as JsonObject);
      }
      surface.close();
      output(`Showed ${surfaceType} ${surfaceId}.`);
      return { surfaceId, surfaceType };
    },
  });
}
