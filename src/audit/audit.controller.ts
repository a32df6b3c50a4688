import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { Roles } from '../common/auth.decorators';
import { type Page, mapPage } from '../common/pagination';
import type { AuditEntry } from './audit-entry.entity';
import { AuditPageResponse, type AuditEntryResponse, AuditQueryDto } from './audit.dto';
import { AuditService } from './audit.service';

export function toAuditEntryResponse(e: AuditEntry): AuditEntryResponse {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: e.actorId ? { id: e.actorId, email: e.actorEmail } : null,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    ip: e.ip,
    requestId: e.requestId,
    details: e.details,
  };
}

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
