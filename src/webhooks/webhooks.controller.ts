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
import { CreateWebhookDto, ListDeliveriesQueryDto, UpdateWebhookDto } from './webhook.dto';
import {
  DeliveryPageResponse,
  DeliveryResponse,
  toDeliveryResponse,
  toWebhookResponse,
  toWebhookWithSecretResponse,
  WebhookPageResponse,
  WebhookResponse,
  WebhookWithSecretResponse,
} from './webhook.response';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@Roles('admin')
@ApiErrors(401, 403)
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe a URL to events; the signing secret is in this response only' })
  @ApiResponse({ status: 201, type: WebhookWithSecretResponse })
  @ApiErrors(400)
  async create(
    @CurrentUser() actor: Actor,
    @Body() dto: CreateWebhookDto,
  ): Promise<WebhookWithSecretResponse> {
    const { webhook, secret } = await this.webhooks.create(actor, dto);
    return toWebhookWithSecretResponse(webhook, secret);
  }

  @Get()
  @ApiOperation({ summary: 'List webhooks, oldest first' })
  @ApiResponse({ status: 200, type: WebhookPageResponse })
  @ApiErrors(400)
  async list(@Query() query: PageQueryDto): Promise<Page<WebhookResponse>> {
    return mapPage(await this.webhooks.list(query), toWebhookResponse);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a webhook' })
  @ApiResponse({ status: 200, type: WebhookResponse })
  @ApiErrors(400, 404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookResponse> {
    return toWebhookResponse(await this.webhooks.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change url, events, description or active (true resumes a disabled webhook)' })
  @ApiResponse({ status: 200, type: WebhookResponse })
  @ApiErrors(400, 404)
  async update(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateWebhookDto,
  ): Promise<WebhookResponse> {
    return toWebhookResponse(await this.webhooks.update(actor, id, dto));
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop deliveries to a webhook (idempotent); PATCH active: true resumes them' })
  @ApiResponse({ status: 200, type: WebhookResponse })
  @ApiErrors(400, 404)
  async disable(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<WebhookResponse> {
    return toWebhookResponse(await this.webhooks.disable(actor, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook and its delivery log' })
  @ApiResponse({ status: 204 })
  @ApiErrors(400, 404)
  async remove(@CurrentUser() actor: Actor, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.webhooks.remove(actor, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the signing secret; the new one is in this response only' })
  @ApiResponse({ status: 200, type: WebhookWithSecretResponse })
  @ApiErrors(400, 404)
  async rotateSecret(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<WebhookWithSecretResponse> {
    const { webhook, secret } = await this.webhooks.rotateSecret(actor, id);
    return toWebhookWithSecretResponse(webhook, secret);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log of a webhook, newest first; filter by status' })
  @ApiResponse({ status: 200, type: DeliveryPageResponse })
  @ApiErrors(400, 404)
  async deliveries(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<Page<DeliveryResponse>> {
    return mapPage(await this.webhooks.listDeliveries(id, query), toDeliveryResponse);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a delivery again: same delivery id and body, attempts start over' })
  @ApiResponse({ status: 202, type: DeliveryResponse })
  @ApiErrors(400, 404, 409)
  async redeliver(
    @CurrentUser() actor: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
  ): Promise<DeliveryResponse> {
    return toDeliveryResponse(await this.webhooks.redeliver(actor, id, deliveryId));
  }
}
