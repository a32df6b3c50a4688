import { UseGuards, applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { ContentAccessGuard } from '../api-keys/content-access.guard';
import { ApiErrors } from '../common/api-errors.decorator';
import { Public } from '../common/auth.decorators';

/**
 * Every Content API controller: public for the staff guard, behind ContentAccessGuard (optional API
 * key, CONTENT_API_PUBLIC, rate limits).
 */
export const ContentApi = () =>
  applyDecorators(
    ApiTags('content'),
    Public(),
    UseGuards(ContentAccessGuard),
    ApiHeader({
      name: 'X-Api-Key',
      required: false,
      description: 'API key; required when CONTENT_API_PUBLIC=false; content:embargoed shows embargoed items',
    }),
    ApiErrors(401, 403, 429),
  );
