import { Controller, Get, Headers, Param, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { ContentAccessGuard } from '../api-keys/content-access.guard';
import { ApiErrors } from '../common/api-errors.decorator';
import { Public } from '../common/auth.decorators';
import { ContentAccessParam } from './content-access.decorator';
import { ContentMediaService } from './content-media.service';

/**
 * Public picture files. The same access guard and rate limit as the rest of the Content API, but not its
 * JSON responder: the answer is the stored bytes (a web Response), immutable by URL.
 */
@ApiTags('content')
@Public()
@UseGuards(ContentAccessGuard)
@Controller('media')
export class ContentMediaController {
  constructor(private readonly media: ContentMediaService) {}

  @Get(':id/:file')
  @ApiOperation({
    summary:
      'A rendition of a picture that a visible story shows (<name>-<hash>.<ext>); 404 for anything else',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'file', example: 'w640-3f1c1d7e8a51.jpg' })
  @ApiHeader({ name: 'X-Api-Key', required: false, description: 'content:embargoed shows embargoed stories' })
  @ApiProduces('image/jpeg', 'image/webp', 'image/avif')
  @ApiResponse({ status: 200, description: 'The file; Cache-Control immutable, ETag the hash' })
  @ApiResponse({ status: 304, description: 'If-None-Match matched' })
  @ApiErrors(401, 403, 404, 429)
  file(
    @ContentAccessParam() access: ContentAccess,
    @Param('id') id: string,
    @Param('file') file: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
  ): Promise<Response> {
    return this.media.file(access, id, file, ifNoneMatch);
  }
}
