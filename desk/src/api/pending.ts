// Endpoints of the desk contract that the server branch `desk-server` is adding. Until they are in
// openapi.json these calls go through `request()` with the shapes written from the contract; after
// `node scripts/openapi.mjs && npm run gen:api -w desk` they move to the generated `api` client.
import type { components } from './schema';
import { HttpError } from './errors';
import { request } from './http';

type UserResponse = components['schemas']['UserResponse'];
export type SessionUser = Pick<UserResponse, 'id' | 'email' | 'name' | 'role'>;
export type Role = UserResponse['role'];

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

// Positions are digit strings (outbox sequence numbers can pass 2^53); events not about one article
// have no articleId.
export interface NewsroomChange {
  seq: string;
  type: string;
  articleId: string | null;
  version: number | null;
  at: string;
}

export interface ChangesPage {
  data: NewsroomChange[];
  meta: { last: string };
}

async function json<T>(res: Response): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new HttpError(res.status, body);
  return body as T;
}

/** The signed-in session, or null when the cookie is missing or no longer valid (401). */
export async function getSession(): Promise<Session | null> {
  const res = await request('/api/v1/auth/session');
  if (res.status === 401) return null;
  return json<Session>(res);
}

export async function createSession(email: string, password: string): Promise<Session> {
  const res = await request('/api/v1/auth/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return json<Session>(res);
}

export async function deleteSession(): Promise<void> {
  const res = await request('/api/v1/auth/session', { method: 'DELETE' });
  if (!res.ok && res.status !== 401) throw new HttpError(res.status, await res.json().catch(() => null));
}

/** Newsroom events after `after` (or only the current position); null while the server lacks the endpoint. */
export async function getChanges(after: string | null, limit = 100): Promise<ChangesPage | null> {
  const query = after === null ? '' : `?after=${encodeURIComponent(after)}&limit=${limit}`;
  const res = await request(`/api/v1/newsroom/changes${query}`);
  if (res.status === 404) return null;
  return json<ChangesPage>(res);
}
