import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { BACKGROUND_TABLES, DbDigest, changedTables, errorShapeProblem } from './hostile';
import { asAdmin, bootApp, client, staff, uniq } from './helpers';
import { type RouteInfo, fill, forgeToken, jwtPayload, walkRoutes } from './routes';

// Every route of the router × every kind of caller, checked against the table below, which is written out
// by hand and never read from the @Public/@Roles metadata the guard itself reads: a route whose role is
// changed by mistake fails here, and a new route fails until it is added to the table deliberately.

const IDENTITIES = [
  'anonymous',
  'writer',
  'editor',
  'admin',
  // An admin whose account was deactivated after signing in: a well-signed, unexpired token.
  'deactivated',
  // The real admin's subject and token version, but expired, signed with another secret, or `alg: none`.
  'expired',
  'otherSecret',
  'algNone',
  // An API key that was used once while valid and then revoked.
  'revokedKey',
] as const;
type Identity = (typeof IDENTITIES)[number];

/**
 * What a caller must get: `ok` is any answer but 401/403 (the request is let through to its handler,
 * which may still say 400/404 for the filler ids and empty bodies), `anon` is the status anonymous got.
 */
type Outcome = 401 | 403 | 'ok' | 'anon';

/** Who may call a route. */
type Access = 'public' | 'public-key' | 'partner-key' | 'staff' | 'editor' | 'admin';

const ROW: Record<Access, Record<Identity, Outcome>> = {
  // Public: whoever the caller says they are, the answer is the anonymous one.
  public: {
    anonymous: 'anon',
    writer: 'anon',
    editor: 'anon',
    admin: 'anon',
    deactivated: 'anon',
    expired: 'anon',
    otherSecret: 'anon',
    algNone: 'anon',
    revokedKey: 'anon',
  },
  // Content API: public, but a key that is presented is checked, and a revoked one is refused.
  'public-key': {
    anonymous: 'anon',
    writer: 'anon',
    editor: 'anon',
    admin: 'anon',
    deactivated: 'anon',
    expired: 'anon',
    otherSecret: 'anon',
    algNone: 'anon',
    revokedKey: 401,
  },
  // A partner's own Content API routes: only a partner's API key, never a staff token (none of these
  // identities holds one; partners.e2e-spec.ts and partner-advisories.e2e-spec.ts call them with one).
  'partner-key': {
    anonymous: 401,
    writer: 401,
    editor: 401,
    admin: 401,
    deactivated: 401,
    expired: 401,
    otherSecret: 401,
    algNone: 401,
    revokedKey: 401,
  },
  // Any signed-in staff member (writer and up).
  staff: {
    anonymous: 401,
    writer: 'ok',
    editor: 'ok',
    admin: 'ok',
    deactivated: 401,
    expired: 401,
    otherSecret: 401,
    algNone: 401,
    revokedKey: 401,
  },
  editor: {
    anonymous: 401,
    writer: 403,
    editor: 'ok',
    admin: 'ok',
    deactivated: 401,
    expired: 401,
    otherSecret: 401,
    algNone: 401,
    revokedKey: 401,
  },
  admin: {
    anonymous: 401,
    writer: 403,
    editor: 403,
    admin: 'ok',
    deactivated: 401,
    expired: 401,
    otherSecret: 401,
    algNone: 401,
    revokedKey: 401,
  },
};

