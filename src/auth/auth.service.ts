import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../common/errors';
import type { Actor } from '../common/auth.decorators';
import { authConfig, type AuthConfig } from '../config/configuration';
import { hashPassword, verifyPassword } from '../users/password';
import type { User } from '../users/user.entity';
import { toUserResponse } from '../users/user.response';
import { UsersService } from '../users/users.service';
import type { LoginResponse } from './auth.response';
import { LoginLimiter } from './login-limiter.service';

interface TokenPayload {
  sub: string;
  tv: number;
}

// A real hash of a random password, so an unknown email costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;
const getDummyHash = () => (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));

const invalidCredentials = () => new DomainError('UNAUTHORIZED', 'Invalid email or password');
const invalidToken = () => new DomainError('UNAUTHORIZED', 'Invalid or expired token');

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly limiter: LoginLimiter,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /** `ip`: the client address as the proxy settings resolve it (failures are limited per address). */
  login(email: string, password: string, ip: string): Promise<LoginResponse> {
    return this.signIn(email, password, ip, async (user) => {
      const payload: TokenPayload = { sub: user.id, tv: user.tokenVersion };
      const accessToken = await this.jwt.signAsync(payload);
      return { accessToken, expiresIn: this.config.jwtExpiresIn, user: toUserResponse(user) };
    });
  }

  /**
   * The one sign-in check, under the login limits: the password of an active user, then `issue` (a token,
   * a browser session) for them. A failure of `issue` that is not a wrong password gives the attempt back.
   */
  signIn<T>(email: string, password: string, ip: string, issue: (user: User) => Promise<T>): Promise<T> {
    return this.limiter.attempt(email, ip, async () => {
      const user = await this.users.findByEmail(email);
      const ok = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), password);
      if (!user || !ok || !user.active) throw invalidCredentials();
      await this.users.recordLogin(user.id);
      return issue(user);
    });
  }

  /** The staff member a bearer token stands for, checked against the database on every request. */
  async authenticate(token: string): Promise<Actor> {
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token, { algorithms: ['HS256'] });
    } catch {
      throw invalidToken();
    }
    if (typeof payload.sub !== 'string' || typeof payload.tv !== 'number') throw invalidToken();
    const user = await this.users.get(payload.sub).catch((e: unknown) => {
      // No such user is a bad token; a database that does not answer is a 503 (exception filter), not a 401.
      if (e instanceof DomainError || isInvalidText(e)) return null;
      throw e;
    });
    if (!user || !user.active || user.tokenVersion !== payload.tv) throw invalidToken();
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }
}

/** A subject that is not a uuid (invalid_text_representation). */
function isInvalidText(e: unknown): boolean {
  return e instanceof QueryFailedError && (e.driverError as { code?: string } | undefined)?.code === '22P02';
}
