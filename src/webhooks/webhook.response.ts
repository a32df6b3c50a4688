import { ApiProperty } from '@nestjs/swagger';
import { DELIVERY_STATUSES, type DeliveryStatus, type WebhookDelivery } from './webhook-delivery.entity';
import { SUBSCRIBABLE } from './webhook.dto';
import type { Webhook } from './webhook.entity';

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String], enum: SUBSCRIBABLE }) events: string[];
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) secretRotatedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class WebhookWithSecretResponse extends WebhookResponse {
  @ApiProperty({
    example: 'whsec_3q2+7w…',
    description: 'The signing secret. Shown only in this response: store it now.',
  })
  secret: string;
}

export class WebhookPageResponse {
  @ApiProperty({ type: [WebhookResponse] }) data: WebhookResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}

export class DeliveryResponse {
  @ApiProperty({ format: 'uuid', description: 'Sent as Dateline-Delivery on every attempt' }) id: string;
  @ApiProperty({ format: 'uuid' }) webhookId: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ example: '1042', description: 'The outbox order of the event (a decimal string)' })
  eventSeq: string;
  @ApiProperty({ example: 'article.published' }) eventType: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) articleId: string | null;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty({ description: 'HTTP attempts since creation or the last redelivery' }) attempts: number;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextAttemptAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class DeliveryPageResponse {
  @ApiProperty({ type: [DeliveryResponse] }) data: DeliveryResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}

export function toWebhookResponse(w: Webhook): WebhookResponse {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    description: w.description,
    active: w.active,
    secretRotatedAt: w.secretRotatedAt?.toISOString() ?? null,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

/** Only for the create and rotate-secret responses: the one time the secret is shown. */
export function toWebhookWithSecretResponse(w: Webhook, secret: string): WebhookWithSecretResponse {
  return { ...toWebhookResponse(w), secret };
}

export function toDeliveryResponse(d: WebhookDelivery): DeliveryResponse {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    eventSeq: d.eventSeq,
    eventType: d.eventType,
    articleId: d.articleId,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
