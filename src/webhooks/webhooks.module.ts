import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PartnersModule } from '../partners/partners.module';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookSender } from './webhook-sender';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { Webhook } from './webhook.entity';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Subscriptions, and signed, retried, logged deliveries of the outbox events. A partner's webhook gets what
 * its partner's subscription covers; its successful deliveries go to the partner's delivery record.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Webhook, WebhookDelivery]), PartnersModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookDispatcher, WebhookDeliveryWorker, WebhookSender],
  exports: [WebhooksService],
})
export class WebhooksModule {}
