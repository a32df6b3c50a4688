import { UseGuards, UseInterceptors, applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { ContentAccessGuard } from '../api-keys/content-access.guard';
import { ApiErrors } from '../common/api-errors.decorator';
import { Public } from '../common/auth.decorators';
import { PartnerScopeGuard } from '../partners/partner-scope.guard';
import { ContentResponseInterceptor } from './content-response.interceptor';

/**
 * Every Content API controller: public for the staff guard, behind ContentAccessGuard (optional API
 * key, CONTENT_API_PUBLIC, rate limits), then PartnerScopeGuard (a partner's key is narrowed to its
 * subscription); handlers return a ContentBody and ContentResponseInterceptor sends it with its caching
 * headers (and tells a partner's delivery record what it answered).
 */
export const ContentApi = () =>
  applyDecorators(
    ApiTags('content'),
    Public(),
    UseGuards(ContentAccessGuard, PartnerScopeGuard),
    UseInterceptors(ContentResponseInterceptor),
    ApiHeader({
      name: 'X-Api-Key',
      required: false,
      description: 'API key; required when CONTENT_API_PUBLIC=false; content:embargoed shows embargoed items',
    }),
    ApiErrors(401, 403, 429),
  );
