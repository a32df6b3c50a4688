import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { Roles } from '../common/auth.decorators';
import type { Page } from '../common/pagination';
import { AdvisoriesService } from './advisories.service';
import { AdvisoryPageResponse, type AdvisoryResponse } from './advisory.response';
import { StaffAdvisoryQueryDto } from './partner.dto';
import { RecipientsService } from './recipients.service';

@ApiTags('partners')
@Roles('editor')
@ApiErrors(401, 403)
@Controller('api/v1/advisories')
export class AdvisoriesController {
  constructor(
    private readonly advisories: AdvisoriesService,
    private readonly recipients: RecipientsService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Advisories to partners, newest first',
    description:
      'A kill, correction or unpublish of a story opens one per partner that received it; status=open lists ' +
      'those not acknowledged yet, with their age. Filter by articleId and partnerId.',
  })
  @ApiResponse({ status: 200, type: AdvisoryPageResponse })
  @ApiErrors(400)
  async list(@Query() query: StaffAdvisoryQueryDto): Promise<Page<AdvisoryResponse>> {
    return this.recipients.advisoryPage(await this.advisories.listAll(query));
  }
}
