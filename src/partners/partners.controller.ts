import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { type Actor, CurrentUser, Roles } from '../common/auth.decorators';
import { IfMatchVersion, RequiresIfMatch, VersionedResponse } from '../common/if-match';
import { mapPage, type Page, PageQueryDto } from '../common/pagination';
import { CreatePartnerDto, UpdatePartnerDto } from './partner.dto';
import { PartnerPageResponse, PartnerResponse, toPartnerResponse } from './partner.response';
import { PartnersService } from './partners.service';

@ApiTags('partners')
@Roles('admin')
@ApiErrors(401, 403)
@Controller('api/v1/partners')
export class PartnersController {
  constructor(private readonly partners: PartnersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a partner: contacts, subscription, its API keys and webhooks' })
  @VersionedResponse(201, PartnerResponse)
  @ApiErrors(400, 409)
  async create(@CurrentUser() actor: Actor, @Body() dto: CreatePartnerDto): Promise<PartnerResponse> {
    return toPartnerResponse(await this.partners.create(actor, dto));
  }

  @Get()
  @ApiOperation({ summary: 'List partners, oldest first' })
  @ApiResponse({ status: 200, type: PartnerPageResponse })
  @ApiErrors(400)
  async list(@Query() query: PageQueryDto): Promise<Page<PartnerResponse>> {
    return mapPage(await this.partners.list(query), toPartnerResponse);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a partner' })
  @VersionedResponse(200, PartnerResponse)
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<PartnerResponse> {
    return toPartnerResponse(await this.partners.get(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a partner under If-Match',
    description:
      'Fields given replace the stored ones (apiKeyIds and webhookIds replace the linked lists); a subscription ' +
      'given changes only the fields it names. Effective on every instance at once.',
  })
  @RequiresIfMatch()
  @VersionedResponse(200, PartnerResponse)
  @ApiErrors(400, 404, 409, 412, 428)
  async update(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatchVersion() version: number,
    @Body() dto: UpdatePartnerDto,
  ): Promise<PartnerResponse> {
    return toPartnerResponse(await this.partners.update(actor, id, version, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a partner, its delivery record and advisories',
    description: 'Its keys and webhooks stay, no longer filtered. If-Match is optional (checked when sent).',
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'Optional: the version you saw' })
  @ApiResponse({ status: 204 })
  @ApiErrors(400, 404, 412)
  async remove(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @IfMatchVersion({ optional: true }) version: number | undefined,
  ): Promise<void> {
    await this.partners.remove(actor, id, version);
  }
}
