import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PublishingModule } from '../publishing/publishing.module';
import { Article, ArticleAuthor, ArticleTag } from './article.entity';
import { ArticleRevision } from './article-revision.entity';
import { ArticlesController } from './articles.controller';
import { ArticlesService } from './articles.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Article, ArticleAuthor, ArticleTag, ArticleRevision]),
    // Edits go through the workflow's rule for approved, scheduled and embargoed articles.
    PublishingModule,
  ],
  controllers: [ArticlesController],
  providers: [ArticlesService],
  exports: [ArticlesService],
})
export class ArticlesModule {}
