import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PublishingModule } from '../publishing/publishing.module';
import { ArticleEditor } from './article-editor';
import { Article, ArticleAuthor, ArticleTag } from './article.entity';
import { ArticleListsService } from './article-lists.service';
import { ArticleRevision } from './article-revision.entity';
import { ArticleRevisionsService } from './article-revisions.service';
import { ArticleTagMerge } from './article-tag-merge.service';
import { ArticleTranslationsService } from './article-translations.service';
import { ArticlesController } from './articles.controller';
import { ArticlesService } from './articles.service';

/**
 * Owns article, article_author, article_tag and article_revision. Other modules change articles only
 * through what is exported here: the working copy (ArticlesService) and the tag-merge event.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([Article, ArticleAuthor, ArticleTag, ArticleRevision]),
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
    ArticleTagMerge,
  ],
  exports: [
    ArticlesService,
    ArticleListsService,
    ArticleRevisionsService,
    ArticleTranslationsService,
    ArticleTagMerge,
  ],
})
export class ArticlesModule {}