/** Every route the app must have, with who may call it (the roles table of docs/api.md). */
const EXPECTED: Record<string, Access> = {
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'POST /api/v1/auth/login': 'public',
  'GET /api/v1/auth/me': 'staff',
  // Browser sessions: the routes read the cookie themselves, so a bearer token is as good as none here.
  'POST /api/v1/auth/session': 'public',
  'GET /api/v1/auth/session': 'public',
  'DELETE /api/v1/auth/session': 'public',

  'GET /api/v1/audit': 'admin',
  'GET /api/v1/users': 'admin',
  'POST /api/v1/users': 'admin',
  'GET /api/v1/users/:id': 'admin',
  'PATCH /api/v1/users/:id': 'admin',
  'POST /api/v1/users/:id/password': 'admin',

  'GET /api/v1/authors': 'staff',
  'POST /api/v1/authors': 'editor',
  'GET /api/v1/authors/:id': 'staff',
  'PATCH /api/v1/authors/:id': 'admin',
  'POST /api/v1/authors/:id/deactivate': 'admin',
  'DELETE /api/v1/authors/:id': 'admin',

  'GET /api/v1/tags': 'staff',
  'POST /api/v1/tags': 'editor',
  'GET /api/v1/tags/by-slug/:slug': 'staff',
  'GET /api/v1/tags/:id': 'staff',
  'PATCH /api/v1/tags/:id': 'admin',
  'DELETE /api/v1/tags/:id': 'admin',
  'POST /api/v1/tags/:id/merge': 'admin',

  // Articles: every staff member reaches the handler; who may do what to whose article is the workflow's
  // and the service's rule (tested in workflow.e2e-spec.ts and articles.e2e-spec.ts), not the guard's.
  'POST /api/v1/articles': 'staff',
  'GET /api/v1/articles': 'staff',
  'GET /api/v1/articles/:id': 'staff',
  'PATCH /api/v1/articles/:id': 'staff',
  'DELETE /api/v1/articles/:id': 'staff',
  'GET /api/v1/articles/:id/revisions': 'staff',
  'GET /api/v1/articles/:id/revisions/:n': 'staff',
  'GET /api/v1/articles/:id/revisions/:n/diff': 'staff',
  'POST /api/v1/articles/:id/revisions/:n/restore': 'staff',
  'POST /api/v1/articles/:id/translations': 'staff',
  'GET /api/v1/articles/:id/translations': 'staff',
  'POST /api/v1/articles/:id/translation/confirm': 'staff',
  'POST /api/v1/articles/import': 'staff',
  'GET /api/v1/articles/:id/export': 'staff',
  'POST /api/v1/articles/:id/transitions': 'staff',
  'GET /api/v1/articles/:id/history': 'staff',
  'GET /api/v1/articles/:id/preview': 'staff',

  // Pictures: every staff member uploads and reads; whose picture a writer may change is the service's
  // rule (media.e2e-spec.ts), not the guard's.
  'POST /api/v1/media': 'staff',
  'GET /api/v1/media': 'staff',
  'GET /api/v1/media/:id': 'staff',
  'PATCH /api/v1/media/:id': 'staff',
  'DELETE /api/v1/media/:id': 'staff',

  'GET /api/v1/newsroom/changes': 'staff',

  // Archive imports publish thousands of stories at once: admins only.
  'POST /api/v1/imports/archive': 'admin',
  'GET /api/v1/imports/archive/:id': 'admin',
  'GET /api/v1/imports/archive/:id/problems': 'admin',

  'POST /api/v1/webhooks': 'admin',
  'GET /api/v1/webhooks': 'admin',
  'GET /api/v1/webhooks/:id': 'admin',
  'PATCH /api/v1/webhooks/:id': 'admin',
  'POST /api/v1/webhooks/:id/disable': 'admin',
  'DELETE /api/v1/webhooks/:id': 'admin',
  'POST /api/v1/webhooks/:id/rotate-secret': 'admin',
  'GET /api/v1/webhooks/:id/deliveries': 'admin',
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver': 'admin',

  'POST /api/v1/api-keys': 'admin',
  'GET /api/v1/api-keys': 'admin',
  'GET /api/v1/api-keys/:id': 'admin',
  'PATCH /api/v1/api-keys/:id': 'admin',
  'POST /api/v1/api-keys/:id/revoke': 'admin',
  'DELETE /api/v1/api-keys/:id': 'admin',

  'POST /api/v1/partners': 'admin',
  'GET /api/v1/partners': 'admin',
  'GET /api/v1/partners/:id': 'admin',
  'PATCH /api/v1/partners/:id': 'admin',
  'DELETE /api/v1/partners/:id': 'admin',
  'GET /api/v1/advisories': 'editor',
  'GET /api/v1/articles/:id/recipients': 'editor',
  'GET /api/v1/content/advisories': 'partner-key',
  'POST /api/v1/content/advisories/:id/ack': 'partner-key',

  'GET /api/v1/content/articles': 'public-key',
  'GET /api/v1/content/articles/:slug': 'public-key',
  'GET /api/v1/content/tags': 'public-key',
  'GET /api/v1/content/tags/:slug': 'public-key',
  'GET /api/v1/content/authors': 'public-key',
  'GET /api/v1/content/authors/:slug': 'public-key',
  'GET /api/v1/content/changes': 'public-key',
  'GET /api/v1/content/feeds/:file': 'public-key',
  'GET /feeds/:file': 'public-key',
  'GET /api/v1/content/feeds/tags/:slug/:file': 'public-key',
  'GET /feeds/tags/:slug/:file': 'public-key',
  'GET /api/v1/content/feeds/authors/:slug/:file': 'public-key',
  'GET /feeds/authors/:slug/:file': 'public-key',
  'GET /api/v1/content/sitemaps/news.xml': 'public-key',
  'GET /sitemaps/news.xml': 'public-key',
  // Picture files of visible stories: the Content API's access guard and rate limit.
  'GET /media/:id/:file': 'public-key',
};

const routeKey = (r: RouteInfo) => `${r.method} ${r.path}`;

