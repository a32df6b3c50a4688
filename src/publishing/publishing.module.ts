import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArchivePublisher } from './archive-publisher';
import { PartnersModule } from '../partners/partners.module';
import { EditReviewService } from './edit-review.service';
import { HistoryService } from './history.service';
import { PreviewService } from './preview.service';
import { PublicationProjector } from './publication.projector';
import { PublishingController } from './publishing.controller';
import { ArticleEvent, ArticleNotice, Publication, PublicationVersion } from './publishing.entities';
import { PublishingJobs, PublishingScheduler } from './publishing.jobs';
import { PublishingService } from './publishing.service';
import { ScheduledJobs } from './scheduled-actions';
import { TransitionEffects } from './transition-effects';
import { TranslationNotices } from './translation-notices';

@Module({
  imports: [
    TypeOrmModule.forFeature([ArticleEvent, ArticleNotice, Publication, PublicationVersion]),
    // A kill, correction or unpublish opens the partners' advisories in its own transaction.
    PartnersModule,
  ],
  controllers: [PublishingController],
  providers: [
    PreviewService,
    PublishingService,
    TransitionEffects,
    TranslationNotices,
    ScheduledJobs,
    PublicationProjector,
    PublishingScheduler,
    PublishingJobs,
    HistoryService,
    EditReviewService,
    ArchivePublisher,
  ],
  exports: [PublishingService, EditReviewService, ArchivePublisher],
})
export class PublishingModule {}
