import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { authConfig, type AuthConfig } from '../config/configuration';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';

@Global()
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (config: AuthConfig) => ({
        secret: config.jwtSecret,
        signOptions: { expiresIn: config.jwtExpiresIn, algorithm: 'HS256' },
      }),
    }),
    // Login attempts, counted per client IP and per email address.
    ThrottlerModule.forRootAsync({
      inject: [authConfig.KEY],
      useFactory: (config: AuthConfig) => ({
        errorMessage: 'Too many sign-in attempts; wait and retry',
        throttlers: [
          {
            name: 'login-ip',
            ttl: config.loginRateLimit.windowSeconds * 1000,
            limit: config.loginRateLimit.perIp,
            getTracker: (req: Record<string, unknown>) => (req as unknown as FastifyRequest).ip,
          },
          {
            name: 'login-email',
            ttl: config.loginRateLimit.windowSeconds * 1000,
            limit: config.loginRateLimit.perEmail,
            getTracker: (req: Record<string, unknown>) => {
              const email = ((req as unknown as FastifyRequest).body as { email?: unknown } | undefined)
                ?.email;
              return typeof email === 'string' ? email.trim().toLowerCase() : '';
            },
          },
        ],
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService],
  exports: [AuthService],
})
export class AuthModule {}
