import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { ApiErrors } from '../common/api-errors.decorator';
import { ContentAccessParam } from './content-access.decorator';
import { ContentResponder } from './content-cache';
import { ContentChangesService } from './content-changes.service';
import { ContentChangesQueryDto, ContentChangesResponse } from './content.dto';
import { ContentApi } from './content-route.decorator';

@ContentApi()
@Controller('api/v1/content/changes')
export class ContentChangesController {
  constructor(
    private readonly changes: ContentChangesService,
    private readonly responder: ContentResponder,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Every public change in order, from a cursor',
    description:
      'published, updated, corrected, clarified, unpublished, killed, embargo_lifted. Poll with ' +
      'since=meta.nextCursor; call again at once while meta.hasMore.',
  })
  @ApiResponse({ status: 200, type: ContentChangesResponse })
  @ApiErrors(400)
  async list(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @ContentAccessParam() access: ContentAccess,
    @Query() query: ContentChangesQueryDto,
  ): Promise<void> {
    this.responder.send(req, reply, access, await this.changes.changes(access, query));
  }
}
