import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** One problem: where (a dotted path, empty for the whole value) and what. */
interface Problem {
  readonly path: string;
  readonly message: string;
}

/**
 * Turns a validation error into one readable sentence naming each wrong field, e.g.
 * `data.text: expected string, received number; seq: seq starts at 1.`
 */
export function describeZodError(error: z.ZodError, maxIssues = 3): string {
  const problems = error.issues.flatMap((issue) => closestProblems(issue, []));
  const parts = problems
    .slice(0, maxIssues)
    .map(({ path, message }) => (path === '' ? message : `${path}: ${message}`));
  const more = problems.length > maxIssues ? ` (and ${problems.length - maxIssues} more)` : '';
  return `${parts.join('; ')}${more}.`;
}

/**
 * A union's own issue only says that no branch matched, which names no field. So a union
 * is described by the branch the input came closest to (the one with the fewest
 * problems), or by the problem all closest branches share; when they disagree (the input
 * looks like two branches at once) the union's own message stands.
 */
function closestProblems(issue: Issue, prefix: readonly PropertyKey[]): Problem[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const fewest = Math.min(...issue.errors.map((branch) => branch.length));
    const [first, ...others] = issue.errors
      .filter((branch) => branch.length === fewest)
      .map((branch) => branch.flatMap((inner) => closestProblems(inner, path)));
    if (first !== undefined && others.every((other) => sameProblems(other, first))) return first;
  }
  return [{ path: path.map(String).join('.'), message: issue.message }];
}

function sameProblems(left: readonly Problem[], right: readonly Problem[]): boolean {
  return (
    left.length === right.length &&
    left.every((problem, index) => problem.path === right[index]?.path && problem.message === right[index]?.message)
  );
}
