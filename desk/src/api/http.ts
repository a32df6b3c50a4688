// The one fetch every desk request goes through (the generated client and the few hand-written
// calls alike): the session cookie rides along (same origin), every write carries the CSRF token the
// session handed out, and a 401 outside the sign-in endpoints ends the session in the UI.
import createClient from 'openapi-fetch';
import { HttpError } from './errors';
import type { paths } from './schema';

const SESSION_PATH = '/api/v1/auth/session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Kept in memory only: a reload asks GET /auth/session again. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export const baseUrl = (): string => globalThis.location?.origin ?? 'http://localhost';

export async function deskFetch(request: Request): Promise<Response> {
  const headers = new Headers(request.headers);
  if (!SAFE_METHODS.has(request.method) && csrfToken) headers.set('X-CSRF-Token', csrfToken);
  const sent = new Request(request, { headers, credentials: 'same-origin' });
  // Read through globalThis each time, so the tests' vi.stubGlobal('fetch') is seen.
  const response = await globalThis.fetch(sent);
  if (response.status === 401 && new URL(sent.url).pathname !== SESSION_PATH) onUnauthorized?.();
  return response;
}

/** For endpoints the generated schema does not have yet (see pending.ts). */
export function request(path: string, init: RequestInit = {}): Promise<Response> {
  return deskFetch(new Request(new URL(path, baseUrl()), init));
}

export const api = createClient<paths>({ baseUrl: baseUrl(), fetch: deskFetch });

/** openapi-fetch's `{ data, error, response }` to the data, or an HttpError carrying the error body. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || data === undefined) throw new HttpError(response.status, error ?? null);
  return data;
}