describe('access matrix: every route × every identity (e2e)', () => {
  let app: NestFastifyApplication;
  let routes: RouteInfo[];
  const headers: Partial<Record<Identity, Record<string, string>>> = { anonymous: {} };

  beforeAll(async () => {
    app = await bootApp();
    routes = walkRoutes(app);
    const admin = await asAdmin(app);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    headers.admin = bearer(admin.token as string);
    for (const role of ['writer', 'editor'] as const)
      headers[role] = bearer((await staff(app, role)).token as string);

    const former = await staff(app, 'admin');
    const off = await admin.patch(`/api/v1/users/${former.user.id}`, { active: false });
    if (off.statusCode !== 200) throw new Error(`deactivate: ${off.statusCode} ${off.body}`);
    headers.deactivated = bearer(former.token as string);

    const { sub, tv } = jwtPayload(admin.token as string);
    const now = Math.floor(Date.now() / 1000);
    const secret = process.env.JWT_SECRET as string;
    headers.expired = bearer(forgeToken({ sub, tv, iat: now - 7200, exp: now - 3600 }, secret));
    headers.otherSecret = bearer(forgeToken({ sub, tv, iat: now, exp: now + 600 }, `${secret}-but-not-ours`));
    headers.algNone = bearer(forgeToken({ sub, tv, iat: now, exp: now + 600 }, '', 'none'));

    // An identity that cannot be built fails the run: a matrix without it would pass with a hole in it.
    const created = await admin.post('/api/v1/api-keys', {
      name: `matrix ${uniq()}`,
      scopes: ['content:read', 'content:embargoed'],
    });
    if (created.statusCode !== 201) throw new Error(`api key: ${created.statusCode} ${created.body}`);
    const { id, key } = created.json<{ id: string; key: string }>();
    // Used once while valid (so it sits in any cache), then revoked.
    const ok = await client(app).get('/api/v1/content/articles', { 'x-api-key': key });
    if (ok.statusCode !== 200) throw new Error(`valid key: ${ok.statusCode} ${ok.body}`);
    const revoked = await admin.post(`/api/v1/api-keys/${id}/revoke`);
    if (revoked.statusCode !== 200) throw new Error(`revoke: ${revoked.statusCode} ${revoked.body}`);
    headers.revokedKey = { 'x-api-key': key, authorization: `Bearer ${key}` };
  });

  afterAll(async () => {
    await app?.close();
  });

  it('should list exactly the routes of the expected table', () => {
    const actual = routes.map(routeKey);
    expect(actual.filter((k) => !(k in EXPECTED)).sort()).toEqual([]);
    expect(
      Object.keys(EXPECTED)
        .filter((k) => !actual.includes(k))
        .sort(),
    ).toEqual([]);
    expect(new Set(actual).size).toBe(actual.length);
  });

  it('should have built every identity of the table', () => {
    expect(Object.keys(headers).sort()).toEqual([...IDENTITIES].sort());
  });

  it('should answer every route for every identity as the expected table says, and change nothing when refusing', async () => {
    const digest = await DbDigest.create(app, BACKGROUND_TABLES);
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
    const refused = (o: Outcome) => o === 401 || o === 403;

    for (const route of routes) {
      const key = routeKey(route);
      const access = EXPECTED[key];
      if (!access) {
        wrong.push(`${key}: not in the expected table`);
        continue;
      }
      const row = ROW[access];
      const identities = IDENTITIES.filter((who) => {
        if (headers[who]) return true;
        wrong.push(`${key}: identity ${who} was not built`);
        return false;
      });
      const anonymous = await send(route, 'anonymous');
      // Refused callers first, so the digest around them shows that a refusal writes nothing.
      const order = [...identities].sort((a, b) => Number(refused(row[b])) - Number(refused(row[a])));
      const before = await digest.take();
      let refusing = true;
      for (const who of order) {
        const expected = row[who];
        if (refusing && !refused(expected)) {
          const after = await digest.take();
          if (changedTables(before, after).length > 0) {
            wrong.push(`${key}: refusals changed ${changedTables(before, after).join(', ')}`);
          }
          refusing = false;
        }
        const res = who === 'anonymous' ? anonymous : await send(route, who);
        cells++;
        tally.set(String(expected), (tally.get(String(expected)) ?? 0) + 1);
        const got = `${key} as ${who}: ${res.statusCode} ${res.body.slice(0, 160)}`;
        if (res.statusCode >= 500) wrong.push(`${got} (5xx)`);
        else if (refused(expected) && res.statusCode !== expected) {
          wrong.push(`${got} (expected ${expected}: ${access} route)`);
        } else if (expected === 'ok' && (res.statusCode === 401 || res.statusCode === 403)) {
          wrong.push(`${got} (expected through: ${access} route)`);
        } else if (expected === 'anon' && res.statusCode !== anonymous.statusCode) {
          wrong.push(`${got} (${access} route: anonymous got ${anonymous.statusCode})`);
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
      `access matrix: ${routes.length} routes × ${IDENTITIES.length} identities = ${cells} cells ` +
        `(expected: ${JSON.stringify(Object.fromEntries(tally))})`,
    );
    expect(wrong).toEqual([]);
    expect(cells).toBe(Object.keys(EXPECTED).length * IDENTITIES.length);
    // Every route times every identity, each refusal checked against a digest of the database.
  }, 300_000);
});
