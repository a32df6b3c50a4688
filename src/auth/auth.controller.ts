import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiErrors } from '../common/api-errors.decorator';
import { type Actor, CurrentUser, Public } from '../common/auth.decorators';
import { toUserResponse, UserResponse } from '../users/user.response';
import { UsersService } from '../users/users.service';
import { LoginDto } from './auth.dto';
import { LoginResponse } from './auth.response';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in; failures are limited per client IP and slowed down (growing wait) per email',
  })
  @ApiResponse({ status: 200, type: LoginResponse })
  @ApiErrors(400, 401, 429)
  login(@Body() dto: LoginDto, @Req() req: FastifyRequest): Promise<LoginResponse> {
    return this.auth.login(dto.email, dto.password, req.ip);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in staff member' })
  @ApiResponse({ status: 200, type: UserResponse })
  @ApiErrors(401)
  async me(@CurrentUser() actor: Actor): Promise<UserResponse> {
    return toUserResponse(await this.users.get(actor.id));
  }
}
