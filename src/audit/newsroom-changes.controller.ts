import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { Roles } from '../common/auth.decorators';
import { NewsroomChangesQueryDto } from './newsroom-changes.dto';
import { NewsroomChangesResponse } from './newsroom-changes.response';
import { NewsroomChangesService } from './newsroom-changes.service';

@ApiTags('newsroom')
@Roles('writer')
@ApiErrors(401, 403)
@Controller('api/v1/newsroom')
export class NewsroomChangesController {
  constructor(private readonly changes: NewsroomChangesService) {}

  @Get('changes')
  @ApiOperation({
    summary:
      'Every change to stories, tags, authors and pictures after a position, oldest first (edits and every ' +
      'workflow action included), for the desk to poll',
    description:
      'Read from the audit log. Without after: no changes, only the current position in meta.last. Pass ' +
      'meta.last back as after. A position is held back while an earlier change may still be committing, so ' +
      'no change is skipped.',
  })
  @ApiResponse({ status: 200, type: NewsroomChangesResponse })
  @ApiErrors(400)
  list(@Query() query: NewsroomChangesQueryDto): Promise<NewsroomChangesResponse> {
    return this.changes.changes(query.after, query.limit ?? 100);
  }
}
