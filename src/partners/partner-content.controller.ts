import {
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  UseGuards,
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type ContentAccess, ContentAccessGuard } from '../api-keys/content-access.guard';
import { ApiErrors } from '../common/api-errors.decorator';
import { Public } from '../common/auth.decorators';
import { mapPage, type Page } from '../common/pagination';
import { requestMetaOf } from '../common/request-context';
import { AdvisoriesService } from './advisories.service';
import {
  PartnerAdvisoryPageResponse,
  PartnerAdvisoryResponse,
  toPartnerAdvisoryResponse,
} from './advisory.response';
import { AdvisoryQueryDto } from './partner.dto';
import type { PartnerScope } from './partner-scope';
import { PartnerKeyGuard, PartnerScopeGuard } from './partner-scope.guard';

/** The partner whose key called (PartnerKeyGuard made sure there is one). */
const PartnerAccess = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ContentAccess & { keyId: string; partner: PartnerScope } =>
    ctx.switchToHttp().getRequest<FastifyRequest>().contentAccess as ContentAccess & {
      keyId: string;
      partner: PartnerScope;
    },
);

/** Partner-only Content API routes: public for the staff guard, a partner's API key required. */
const PartnerApi = () =>
  applyDecorators(
    ApiTags('content'),
    Public(),
    UseGuards(ContentAccessGuard, PartnerScopeGuard, PartnerKeyGuard),
    ApiHeader({ name: 'X-Api-Key', required: true, description: 'An API key of the partner' }),
    ApiErrors(401, 403, 429),
  );

@PartnerApi()
@Controller('api/v1/content/advisories')
export class PartnerContentController {
  constructor(private readonly advisories: AdvisoriesService) {}

  @Get()
  @Header('cache-control', 'private, no-store')
  @ApiOperation({
    summary: "The calling partner's advisories, newest first",
    description:
      'A kill, correction or unpublish of a story the partner received. Acknowledge each once applied; ' +
      'status=open lists those not acknowledged yet.',
  })
  @ApiResponse({ status: 200, type: PartnerAdvisoryPageResponse })
  @ApiErrors(400)
  async list(
    @PartnerAccess() access: { partner: PartnerScope },
    @Query() query: AdvisoryQueryDto,
  ): Promise<Page<PartnerAdvisoryResponse>> {
    return mapPage(await this.advisories.listOwn(access.partner.partnerId, query), toPartnerAdvisoryResponse);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Header('cache-control', 'private, no-store')
  @ApiOperation({
    summary: 'Acknowledge an advisory: the change is applied on your side',
    description: 'Idempotent: acknowledging again answers the advisory as it is. 404 for another partner’s.',
  })
  @ApiResponse({ status: 200, type: PartnerAdvisoryResponse })
  @ApiErrors(400, 404)
  async ack(
    @Req() req: FastifyRequest,
    @PartnerAccess() access: { keyId: string; partner: PartnerScope },
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<PartnerAdvisoryResponse> {
    const advisory = await this.advisories.acknowledge(access.partner.partnerId, id, {
      method: 'api',
      apiKeyId: access.keyId,
      request: requestMetaOf(req),
    });
    return toPartnerAdvisoryResponse(advisory);
  }
}
