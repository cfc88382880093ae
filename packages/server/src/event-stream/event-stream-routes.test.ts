import fc from 'fast-check';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { EVENT_STREAM_ROUTES, matchEventStreamRoute } from './event-stream-routes.ts';

// Fastify registers the same table, so its router is the judge of what a path means: the
// matcher below Fastify may leave a path to it, but never read a path differently.
const app = Fastify();
for (const path of Object.values(EVENT_STREAM_ROUTES)) app.get(path, () => ({ path }));

const segment = fc.stringMatching(/^[0-9A-Za-z_%.~-]{0,102}$/);
const candidatePath = fc.oneof(
  segment.map((id) => `/v1/conversations/${id}/events`),
  fc.tuple(segment, segment).map(([id, rest]) => `/v1/conversations/${id}/${rest}`),
  fc.constantFrom('/v1/account/events', '/v1/account/events/', '/v1/Account/events', '//v1/account/events'),
  fc.string().map((text) => `/${text}`),
);

describe('matchEventStreamRoute', () => {
  it('matches the plain paths of the table, and leaves anything unusual to Fastify', () => {
    expect(matchEventStreamRoute('/v1/account/events')).toEqual({ kind: 'account' });
    expect(matchEventStreamRoute('/v1/conversations/019a5b1e-2f00_7c3a/events')).toEqual({
      kind: 'conversation',
      id: '019a5b1e-2f00_7c3a',
    });
    for (const path of [
      '/v1/conversations/019a%2D5b/events',
      `/v1/conversations/${'a'.repeat(101)}/events`,
      '/v1/conversations//events',
      '/v1/conversations/events',
      '/v1/conversations/a/b/events',
      '/v1/conversations/a/events/',
      '/v1/account/events/',
      '/v1/conversations/a',
    ]) {
      expect(matchEventStreamRoute(path), path).toBeUndefined();
    }
  });

  it('reads every path it matches as Fastify’s router does: the same route, the same id', () => {
    fc.assert(
      fc.property(candidatePath, (path) => {
        const matched = matchEventStreamRoute(path);
        if (matched === undefined) return;
        const found = app.findRoute({ method: 'GET', url: path });
        expect(found, path).not.toBeNull();
        if (matched.kind === 'conversation') expect(found?.params).toEqual({ id: matched.id });
        else expect(found?.params).toEqual({});
      }),
      { numRuns: 2000 },
    );
  });
});
