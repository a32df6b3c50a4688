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
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { type Actor, CurrentUser, Roles } from '../common/auth.decorators';
import { mapPage, type Page, PageQueryDto } from '../common/pagination';
import { CreateApiKeyDto, UpdateApiKeyDto } from './api-key.dto';
import {
  ApiKeyPageResponse,
  ApiKeyResponse,
  CreatedApiKeyResponse,
  toApiKeyResponse,
  toCreatedApiKeyResponse,
} from './api-key.response';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@Roles('admin')
@ApiErrors(401, 403)
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create a Content API key; the key is in this response only' })
  @ApiResponse({ status: 201, type: CreatedApiKeyResponse })
  @ApiErrors(400)
  async create(@CurrentUser() actor: Actor, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyResponse> {
    const { apiKey, key } = await this.apiKeys.create(actor, dto);
    return toCreatedApiKeyResponse(apiKey, key);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys, oldest first (never their secrets)' })
  @ApiResponse({ status: 200, type: ApiKeyPageResponse })
  @ApiErrors(400)
  async list(@Query() query: PageQueryDto): Promise<Page<ApiKeyResponse>> {
    return mapPage(await this.apiKeys.list(query), toApiKeyResponse);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an API key' })
  @ApiResponse({ status: 200, type: ApiKeyResponse })
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<ApiKeyResponse> {
    return toApiKeyResponse(await this.apiKeys.get(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change name, scopes or expiry (null: never); effective on every instance at once',
  })
  @ApiResponse({ status: 200, type: ApiKeyResponse })
  @ApiErrors(400, 404)
  async update(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateApiKeyDto,
  ): Promise<ApiKeyResponse> {
    return toApiKeyResponse(await this.apiKeys.update(actor, id, dto));
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key (idempotent); it stops working on every instance at once' })
  @ApiResponse({ status: 200, type: ApiKeyResponse })
  @ApiErrors(400, 404)
  async revoke(@CurrentUser() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<ApiKeyResponse> {
    return toApiKeyResponse(await this.apiKeys.revoke(actor, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an API key' })
  @ApiResponse({ status: 204 })
  @ApiErrors(400, 404)
  async remove(@CurrentUser() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.apiKeys.remove(actor, id);
  }
}
