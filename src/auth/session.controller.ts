import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/api-errors.decorator';
import { Public } from '../common/auth.decorators';
import { DomainError } from '../common/errors';
import { toUserResponse } from '../users/user.response';
import { UsersService } from '../users/users.service';
import { LoginDto } from './auth.dto';
import { SessionResponse } from './auth.response';
import { SESSION_COOKIE, assertCsrf, sessionCookieOf, sessionCookieOptions } from './session-cookie';
import { SessionService } from './session.service';

/**
 * The desk's browser session: a cookie instead of a bearer token. These routes are public to the guard
 * and read the cookie themselves (a bearer token does not make a session).
 */
@ApiTags('auth')
@Controller('api/v1/auth/session')
export class SessionController {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UsersService,
  ) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in to the desk: sets the dateline_session cookie (same login limits as /auth/login)',
  })
  @ApiResponse({ status: 200, type: SessionResponse })
  @ApiErrors(400, 401, 429)
  async start(
    @Body() dto: LoginDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionResponse> {
    const started = await this.sessions.start(dto.email, dto.password, req.ip);
    void reply.setCookie(SESSION_COOKIE, started.cookie, sessionCookieOptions(req, started.maxAgeSeconds));
    return { user: started.user, csrfToken: started.csrfToken };
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'The session of the cookie: the signed-in user and the CSRF token' })
  @ApiResponse({ status: 200, type: SessionResponse })
  @ApiErrors(401)
  async current(@Req() req: FastifyRequest): Promise<SessionResponse> {
    const cookie = sessionCookieOf(req);
    if (!cookie) throw new DomainError('UNAUTHORIZED', 'No session: sign in first');
    const session = await this.sessions.authenticate(cookie);
    return { user: toUserResponse(await this.users.get(session.actor.id)), csrfToken: session.csrfToken };
  }

  @Delete()
  @Public()
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Sign out: the session ends and the cookie is cleared (X-CSRF-Token required with a valid cookie)',
  })
  @ApiResponse({ status: 204 })
  @ApiErrors(403)
  async end(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const cookie = sessionCookieOf(req);
    const sessionId = cookie === undefined ? null : this.sessions.verifiedId(cookie);
    if (sessionId) {
      // A page elsewhere must not sign the user out either.
      assertCsrf(req, this.sessions.csrfTokenOf(sessionId));
      await this.sessions.end(sessionId);
    }
    void reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
  }
}
