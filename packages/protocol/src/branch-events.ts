import { z } from 'zod';
import { conversationEnvelope } from './event-envelope.ts';
import { messageIdSchema } from './ids.ts';

/**
 * The user switched to the branch through `messageId`: the current path now ends at the
 * newest message below it (docs/decisions/022-branches.md). A conversation event without
 * a message envelope, like `activity`. Added after v1: older readers keep it as an app event.
 */
export const branchSelectedEventSchema = z.object({
  ...conversationEnvelope,
  type: z.literal('branch_selected'),
  data: z.object({ messageId: messageIdSchema }),
});

export type BranchSelectedEvent = z.infer<typeof branchSelectedEventSchema>;
