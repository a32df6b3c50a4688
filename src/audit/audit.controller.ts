import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { Roles } from '../common/auth.decorators';
import { type Page, mapPage } from '../common/pagination';
import { AuditQueryDto } from './audit.dto';
import { AuditPageResponse, type AuditEntryResponse, toAuditEntryResponse } from './audit.response';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Roles('admin')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary:
      'Who did what to which user, author, tag, article, API key or webhook, from where (newest first)',
  })
  @ApiResponse({ status: 200, type: AuditPageResponse })
  @ApiErrors(400, 401, 403)
  async list(@Query() query: AuditQueryDto): Promise<Page<AuditEntryResponse>> {
    return mapPage(await this.audit.list(query), toAuditEntryResponse);
  }
}
