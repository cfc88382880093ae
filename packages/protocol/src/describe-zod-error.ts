import type { z } from 'zod';

/**
 * Turns a validation error into one readable sentence naming each wrong field, e.g.
 * `data.text: expected string, received number; seq: seq starts at 1.`
 */
export function describeZodError(error: z.ZodError, maxIssues = 3): string {
  const parts = error.issues.slice(0, maxIssues).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = error.issues.length > maxIssues ? ` (and ${error.issues.length - maxIssues} more)` : '';
  return `${parts.join('; ')}${more}.`;
}
