import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { Roles } from '../common/auth.decorators';
import { RecipientsResponse } from './recipients.response';
import { RecipientsService } from './recipients.service';

@ApiTags('partners')
@Roles('editor')
@ApiErrors(401, 403)
@Controller('api/v1/articles')
export class RecipientsController {
  constructor(private readonly recipients: RecipientsService) {}

  @Get(':id/recipients')
  @ApiOperation({
    summary: 'Which partners have this story, in which version, how and when',
    description:
      'Every version that reached each partner: pushed (its webhook answered 2xx) or pulled (first fetched with ' +
      'its key), with the partner’s open advisories about the story.',
  })
  @ApiResponse({ status: 200, type: RecipientsResponse })
  @ApiErrors(400, 404)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<RecipientsResponse> {
    return this.recipients.recipients(id);
  }
}
