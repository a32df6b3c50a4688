import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EditReviewService } from './edit-review.service';
import { HistoryService } from './history.service';
import { PublishingController } from './publishing.controller';
import { ArticleEvent, ArticleNotice, Publication, PublicationVersion } from './publishing.entities';
import { PublishingJobs } from './publishing.jobs';
import { PublishingService } from './publishing.service';

@Module({
  imports: [TypeOrmModule.forFeature([ArticleEvent, ArticleNotice, Publication, PublicationVersion])],
  controllers: [PublishingController],
  providers: [PublishingService, PublishingJobs, HistoryService, EditReviewService],
  exports: [PublishingService, EditReviewService],
})
export class PublishingModule {}
