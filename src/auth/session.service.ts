import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Raw } from 'typeorm';
import type { Actor } from '../common/auth.decorators';
import { DomainError } from '../common/errors';
import { authConfig, type AuthConfig } from '../config/configuration';
import type { User } from '../users/user.entity';
import { toUserResponse, type UserResponse } from '../users/user.response';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { UserSession } from './user-session.entity';

/** What a valid session cookie stands for. */
export interface SessionAuth {
  actor: Actor;
  sessionId: string;
  csrfToken: string;
}

/** A new session: what the client is told, and the cookie that carries it. */
export interface StartedSession {
  user: UserResponse;
  csrfToken: string;
  cookie: string;
  maxAgeSeconds: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const invalidSession = () => new DomainError('UNAUTHORIZED', 'No valid session: sign in again');

/** Constant-time comparison of two strings (false when their lengths differ). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Browser sessions (the desk). The cookie is `<session id>.<HMAC of the id>` under the JWT secret; the
 * `user_session` row decides whether it still counts. The CSRF token is another HMAC of the same id, so
 * it needs no storage and changes with every session.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /** Sign-in with the login limits of POST /auth/login; the session row is written by the same check. */
  start(email: string, password: string, ip: string): Promise<StartedSession> {
    return this.auth.signIn(email, password, ip, async (user: User) => {
      const ttl = this.config.sessionTtlSeconds;
      const sessions = this.dataSource.getRepository(UserSession);
      const row = await this.dataSource.transaction(async (em) => {
        // Expired sessions of this user go when they sign in again.
        await em.getRepository(UserSession).delete({ userId: user.id, expiresAt: lessThanNow() });
        return em.getRepository(UserSession).save(
          sessions.create({
            userId: user.id,
            tokenVersion: user.tokenVersion,
            expiresAt: new Date(Date.now() + ttl * 1000),
          }),
        );
      });
      return {
        user: toUserResponse(user),
        csrfToken: this.csrfTokenOf(row.id),
        cookie: `${row.id}.${this.sign('session', row.id)}`,
        maxAgeSeconds: ttl,
      };
    });
  }

  /** The staff member a cookie stands for, checked against the database on every request (else 401). */
  async authenticate(cookie: string): Promise<SessionAuth> {
    const sessionId = this.verifiedId(cookie);
    if (!sessionId) throw invalidSession();
    const row = await this.dataSource.getRepository(UserSession).findOneBy({ id: sessionId });
    if (!row || row.expiresAt.getTime() <= Date.now()) throw invalidSession();
    const user = await this.users.get(row.userId).catch((e: unknown) => {
      if (e instanceof DomainError) return null;
      throw e;
    });
    if (!user || !user.active || user.tokenVersion !== row.tokenVersion) throw invalidSession();
    return {
      actor: { id: user.id, email: user.email, name: user.name, role: user.role },
      sessionId,
      csrfToken: this.csrfTokenOf(sessionId),
    };
  }

  /** Sign-out: the session no longer counts, whoever holds its cookie. */
  async end(sessionId: string): Promise<void> {
    await this.dataSource.getRepository(UserSession).delete({ id: sessionId });
  }

  /** The session id of a well-signed cookie (no database check), else null. */
  verifiedId(cookie: string): string | null {
    const dot = cookie.indexOf('.');
    if (dot < 0) return null;
    const id = cookie.slice(0, dot);
    if (!UUID.test(id)) return null;
    return sameSecret(cookie.slice(dot + 1), this.sign('session', id)) ? id : null;
  }

  csrfTokenOf(sessionId: string): string {
    return this.sign('csrf', sessionId);
  }

  private sign(purpose: 'session' | 'csrf', sessionId: string): string {
    return createHmac('sha256', this.config.jwtSecret).update(`${purpose}:${sessionId}`).digest('base64url');
  }
}

function lessThanNow() {
  // TypeORM's LessThan with a raw now(), so the database clock decides.
  return Raw((column) => `${column} <= now()`);
}
