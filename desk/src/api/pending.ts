// The session calls of the desk contract, through `request()`: a 401 from GET is an answer here (no
// session), not an error. Other endpoints go through the generated `api` client.
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
