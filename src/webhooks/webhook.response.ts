import type { DeliveryResponse, WebhookResponse, WebhookWithSecretResponse } from './webhook.dto';
import type { WebhookDelivery } from './webhook-delivery.entity';
import type { Webhook } from './webhook.entity';

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
