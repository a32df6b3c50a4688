import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { MediaController } from './media.controller';
import { MediaJobs } from './media.jobs';
import { MediaRenditions } from './media-renditions';
import { MEDIA_STORE } from './media-store';
import { mediaStoreProvider } from './media-store.provider';
import { MediaOrphanSweep } from './media-sweep';
import { MediaService } from './media.service';

/** The picture library: the media store, uploads, renditions, the orphan sweep and the library routes. */
@Module({
  // MEDIA_USAGE (which stories use a picture) comes from the articles side; the library never reads its tables.
  imports: [ArticlesModule],
  controllers: [MediaController],
  providers: [mediaStoreProvider, MediaService, MediaRenditions, MediaOrphanSweep, MediaJobs],
  exports: [MEDIA_STORE, MediaService],
})
export class MediaModule {}
