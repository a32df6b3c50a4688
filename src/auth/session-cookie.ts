import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../common/errors';
import { sameSecret } from './session.service';

/** The desk's session cookie. */
export const SESSION_COOKIE = 'dateline_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * httpOnly, SameSite=Strict, Path=/; Secure when the request came over https. `request.protocol` believes
 * X-Forwarded-Proto only from the proxies TRUST_PROXY names, as the client IP does.
 */
export function sessionCookieOptions(req: FastifyRequest, maxAgeSeconds?: number): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: req.protocol === 'https',
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}

export function sessionCookieOf(req: FastifyRequest): string | undefined {
  const value = req.cookies?.[SESSION_COOKIE];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * With cookie authentication, a request that may change something must repeat the session's CSRF token in
 * X-CSRF-Token (a page on another site can make the browser send the cookie, not read the token): 403.
 */
export function assertCsrf(req: FastifyRequest, csrfToken: string): void {
  if (SAFE_METHODS.has(req.method)) return;
  const given = req.headers[CSRF_HEADER];
  if (typeof given !== 'string' || !sameSecret(given, csrfToken)) {
    throw new DomainError('FORBIDDEN', 'Send the session’s CSRF token in X-CSRF-Token with this request');
  }
}
