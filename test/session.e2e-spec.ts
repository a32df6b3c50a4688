import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { BACKGROUND_TABLES, DbDigest, changedTables } from './hostile';
import { ADMIN, asAdmin, bootApp, client, login, staff, uniq } from './helpers';

const PROXY = '10.77.0.1';
const COOKIE = 'dateline_session';

interface Session {
  cookie: string;
  csrfToken: string;
  user: { id: string; email: string; role: string };
  setCookie: string;
}

const setCookieOf = (res: InjectResponse): string => {
  const raw = res.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const found = all.find((c) => c.startsWith(`${COOKIE}=`));
  if (!found) throw new Error(`no ${COOKIE} cookie set: ${JSON.stringify(raw)}`);
  return found;
};
const attributes = (setCookie: string) =>
  setCookie
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase());

// Browser sessions of the desk: the cookie, its attributes, CSRF, sign-out and revocation. Small login
// limits and a named proxy (X-Forwarded-Proto believed from it only) for this file's app.
describe('browser sessions: cookie, CSRF, sign-out (e2e)', () => {
  let app: NestFastifyApplication;
  const saved = { ...process.env };

  const signIn = async (
    email: string,
    password: string,
    opts: { headers?: Record<string, string>; remoteAddress?: string } = {},
  ): Promise<Session> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/session',
      payload: { email, password },
      ...opts,
    });
    if (res.statusCode !== 200) throw new Error(`session sign-in: ${res.statusCode} ${res.body}`);
    const setCookie = setCookieOf(res);
    const body = res.json<{ csrfToken: string; user: Session['user'] }>();
    return { cookie: setCookie.split(';')[0], csrfToken: body.csrfToken, user: body.user, setCookie };
  };
  const withCookie = (s: Pick<Session, 'cookie'>, headers: Record<string, string> = {}) => ({
    cookie: s.cookie,
    ...headers,
  });

  beforeAll(async () => {
    Object.assign(process.env, {
      TRUST_PROXY: PROXY,
      LOGIN_RATE_LIMIT_PER_EMAIL: '2',
      LOGIN_BACKOFF_MAX_SECONDS: '60',
    });
    app = await bootApp();
  });
  afterAll(async () => {
    await app?.close();
    process.env = saved;
  });

  it('should set an httpOnly, SameSite=Strict, Path=/ cookie and answer the user and a CSRF token', async () => {
    const s = await signIn(ADMIN.email, ADMIN.password);
    expect(s.user).toMatchObject({ email: ADMIN.email, role: 'admin', id: expect.any(String) });
    expect(s.csrfToken).toMatch(/^[\w-]{20,}$/);
    const attrs = attributes(s.setCookie);
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    expect(attrs.some((a) => /^max-age=\d+$/.test(a))).toBe(true);
    // Plain http: not Secure (the browser would never send it back).
    expect(attrs).not.toContain('secure');
    // The token is not the cookie, and the cookie is not a bearer token.
    expect(s.cookie.slice(COOKIE.length + 1)).not.toContain(s.csrfToken);
    expect((await client(app, s.cookie.slice(COOKIE.length + 1)).get('/api/v1/auth/me')).statusCode).toBe(
      401,
    );
  });

  it('should mark the cookie Secure for https, believing X-Forwarded-Proto only from the trusted proxy', async () => {
    const viaProxy = await signIn(ADMIN.email, ADMIN.password, {
      headers: { 'x-forwarded-proto': 'https' },
      remoteAddress: PROXY,
    });
    expect(attributes(viaProxy.setCookie)).toContain('secure');
    const spoofed = await signIn(ADMIN.email, ADMIN.password, {
      headers: { 'x-forwarded-proto': 'https' },
      remoteAddress: '10.77.0.2',
    });
    expect(attributes(spoofed.setCookie)).not.toContain('secure');
  });

  it('should answer GET /auth/session with the user and the same CSRF token, and 401 without a valid cookie', async () => {
    const s = await signIn(ADMIN.email, ADMIN.password);
    const res = await client(app).get('/api/v1/auth/session', withCookie(s));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { email: ADMIN.email }, csrfToken: s.csrfToken });
    expect((await client(app).get('/api/v1/auth/session')).statusCode).toBe(401);
    const [id] = s.cookie.slice(COOKIE.length + 1).split('.');
    for (const bad of [
      `${id}.forged`,
      `${id}`,
      'garbage',
      `${crypto.randomUUID()}.${s.cookie.split('.')[1]}`,
    ]) {
      const r = await client(app).get('/api/v1/auth/session', { cookie: `${COOKIE}=${bad}` });
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ code: 'UNAUTHORIZED' });
      expect((await client(app).get('/api/v1/auth/me', { cookie: `${COOKIE}=${bad}` })).statusCode).toBe(401);
    }
  });

  it('should let the cookie read and, with X-CSRF-Token, write; without it or with a wrong one 403 and nothing written', async () => {
    const writer = await staff(app, 'writer');
    const s = await signIn(writer.user.email, 'staff-password-123');
    expect((await client(app).get('/api/v1/auth/me', withCookie(s))).json()).toMatchObject({
      id: writer.user.id,
    });
    const payload = { headline: `Cookie story ${uniq()}`, language: 'en' };
    const digest = await DbDigest.create(app, BACKGROUND_TABLES);
    const before = await digest.take();
    const missing = await client(app).post('/api/v1/articles', payload, withCookie(s));
    const wrong = await client(app).post(
      '/api/v1/articles',
      payload,
      withCookie(s, { 'x-csrf-token': `${s.csrfToken.slice(0, -1)}x` }),
    );
    // Another session's token does not fit this session.
    const other = await signIn(writer.user.email, 'staff-password-123');
    const before2 = await digest.take();
    const foreign = await client(app).post(
      '/api/v1/articles',
      payload,
      withCookie(s, { 'x-csrf-token': other.csrfToken }),
    );
    for (const res of [missing, wrong, foreign]) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN', requestId: expect.any(String) });
    }
    const after = await digest.take();
    expect(changedTables(before2, after)).toEqual([]);
    // Only the second sign-in wrote (its session row and the user's last sign-in).
    expect(changedTables(before, before2).sort()).toEqual(['user', 'user_session']);
    const ok = await client(app).post(
      '/api/v1/articles',
      payload,
      withCookie(s, { 'x-csrf-token': s.csrfToken }),
    );
    expect(ok.statusCode).toBe(201);
  });

  it('should keep bearer tokens working without a CSRF header, judged by the token alone', async () => {
    const writer = await staff(app, 'writer');
    const res = await writer.post('/api/v1/articles', { headline: `Bearer ${uniq()}`, language: 'en' });
    expect(res.statusCode).toBe(201);
    // A bearer request is judged by its token even when a valid cookie rides along.
    const s = await signIn(ADMIN.email, ADMIN.password);
    const me = await client(app, writer.token).get('/api/v1/auth/me', withCookie(s));
    expect(me.json()).toMatchObject({ id: writer.user.id });
    expect((await client(app, 'garbage').get('/api/v1/auth/me', withCookie(s))).statusCode).toBe(401);
  });

  it('should sign out: 403 without the CSRF token, then 204, the cookie cleared and the old cookie refused', async () => {
    const s = await signIn(ADMIN.email, ADMIN.password);
    const refused = await client(app).delete('/api/v1/auth/session', withCookie(s));
    expect(refused.statusCode).toBe(403);
    expect((await client(app).get('/api/v1/auth/me', withCookie(s))).statusCode).toBe(200);

    const out = await client(app).delete(
      '/api/v1/auth/session',
      withCookie(s, { 'x-csrf-token': s.csrfToken }),
    );
    expect(out.statusCode).toBe(204);
    const cleared = setCookieOf(out);
    expect(cleared.split(';')[0]).toBe(`${COOKIE}=`);
    const attrs = attributes(cleared);
    expect(attrs.some((a) => a === 'max-age=0' || a.startsWith('expires=thu, 01 jan 1970'))).toBe(true);
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));

    expect((await client(app).get('/api/v1/auth/me', withCookie(s))).statusCode).toBe(401);
    expect((await client(app).get('/api/v1/auth/session', withCookie(s))).statusCode).toBe(401);
    // Signing out again (or without a session) is harmless.
    const again = await client(app).delete(
      '/api/v1/auth/session',
      withCookie(s, { 'x-csrf-token': s.csrfToken }),
    );
    expect(again.statusCode).toBe(204);
    expect((await client(app).delete('/api/v1/auth/session')).statusCode).toBe(204);
  });

  it("should refuse a deactivated user's cookie and a cookie from before a password change", async () => {
    const admin = await asAdmin(app);
    const writer = await staff(app, 'writer');
    const s = await signIn(writer.user.email, 'staff-password-123');
    expect((await client(app).get('/api/v1/auth/me', withCookie(s))).statusCode).toBe(200);
    expect((await admin.patch(`/api/v1/users/${writer.user.id}`, { active: false })).statusCode).toBe(200);
    expect((await client(app).get('/api/v1/auth/me', withCookie(s))).statusCode).toBe(401);
    expect((await client(app).get('/api/v1/auth/session', withCookie(s))).statusCode).toBe(401);
    // Active again: the old session stays ended (the token version moved on).
    expect((await admin.patch(`/api/v1/users/${writer.user.id}`, { active: true })).statusCode).toBe(200);
    expect((await client(app).get('/api/v1/auth/me', withCookie(s))).statusCode).toBe(401);

    const editor = await staff(app, 'editor');
    const e = await signIn(editor.user.email, 'staff-password-123');
    const set = await admin.post(`/api/v1/users/${editor.user.id}/password`, {
      password: 'a-new-password-456',
    });
    expect(set.statusCode).toBeLessThan(300);
    expect((await client(app).get('/api/v1/auth/me', withCookie(e))).statusCode).toBe(401);
  });

  it('should apply the login limits of /auth/login to the session sign-in (one count per email)', async () => {
    const email = `${uniq('victim')}@dateline.test`;
    const admin = await asAdmin(app);
    await admin.post('/api/v1/users', {
      email,
      name: 'Victim',
      role: 'writer',
      password: 'right-password-1',
    });
    const session = (password: string) =>
      client(app).post('/api/v1/auth/session', { email, password }, { 'x-forwarded-for': '10.9.9.9' });
    expect((await client(app).post('/api/v1/auth/login', { email, password: 'guess' })).statusCode).toBe(401);
    expect((await session('guess')).statusCode).toBe(401);
    // Two free failures across both routes, then the back-off: even the right password waits.
    const limited = await session('right-password-1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.headers['set-cookie']).toBeUndefined();
    expect(
      (await client(app).post('/api/v1/auth/login', { email, password: 'right-password-1' })).statusCode,
    ).toBe(429);
  });

  it('should validate the sign-in body like /auth/login', async () => {
    const res = await client(app).post('/api/v1/auth/session', { email: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await login(app, ADMIN.email, ADMIN.password)).token).toBeDefined();
  });
});
