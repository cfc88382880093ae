/**
 * A command-line flag's value as a whole number above 0; anything else prints why and
 * exits with 2, as the torture and soak commands do for a bad flag.
 */
export function positiveFlag(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} must be a whole number above 0, not "${text}".`);
    process.exit(2);
  }
  return value;
}
