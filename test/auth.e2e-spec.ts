import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN, asAdmin, bootApp, client, login, staff, tableCounts, uniq } from './helpers';
import { fill, forgeToken, walkRoutes } from './routes';

// Routes that answer without a staff token. Adding a public route means adding it here, on purpose.
const EXPECTED_PUBLIC = new Set([
  'GET /health/live',
  'GET /health/ready',
  'POST /api/v1/auth/login',
  // The desk's session routes read the cookie themselves (GET answers 401 without a valid one).
  'POST /api/v1/auth/session',
  'GET /api/v1/auth/session',
  'DELETE /api/v1/auth/session',
]);
const PUBLIC_PREFIXES = ['/api/v1/content', '/feeds', '/sitemaps'];

describe('auth and access (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await bootApp();
  });
  afterAll(async () => {
    await app.close();
  });

  describe('deny by default', () => {
    it('should refuse every non-public route without a token when the router is walked', async () => {
      const routes = walkRoutes(app);
      expect(routes.length).toBeGreaterThan(5);
      const unexpectedPublic: string[] = [];
      const notRefused: string[] = [];
      for (const r of routes) {
        const key = `${r.method} ${r.path}`;
        if (r.isPublic) {
          if (!EXPECTED_PUBLIC.has(key) && !PUBLIC_PREFIXES.some((p) => r.path.startsWith(p)))
            unexpectedPublic.push(key);
          continue;
        }
        const res = await client(app).req({ method: r.method, url: fill(r.path), payload: {} });
        if (res.statusCode !== 401) notRefused.push(`${key} -> ${res.statusCode}`);
      }
      expect(unexpectedPublic).toEqual([]);
      expect(notRefused).toEqual([]);
    });

    it('should refuse a token signed with another secret, an alg:none token and garbage', async () => {
      const admin = await client(app).post('/api/v1/auth/login', ADMIN);
      const { user } = admin.json<{ user: { id: string } }>();
      const forged = forgeToken(
        { sub: user.id, tv: 0, exp: Math.floor(Date.now() / 1000) + 600 },
        'another-secret',
      );
      const none = forgeToken({ sub: user.id, tv: 0 }, '', 'none');
      for (const token of [forged, none, 'garbage', '']) {
        const res = await client(app, token).get('/api/v1/auth/me');
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ code: 'UNAUTHORIZED' });
      }
    });

    it('should refuse an expired token', async () => {
      const { user } = (await client(app).post('/api/v1/auth/login', ADMIN)).json<{ user: { id: string } }>();
      const secret = process.env.JWT_SECRET as string;
      const expired = forgeToken({ sub: user.id, tv: 0, iat: 1000, exp: 2000 }, secret);
      expect((await client(app, expired).get('/api/v1/auth/me')).statusCode).toBe(401);
      const valid = forgeToken({ sub: user.id, tv: 0, exp: Math.floor(Date.now() / 1000) + 600 }, secret);
      expect((await client(app, valid).get('/api/v1/auth/me')).statusCode).toBe(200);
    });
  });

  describe('login', () => {
    it('should return a token and the user when the credentials are right', async () => {
      const res = await client(app).post('/api/v1/auth/login', {
        email: ' Admin@Dateline.TEST ',
        password: ADMIN.password,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ accessToken: string; expiresIn: number; user: Record<string, unknown> }>();
      expect(body.accessToken.split('.')).toHaveLength(3);
      expect(body.expiresIn).toBeGreaterThan(0);
      expect(body.user).toMatchObject({ email: ADMIN.email, role: 'admin' });
      expect(body.user).not.toHaveProperty('passwordHash');
      const me = await client(app, body.accessToken).get('/api/v1/auth/me');
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ email: ADMIN.email, lastLoginAt: expect.any(String) });
    });

    it('should answer the same 401 when the email is unknown or the password is wrong', async () => {
      const wrongPassword = await client(app).post('/api/v1/auth/login', {
        email: ADMIN.email,
        password: 'nope-nope-nope',
      });
      const unknownEmail = await client(app).post('/api/v1/auth/login', {
        email: 'ghost@dateline.test',
        password: 'x',
      });
      expect(wrongPassword.statusCode).toBe(401);
      expect(unknownEmail.statusCode).toBe(401);
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(wrongPassword.json())).toEqual(strip(unknownEmail.json()));
    });

    it('should answer 400 naming the field when the body is malformed', async () => {
      const res = await client(app).post('/api/v1/auth/login', { email: 42, password: 'x', extra: true });
      expect(res.statusCode).toBe(400);
      const body = res.json<{ code: string; details: { field: string }[] }>();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.details.map((d) => d.field)).toEqual(expect.arrayContaining(['email', 'extra']));
    });
  });

  describe('users (admin only)', () => {
    it('should let only admins manage users when writers and editors try', async () => {
      const writer = await staff(app, 'writer');
      const editor = await staff(app, 'editor');
      for (const c of [writer, editor]) {
        expect((await c.get('/api/v1/users')).statusCode).toBe(403);
        expect(
          (
            await c.post('/api/v1/users', {
              email: `${uniq()}@x.kz`,
              name: 'n',
              role: 'admin',
              password: 'p'.repeat(12),
            })
          ).statusCode,
        ).toBe(403);
        expect((await c.patch(`/api/v1/users/${writer.user.id}`, { role: 'admin' })).statusCode).toBe(403);
      }
      expect((await client(app).get('/api/v1/users')).statusCode).toBe(401);
    });

    it('should create, get, list and update a user when an admin asks', async () => {
      const admin = await asAdmin(app);
      const email = `${uniq('Case')}@Dateline.test`;
      const created = await admin.post('/api/v1/users', {
        email,
        name: 'Aigerim',
        role: 'writer',
        password: 'writer-pass-1',
      });
      expect(created.statusCode).toBe(201);
      const user = created.json<{ id: string; email: string }>();
      expect(user.email).toBe(email.toLowerCase());
      expect((await admin.get(`/api/v1/users/${user.id}`)).json()).toMatchObject({
        name: 'Aigerim',
        role: 'writer',
        active: true,
      });
      const patched = await admin.patch(`/api/v1/users/${user.id}`, { name: 'Aigerim S.', role: 'editor' });
      expect(patched.json()).toMatchObject({ name: 'Aigerim S.', role: 'editor' });
      const page = await admin.get('/api/v1/users?role=editor&limit=100');
      expect(page.json<{ data: { id: string }[] }>().data.map((u) => u.id)).toContain(user.id);
    });

    it('should refuse a second account with the same email in another case with 409', async () => {
      const admin = await asAdmin(app);
      const email = `${uniq('dup')}@dateline.test`;
      expect(
        (await admin.post('/api/v1/users', { email, name: 'A', role: 'writer', password: 'writer-pass-1' }))
          .statusCode,
      ).toBe(201);
      const before = await tableCounts(app);
      const dup = await admin.post('/api/v1/users', {
        email: email.toUpperCase(),
        name: 'B',
        role: 'writer',
        password: 'writer-pass-1',
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json()).toMatchObject({ code: 'CONFLICT' });
      expect(await tableCounts(app)).toEqual(before);
    });

    it('should answer 400 with every bad field and change nothing when the input is invalid', async () => {
      const admin = await asAdmin(app);
      const before = await tableCounts(app);
      const res = await admin.post('/api/v1/users', {
        email: 'not-an-email',
        name: 'x'.repeat(201),
        role: 'chief',
        password: 'short',
        isAdmin: true,
      });
      expect(res.statusCode).toBe(400);
      const fields = res.json<{ details: { field: string }[] }>().details.map((d) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['email', 'name', 'role', 'password', 'isAdmin']));
      expect(await tableCounts(app)).toEqual(before);
      expect((await admin.get('/api/v1/users/not-a-uuid')).statusCode).toBe(400);
      expect((await admin.get('/api/v1/users/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    });

    it('should stop existing tokens when a user is deactivated, and let them in again when reactivated', async () => {
      const admin = await asAdmin(app);
      const writer = await staff(app, 'writer');
      expect((await writer.get('/api/v1/auth/me')).statusCode).toBe(200);
      expect((await admin.patch(`/api/v1/users/${writer.user.id}`, { active: false })).statusCode).toBe(200);
      expect((await writer.get('/api/v1/auth/me')).statusCode).toBe(401);
      const relogin = await client(app).post('/api/v1/auth/login', {
        email: writer.user.email,
        password: 'staff-password-123',
      });
      expect(relogin.statusCode).toBe(401);
      await admin.patch(`/api/v1/users/${writer.user.id}`, { active: true });
      expect((await writer.get('/api/v1/auth/me')).statusCode).toBe(401);
      await expect(login(app, writer.user.email, 'staff-password-123')).resolves.toBeDefined();
    });

    it('should change the password and revoke old tokens when an admin sets a password', async () => {
      const admin = await asAdmin(app);
      const writer = await staff(app, 'writer');
      const res = await admin.post(`/api/v1/users/${writer.user.id}/password`, {
        password: 'brand-new-pass-1',
      });
      expect(res.statusCode).toBe(204);
      expect((await writer.get('/api/v1/auth/me')).statusCode).toBe(401);
      await expect(login(app, writer.user.email, 'staff-password-123')).rejects.toThrow(/401/);
      await expect(login(app, writer.user.email, 'brand-new-pass-1')).resolves.toBeDefined();
    });

    it('should refuse an admin deactivating themselves', async () => {
      const admin = await asAdmin(app);
      const me = (await admin.get('/api/v1/auth/me')).json<{ id: string }>();
      expect((await admin.patch(`/api/v1/users/${me.id}`, { active: false })).statusCode).toBe(400);
    });
  });
});
