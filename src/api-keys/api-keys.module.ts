import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { ContentAccessGuard } from './content-access.guard';
import { ContentRateLimiter } from './content-rate-limiter.service';

/**
 * API keys (admin CRUD under /api/v1/api-keys) and Content API access: import this module and put
 * `@ContentApi()` on Content API controllers.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey])],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyAuthenticator, ContentRateLimiter, ContentAccessGuard],
  exports: [ApiKeyAuthenticator, ContentRateLimiter, ContentAccessGuard],
})
export class ApiKeysModule {}
