import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { hasRole, type Role } from '../src/common/roles';
import { DbDigest, changedTables, errorShapeProblem } from './hostile';
import { asAdmin, bootApp, client, staff, uniq } from './helpers';
import { type RouteInfo, fill, forgeToken, jwtPayload, walkRoutes } from './routes';

// Every route of the router × every kind of caller, with the status each must get, computed from the
// route's metadata (@Public, @Roles, its guards): a new route is in the matrix the day it is added.

const REFUSED = ['anonymous', 'deactivated', 'expired', 'otherSecret', 'algNone', 'revokedKey'] as const;
type Identity = Role | (typeof REFUSED)[number];
// Reads the API key on Content API routes (X-Api-Key); a revoked key is refused there.
const API_KEY_GUARD = 'ContentAccessGuard';

type Expected = { status: number } | { allowed: true } | { likeAnonymous: true };

function expectedFor(route: RouteInfo, who: Identity): Expected {
  if (route.isPublic) {
    if (who === 'revokedKey' && route.guards.includes(API_KEY_GUARD)) return { status: 401 };
    // Public routes do not care who the staff member is: every caller is answered like anonymous.
    return { likeAnonymous: true };
  }
  if ((REFUSED as readonly string[]).includes(who)) return { status: 401 };
  const role = who as Role;
  if (route.minRole && !hasRole(role, route.minRole)) return { status: 403 };
  return { allowed: true };
}

describe('access matrix: every route × every identity (e2e)', () => {
  let app: NestFastifyApplication;
  let routes: RouteInfo[];
  const headers: Partial<Record<Identity, Record<string, string>>> = { anonymous: {} };
  let skipped: string | undefined;

  beforeAll(async () => {
    app = await bootApp();
    routes = walkRoutes(app);
    const admin = await asAdmin(app);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    headers.admin = bearer(admin.token as string);
    for (const role of ['writer', 'editor'] as const)
      headers[role] = bearer((await staff(app, role)).token as string);

    // An admin whose account was then deactivated keeps a well-signed, unexpired token.
    const former = await staff(app, 'admin');
    const off = await admin.patch(`/api/v1/users/${former.user.id}`, { active: false });
    if (off.statusCode !== 200) throw new Error(`deactivate: ${off.statusCode} ${off.body}`);
    headers.deactivated = bearer(former.token as string);

    // Tokens for the real admin (right subject and token version) that must still be refused.
    const { sub, tv } = jwtPayload(admin.token as string);
    const now = Math.floor(Date.now() / 1000);
    const secret = process.env.JWT_SECRET as string;
    headers.expired = bearer(forgeToken({ sub, tv, iat: now - 7200, exp: now - 3600 }, secret));
    headers.otherSecret = bearer(forgeToken({ sub, tv, iat: now, exp: now + 600 }, `${secret}-but-not-ours`));
    headers.algNone = bearer(forgeToken({ sub, tv, iat: now, exp: now + 600 }, '', 'none'));

    const keyRoutes = routes.filter(
      (r) => r.path === '/api/v1/api-keys' || r.path === '/api/v1/api-keys/:id/revoke',
    );
    if (keyRoutes.length < 2) {
      skipped =
        'no POST /api/v1/api-keys and POST /api/v1/api-keys/:id/revoke routes: the revoked-API-key identity is not in the matrix';
      console.warn(`access matrix: ${skipped}`);
      return;
    }
    const created = await admin.post('/api/v1/api-keys', {
      name: `matrix ${uniq()}`,
      scopes: ['content:read', 'content:embargoed'],
    });
    if (created.statusCode !== 201) throw new Error(`api key: ${created.statusCode} ${created.body}`);
    const { id, key } = created.json<{ id: string; key: string }>();
    // Used once while valid (so it sits in any cache), then revoked.
    const probe = routes.find(
      (r) => r.method === 'GET' && r.guards.includes(API_KEY_GUARD) && !r.path.includes(':'),
    );
    if (probe) {
      const ok = await client(app).get(probe.path, { 'x-api-key': key });
      if (ok.statusCode !== 200) throw new Error(`valid key on ${probe.path}: ${ok.statusCode} ${ok.body}`);
    }
    const revoked = await admin.post(`/api/v1/api-keys/${id}/revoke`);
    if (revoked.statusCode !== 200) throw new Error(`revoke: ${revoked.statusCode} ${revoked.body}`);
    headers.revokedKey = { 'x-api-key': key, authorization: `Bearer ${key}` };
  });

  afterAll(async () => {
    await app?.close();
  });

  it('should answer every route for every identity as its metadata says, and change nothing when refusing', async () => {
    const identities = (Object.keys(headers) as Identity[]).sort();
    const digest = await DbDigest.create(app, ['webhook_delivery', 'webhook_dispatch_queue']);
    const wrong: string[] = [];
    let cells = 0;
    const tally = new Map<string, number>();
    const send = (route: RouteInfo, who: Identity): Promise<InjectResponse> =>
      app.inject({
        method: route.method as 'GET',
        url: fill(route.path),
        headers: headers[who],
        ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
      });

    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const anonymous = await send(route, 'anonymous');
      // Refused callers first, so the digest around them shows that a refusal writes nothing.
      const order = [...identities].sort(
        (a, b) => Number('status' in expectedFor(route, b)) - Number('status' in expectedFor(route, a)),
      );
      const before = await digest.take();
      let refusing = true;
      for (const who of order) {
        const expected = expectedFor(route, who);
        if (refusing && !('status' in expected)) {
          const after = await digest.take();
          if (changedTables(before, after).length > 0) {
            wrong.push(`${key}: refusals changed ${changedTables(before, after).join(', ')}`);
          }
          refusing = false;
        }
        const res = who === 'anonymous' ? anonymous : await send(route, who);
        cells++;
        const kind = 'status' in expected ? String(expected.status) : Object.keys(expected)[0];
        tally.set(kind, (tally.get(kind) ?? 0) + 1);
        const got = `${key} as ${who}: ${res.statusCode} ${res.body.slice(0, 160)}`;
        if (res.statusCode >= 500) wrong.push(`${got} (5xx)`);
        else if ('status' in expected && res.statusCode !== expected.status) {
          wrong.push(`${got} (expected ${expected.status})`);
        } else if ('allowed' in expected && (res.statusCode === 401 || res.statusCode === 403)) {
          wrong.push(`${got} (role ${who} is allowed: min ${route.minRole ?? 'any staff'})`);
        } else if ('likeAnonymous' in expected && res.statusCode !== anonymous.statusCode) {
          wrong.push(`${got} (public route: anonymous got ${anonymous.statusCode})`);
        }
        if (res.statusCode >= 400 && errorShapeProblem(res)) wrong.push(`${got} (${errorShapeProblem(res)})`);
      }
      if (refusing) {
        const after = await digest.take();
        if (changedTables(before, after).length > 0) {
          wrong.push(`${key}: refusals changed ${changedTables(before, after).join(', ')}`);
        }
      }
    }
    console.log(
      `access matrix: ${routes.length} routes × ${identities.length} identities = ${cells} cells ` +
        `(expected: ${JSON.stringify(Object.fromEntries(tally))})${skipped ? ` (${skipped})` : ''}`,
    );
    expect(wrong).toEqual([]);
    expect(cells).toBe(routes.length * identities.length);
    expect(routes.filter((r) => !r.isPublic).length).toBeGreaterThan(30);
    // The revoked key is checked where keys are read: the guard name above still matches the code.
    if (!skipped) expect(routes.filter((r) => r.guards.includes(API_KEY_GUARD)).length).toBeGreaterThan(5);
  });
});
