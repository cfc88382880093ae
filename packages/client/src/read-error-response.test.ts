import { describe, expect, it } from 'vitest';
import { readErrorResponse } from './read-error-response.ts';

describe('readErrorResponse', () => {
  it('keeps the code and sentence of a refused write the disk could not take', async () => {
    const body = { error: { code: 'storage_full', message: 'The disk holding the data directory /data is full.' } };
    const error = await readErrorResponse(new Response(JSON.stringify(body), { status: 507 }));
    expect(error).toMatchObject({ code: 'storage_full', status: 507, message: body.error.message });
  });

  it('maps a bare 507 (a proxy, or an older daemon) to storage_full by its status', async () => {
    const error = await readErrorResponse(new Response('<html>Insufficient Storage</html>', { status: 507 }));
    expect(error.code).toBe('storage_full');
  });
});
