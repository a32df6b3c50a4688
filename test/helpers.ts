import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, Response as InjectResponse } from 'light-my-request';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.setup';
import type { Role } from '../src/common/roles';

export const ADMIN = { email: 'admin@dateline.test', password: 'admin-password-123' };

/** The whole app on the run's throw-away database, through the same configureApp() as main.ts. */
export async function bootApp(): Promise<NestFastifyApplication> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('test/global-setup.ts did not set DATABASE_URL');
  return createApp(url);
}

export interface Client {
  token?: string;
  req(opts: InjectOptions): Promise<InjectResponse>;
  get(url: string, headers?: Record<string, string>): Promise<InjectResponse>;
  post(url: string, payload?: unknown, headers?: Record<string, string>): Promise<InjectResponse>;
  patch(url: string, payload?: unknown, headers?: Record<string, string>): Promise<InjectResponse>;
  put(url: string, payload?: unknown, headers?: Record<string, string>): Promise<InjectResponse>;
  delete(url: string, headers?: Record<string, string>): Promise<InjectResponse>;
}

/** An HTTP client for the app, optionally signed in with a bearer token. */
export function client(app: NestFastifyApplication, token?: string): Client {
  const req = (opts: InjectOptions) =>
    app.inject({
      ...opts,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.headers ?? {}) },
    });
  const withBody =
    (method: 'POST' | 'PATCH' | 'PUT') =>
    (url: string, payload?: unknown, headers?: Record<string, string>) =>
      req({ method, url, payload: payload as InjectOptions['payload'], headers });
  return {
    token,
    req,
    get: (url, headers) => req({ method: 'GET', url, headers }),
    post: withBody('POST'),
    patch: withBody('PATCH'),
    put: withBody('PUT'),
    delete: (url, headers) => req({ method: 'DELETE', url, headers }),
  };
}

export async function login(app: NestFastifyApplication, email: string, password: string): Promise<Client> {
  const res = await client(app).post('/api/v1/auth/login', { email, password });
  if (res.statusCode !== 200) throw new Error(`login ${email} failed: ${res.statusCode} ${res.body}`);
  return client(app, res.json<{ accessToken: string }>().accessToken);
}

export const asAdmin = (app: NestFastifyApplication) => login(app, ADMIN.email, ADMIN.password);

let seq = 0;
/** A unique suffix so tests sharing one database never collide. */
export const uniq = (prefix = 'x') => `${prefix}${Date.now().toString(36)}${(seq++).toString(36)}`;

/** Creates a staff member with the role and returns a signed-in client for them. */
export async function staff(
  app: NestFastifyApplication,
  role: Role,
): Promise<Client & { user: { id: string; email: string } }> {
  const admin = await asAdmin(app);
  const email = `${uniq(role)}@dateline.test`;
  const password = 'staff-password-123';
  const res = await admin.post('/api/v1/users', { email, name: `Test ${role}`, role, password });
  if (res.statusCode !== 201) throw new Error(`create ${role} failed: ${res.statusCode} ${res.body}`);
  const c = await login(app, email, password);
  return Object.assign(c, { user: { id: res.json<{ id: string }>().id, email } });
}

/** Row counts of every application table: compare before and after a rejected request. */
export async function tableCounts(app: NestFastifyApplication): Promise<Record<string, number>> {
  const ds = app.get(DataSource);
  const tables = await ds.query<{ tablename: string }[]>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { tablename } of tables) {
    const [{ n }] = await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${tablename}"`);
    counts[tablename] = n;
  }
  return counts;
}

/** Polls until `fn` returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  ms = 15000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
