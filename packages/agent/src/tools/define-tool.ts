import { describeZodError, type JsonValue } from '@once/protocol';
import { z } from 'zod';
import { type Tool, type ToolContext, ToolInputError } from './tool.ts';

/** What a tool is, with its input as a zod schema. */
export interface ToolSpecification<Input extends z.ZodType> {
  /** Name the model calls it by: letters, digits, `_` and `-`. */
  readonly name: string;
  /** What it does and when to use it, for the model. */
  readonly description: string;
  /** The input's schema; the model sees it as JSON Schema, and every call is checked against it. */
  readonly input: Input;
  /** When true, each call waits for the user to allow it. Default false. */
  readonly needsApproval?: boolean;
  run(input: z.infer<Input>, context: ToolContext): Promise<JsonValue>;
}

/**
 * Declares a tool with a zod input schema. Input that does not fit becomes a
 * {@link ToolInputError} naming the wrong fields — an error result the model can read
 * and correct — never a crash.
 *
 * @example
 * const weather = defineTool({
 *   name: 'weather',
 *   description: 'Current weather for a city.',
 *   input: z.object({ city: z.string() }),
 *   run: async ({ city }) => ({ city, celsius: 21 }),
 * });
 */
export function defineTool<Input extends z.ZodType>(specification: ToolSpecification<Input>): Tool {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(specification.name)) {
    throw new Error(`Tool name ${JSON.stringify(specification.name)} must be 1–64 letters, digits, _ or -.`);
  }
  const inputSchema = z.toJSONSchema(specification.input, { target: 'draft-2020-12', io: 'input' }) as JsonValue;
  return {
    name: specification.name,
    description: specification.description,
    inputSchema,
    ...(specification.needsApproval === undefined ? {} : { needsApproval: specification.needsApproval }),
    async run(input, context) {
      const parsed = specification.input.safeParse(input);
      if (!parsed.success) {
        throw new ToolInputError(`Invalid input for ${specification.name}: ${describeZodError(parsed.error)}`);
      }
      return specification.run(parsed.data, context);
    },
  };
}
