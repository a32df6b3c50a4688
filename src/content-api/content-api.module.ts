import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { ReplicasModule } from '../database/replicas.module';
import { MediaModule } from '../media/media.module';
import { PartnersModule } from '../partners/partners.module';
import { ContentArticlesController } from './content-articles.controller';
import { ContentArticlesService } from './content-articles.service';
import { ContentResponder } from './content-cache';
import { ContentResponseInterceptor } from './content-response.interceptor';
import { ContentChangesController } from './content-changes.controller';
import { ContentChangesService } from './content-changes.service';
import { ContentDb } from './content-db';
import { ContentFeedsController } from './content-feeds.controller';
import { ContentFeedsService } from './content-feeds.service';
import { ContentLookup } from './content-lookup.service';
import { ContentMediaController } from './content-media.controller';
import { ContentMediaService } from './content-media.service';
import { ContentReadCache } from './content-read-cache.service';
import { ContentTaxonomyController } from './content-taxonomy.controller';
import { ContentTaxonomyService } from './content-taxonomy.service';
import { DEFAULT_SEARCH_BOUNDS, SEARCH_BOUNDS } from './search-bounds';

/** The public read side: reads `publication`, `publication_version` and `event` only (tag/author slugs for filters). */
@Module({
  imports: [ApiKeysModule, MediaModule, PartnersModule, ReplicasModule],
  controllers: [
    ContentArticlesController,
    ContentTaxonomyController,
    ContentChangesController,
    ContentFeedsController,
    ContentMediaController,
  ],
  providers: [
    ContentDb,
    ContentLookup,
    ContentReadCache,
    ContentResponder,
    // Also resolved by the direct routes (content-direct-routes.ts).
    ContentResponseInterceptor,
    ContentArticlesService,
    ContentTaxonomyService,
    ContentChangesService,
    ContentFeedsService,
    ContentMediaService,
    { provide: SEARCH_BOUNDS, useValue: DEFAULT_SEARCH_BOUNDS },
  ],
})
export class ContentApiModule {}
