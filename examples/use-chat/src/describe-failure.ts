/** A failed response as a sentence: the daemon's own message when it sent one, else the status. */
export async function describeFailure(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return `${response.status}: ${body.error.message}`;
  } catch {
    // Not JSON: the status alone says enough.
  }
  return `HTTP ${response.status}`;
}
