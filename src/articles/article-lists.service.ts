import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/auth.decorators';
import { type Page, keysetPage } from '../common/pagination';
import { escapeLike } from '../common/sql-like';
import { newsroomConfig, type NewsroomConfig } from '../config/configuration';
import type { ListArticlesQueryDto } from './article.dto';
import { Article } from './article.entity';
import {
  type ArticleSummaryResponse,
  loadCreditsAndTags,
  toArticleResponse,
  toArticleSummary,
} from './article.response';
import { translationSummaries } from './article-response-loader';

/** The newsroom's article list: filters and keyset pages over the working copies. */
@Injectable()
export class ArticleListsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(newsroomConfig.KEY) private readonly config: NewsroomConfig,
  ) {}

  async list(actor: Actor, query: ListArticlesQueryDto): Promise<Page<ArticleSummaryResponse>> {
    const em = this.dataSource.manager;
    const qb = em
      .createQueryBuilder(Article, 'a')
      .leftJoinAndSelect('a.createdByUser', 'cu')
      .leftJoinAndSelect('a.updatedByUser', 'uu')
      .where('TRUE');
    if (query.status) qb.andWhere('a.status = :status', { status: query.status });
    if (query.genre) qb.andWhere('a.genre = :genre', { genre: query.genre });
    if (query.language) qb.andWhere('a.language = :language', { language: query.language });
    if (query.mine) qb.andWhere('a.created_by = :me', { me: actor.id });
    if (query.author) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM article_author aa WHERE aa.article_id = a.id AND aa.author_id = :author)',
        { author: query.author },
      );
    }
    if (query.tag) {
      qb.andWhere('EXISTS (SELECT 1 FROM article_tag at WHERE at.article_id = a.id AND at.tag_id = :tag)', {
        tag: query.tag,
      });
    }
    if (query.stale !== undefined) {
      // Stale: a translation whose source changed its translated content after the translation's base.
      const stale = `EXISTS (SELECT 1 FROM article s WHERE s.id = a.translation_source_id
        AND s.content_version > a.translation_base_version)`;
      qb.andWhere(query.stale ? stale : `NOT ${stale}`);
    }
    if (query.q) {
      qb.andWhere(`a.headline ILIKE :q ESCAPE '\\'`, { q: `%${escapeLike(query.q)}%` });
    }
    const page = await keysetPage(
      qb,
      {
        scope: 'articles',
        column: 'a.updated_at',
        id: 'a.id',
        direction: 'DESC',
        type: 'timestamptz',
      },
      query,
    );
    const { credits, tags } = await loadCreditsAndTags(
      em,
      page.data.map((a) => a.id),
    );
    const sources = await translationSummaries(em, page.data);
    return {
      data: page.data.map((a) =>
        toArticleSummary(
          toArticleResponse(a, credits.get(a.id)!, tags.get(a.id)!, this.config),
          sources.get(a.id) ?? null,
        ),
      ),
      meta: page.meta,
    };
  }
}
