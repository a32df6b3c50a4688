import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IfMatchVersion, RequiresIfMatch, VersionedResponse } from '../common/if-match';
import { ArticleWithActionsResponse, withAllowedActions } from '../articles/article.response';
import { ApiErrors } from '../common/api-errors.decorator';
import { type Actor, CurrentUser, Roles } from '../common/auth.decorators';
import { ArticleEventResponse } from './article-event.response';
import { HistoryService } from './history.service';
import { PreviewService } from './preview.service';
import { PreviewResponse } from './preview.response';
import { PublishingService } from './publishing.service';
import { TransitionDto } from './transition.dto';

@ApiTags('workflow')
@Roles('writer')
@ApiErrors(401)
@Controller('api/v1/articles/:id')
export class PublishingController {
  constructor(
    private readonly publishing: PublishingService,
    private readonly history: HistoryService,
    private readonly previews: PreviewService,
  ) {}

  @Get('preview')
  @ApiOperation({
    summary: 'The public document as it would be published now, rendered from the working copy',
    description:
      'The same renderer as publication (the shape GET /api/v1/content/articles/:slug serves); nothing is written.',
  })
  @ApiResponse({ status: 200, type: PreviewResponse })
  @ApiErrors(400, 404)
  preview(@CurrentUser() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<PreviewResponse> {
    return this.previews.preview(actor, id);
  }

  @Post('transitions')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Move the article through the workflow (submit, return, approve, schedule, publish, unpublish, kill…)',
    description:
      'One transaction: the article, its history, the public read model and the outbox event change together. ' +
      'A 409 names the actions allowed from the current state.',
  })
  @RequiresIfMatch()
  @VersionedResponse(200, ArticleWithActionsResponse)
  @ApiErrors(400, 403, 404, 409, 412, 428)
  async transition(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: TransitionDto,
  ): Promise<ArticleWithActionsResponse> {
    return withAllowedActions(actor, await this.publishing.transition(actor, id, version, dto));
  }

  @Get('history')
  @ApiOperation({ summary: 'Every workflow action on the article, oldest first' })
  @ApiResponse({ status: 200, type: [ArticleEventResponse] })
  @ApiErrors(400, 404)
  listHistory(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ArticleEventResponse[]> {
    return this.history.list(actor, id);
  }
}
