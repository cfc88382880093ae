import { z } from 'zod';
import { defineTool } from './define-tool.ts';
import type { Tool } from './tool.ts';

const OPERATIONS = {
  add: (a: number, b: number) => a + b,
  subtract: (a: number, b: number) => a - b,
  multiply: (a: number, b: number) => a * b,
  divide: (a: number, b: number) => a / b,
  power: (a: number, b: number) => a ** b,
  sqrt: (a: number) => Math.sqrt(a),
} as const;

/**
 * Exact arithmetic for the model, one operation a call. Structured input instead of an
 * expression string: nothing to parse, nothing to inject.
 */
export function createCalculatorTool(): Tool {
  return defineTool({
    name: 'calculator',
    description: 'Computes one arithmetic operation: add, subtract, multiply, divide, power (a^b) or sqrt (of a).',
    input: z.object({
      operation: z.enum(['add', 'subtract', 'multiply', 'divide', 'power', 'sqrt']),
      a: z.number(),
      b: z.number().optional().describe('Second operand; not used by sqrt.'),
    }),
    async run({ operation, a, b }, { output }) {
      if (operation !== 'sqrt' && b === undefined) throw new Error(`${operation} needs a second operand b.`);
      if (operation === 'divide' && b === 0) throw new Error('Division by zero has no result.');
      const result = operation === 'sqrt' ? OPERATIONS.sqrt(a) : OPERATIONS[operation](a, b ?? 0);
      if (!Number.isFinite(result))
        throw new Error(`${operation}(${a}${b === undefined ? '' : `, ${b}`}) is not a finite number.`);
      output(String(result));
      return { result };
    },
  });
}
