import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MEDIA_USAGE } from '../media/media-usage';
import { PublishingModule } from '../publishing/publishing.module';
import { ArticleMediaUsage } from './article-media-usage';
import { ArticleEditor } from './article-editor';
import { Article, ArticleAuthor, ArticleMediaUse, ArticleTag } from './article.entity';
import { ArticleListsService } from './article-lists.service';
import { ArticleRevision } from './article-revision.entity';
import { ArticleRevisionsService } from './article-revisions.service';
import { ArticleTagMerge } from './article-tag-merge.service';
import { ArticleTranslationsService } from './article-translations.service';
import { TranslationBase } from './article-translation-base';
import { ArticlesController } from './articles.controller';
import { ArticlesService } from './articles.service';

/**
 * Owns article, article_author, article_tag, article_media and article_revision. Other modules change articles only
 * through what is exported here: the working copy (ArticlesService) and the tag-merge event.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Article, ArticleAuthor, ArticleTag, ArticleMediaUse, ArticleRevision]),
    // Edits go through the workflow's rule for approved, scheduled and embargoed articles.
    PublishingModule,
  ],
  controllers: [ArticlesController],
  providers: [
    ArticleEditor,
    ArticlesService,
    ArticleListsService,
    ArticleRevisionsService,
    ArticleTranslationsService,
    TranslationBase,
    ArticleTagMerge,
    // Which stories use a picture, for the media library (declared there).
    { provide: MEDIA_USAGE, useClass: ArticleMediaUsage },
  ],
  exports: [
    MEDIA_USAGE,
    ArticlesService,
    ArticleListsService,
    ArticleRevisionsService,
    ArticleTranslationsService,
    ArticleTagMerge,
  ],
})
export class ArticlesModule {}
