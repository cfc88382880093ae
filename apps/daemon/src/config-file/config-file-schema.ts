import { z } from 'zod';

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** An error message for a value that is no object at all; other issues keep zod's own. */
const notAnObject = (message: string) => ({
  error: (issue: { code: string }) => (issue.code === 'invalid_type' ? message : undefined),
});

const aFunction = z.custom<(...parameters: never[]) => unknown>((value) => typeof value === 'function', {
  message: 'must be a function',
});

/** A tool as `defineTool` makes it; loose, since a tool may carry more. */
const toolSchema = z.looseObject(
  {
    name: z.string().regex(TOOL_NAME, 'must be 1–64 letters, digits, _ or -'),
    description: z.string({ error: 'must say what the tool does' }).min(1, 'must say what the tool does'),
    inputSchema: z.record(z.string(), z.unknown(), { error: 'must be a JSON Schema object' }),
    needsApproval: z.boolean().optional(),
    run: aFunction,
  },
  notAnObject('must be a tool made with defineTool'),
);

/** Any `ModelProvider`: a name and a `stream` method. */
const providerSchema = z.looseObject(
  { name: z.string().min(1, 'must name the provider'), stream: aFunction },
  notAnObject('must be a ModelProvider ({ name, stream })'),
);

/**
 * The shape of a config file's default export. Only checked: the daemon uses the values
 * as exported (a provider may be a class instance whose methods need their `this`).
 * Unknown keys are refused, so a typo (`tool:`) is named rather than ignored.
 */
export const configFileSchema = z.strictObject(
  {
    tools: z.array(toolSchema, { error: 'must be a list of tools' }).optional(),
    builtInTools: z.boolean().optional(),
    provider: providerSchema.optional(),
    runTurn: aFunction.optional(),
    system: z.string().trim().min(1, 'must not be empty').optional(),
  },
  notAnObject('must be an object made with defineConfig({ … })'),
);
