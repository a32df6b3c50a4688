import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { ApiErrors } from '../common/api-errors.decorator';
import { ContentAccessParam } from './content-access.decorator';
import type { ContentBody } from './content-cache';
import { ContentChangesService } from './content-changes.service';
import { ContentChangesQueryDto, ContentChangesResponse } from './content.dto';
import { ContentApi } from './content-route.decorator';

@ContentApi()
@Controller('api/v1/content/changes')
export class ContentChangesController {
  constructor(private readonly changes: ContentChangesService) {}

  @Get()
  @ApiOperation({
    summary: 'Every public change in order, from a cursor',
    description:
      'published, updated, corrected, clarified, unpublished, killed, embargo_lifted. Poll with ' +
      'since=meta.nextCursor; call again at once while meta.hasMore.',
  })
  @ApiResponse({ status: 200, type: ContentChangesResponse })
  @ApiErrors(400)
  list(
    @ContentAccessParam() access: ContentAccess,
    @Query() query: ContentChangesQueryDto,
  ): Promise<ContentBody> {
    return this.changes.changes(access, query);
  }
}
