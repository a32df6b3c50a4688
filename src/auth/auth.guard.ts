import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { type Actor, IS_PUBLIC, MIN_ROLE } from '../common/auth.decorators';
import { DomainError } from '../common/errors';
import { requestMetaOf } from '../common/request-context';
import { hasRole, type Role } from '../common/roles';
import { AuthService } from './auth.service';
import { assertCsrf, sessionCookieOf } from './session-cookie';
import { SessionService } from './session.service';

/**
 * Global guard: every route needs a signed-in staff member unless it is marked @Public(): a bearer token, or
 * the desk's session cookie (with its CSRF token on every request that may change something).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    const header = req.headers.authorization;
    const cookie = header === undefined ? sessionCookieOf(req) : undefined;
    if (cookie !== undefined) {
      // The desk's browser session; a request with an Authorization header is judged by that alone.
      const session = await this.sessions.authenticate(cookie);
      assertCsrf(req, session.csrfToken);
      req.actor = { ...session.actor, request: requestMetaOf(req) };
    } else {
      const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match) throw new DomainError('UNAUTHORIZED', 'Sign in first: send Authorization: Bearer <token>');
      req.actor = { ...(await this.auth.authenticate(match[1])), request: requestMetaOf(req) };
    }
    const minRole = this.reflector.getAllAndOverride<Role | undefined>(MIN_ROLE, targets);
    if (minRole && !hasRole(req.actor.role, minRole)) {
      throw new DomainError('FORBIDDEN', `This needs the ${minRole} role or higher`);
    }
    return true;
  }
}
