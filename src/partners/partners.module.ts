import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AdvisoriesController } from './advisories.controller';
import { AdvisoriesService } from './advisories.service';
import { AdvisoryResends } from './advisory-resends';
import { Partner, PartnerAdvisory, PartnerApiKey, PartnerDelivery, PartnerWebhook } from './partner.entity';
import { PartnerContentController } from './partner-content.controller';
import { PartnerPushes } from './partner-pushes.service';
import { PartnerKeyGuard, PartnerScopeGuard } from './partner-scope.guard';
import { PartnerScopes } from './partner-scopes.service';
import { PartnersController } from './partners.controller';
import { PartnersService } from './partners.service';
import { PullRecorder } from './pull-recorder.service';
import { RecipientsController } from './recipients.controller';
import { RecipientsService } from './recipients.service';

/**
 * Partners: their subscriptions (what their keys and webhooks get), the record of what reached each of them,
 * and the advisories they must acknowledge. Owns partner, partner_api_key, partner_webhook, partner_delivery
 * and partner_advisory. Publishing opens advisories (AdvisoriesService.openIn) in the transaction of a kill,
 * correction or unpublish; webhooks filter deliveries with partner-webhook-sql.ts and report successful ones
 * (PartnerPushes); the Content API narrows reads (PartnerScopeGuard, partner-scope.ts) and reports what it
 * answered (PullRecorder).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Partner, PartnerApiKey, PartnerWebhook, PartnerDelivery, PartnerAdvisory]),
    // The Content API's access guard, for the partners' own Content API routes.
    ApiKeysModule,
  ],
  controllers: [PartnersController, AdvisoriesController, RecipientsController, PartnerContentController],
  providers: [
    PartnersService,
    PartnerScopes,
    PartnerScopeGuard,
    PartnerKeyGuard,
    PullRecorder,
    PartnerPushes,
    AdvisoriesService,
    AdvisoryResends,
    RecipientsService,
  ],
  exports: [PartnerScopes, PartnerScopeGuard, PullRecorder, PartnerPushes, AdvisoriesService],
})
export class PartnersModule {}
