import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/auth.decorators';
import { conflict, notFound } from '../common/errors';
import type { ConfirmTranslationDto, CreateTranslationDto } from './article.dto';
import { Article, ArticleTag } from './article.entity';
import { ArticleEditor } from './article-editor';
import { appendRevision, staleVersionError } from './article-revisions';
import { loadArticleSnapshot } from './article-snapshot';
import {
  type ArticleResponse,
  type TranslationFamilyResponse,
  toTranslationMember,
} from './article.response';
import { articleResponse, loadArticleResponse } from './article-response-loader';
import { TranslationBase } from './article-translation-base';

/** Translation families: linked drafts in other languages sharing a translation group. */
@Injectable()
export class ArticleTranslationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly editor: ArticleEditor,
    private readonly base: TranslationBase,
  ) {}

  /** A linked draft in another language: same translation group, dateline, tags; headline as a placeholder. */
  createTranslation(
    actor: Actor,
    id: string,
    dto: CreateTranslationDto,
    expectedVersion?: number,
  ): Promise<ArticleResponse> {
    const { editor } = this;
    return this.dataSource.transaction(async (em) => {
      const source = await em.findOne(Article, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!source) throw notFound('Article');
      if (expectedVersion !== undefined && source.version !== expectedVersion) {
        throw await staleVersionError(em, editor.config, source, expectedVersion);
      }
      await editor.assertLanguageFreeInFamily(em, source.translationGroupId, dto.language);
      const tagRows = await em.find(ArticleTag, {
        where: { articleId: id },
        order: { position: 'ASC' },
      });
      const newId = randomUUID();
      const slug = await editor.freeSlug(em, dto.language, source.slug);
      await em.insert(Article, {
        id: newId,
        translationGroupId: source.translationGroupId,
        language: dto.language,
        slug,
        genre: source.genre,
        headline: source.headline,
        datelinePlace: source.datelinePlace,
        datelineAgency: source.datelineAgency,
        bodyHtml: '',
        bodyText: '',
        wordCount: 0,
        source: source.source,
        urgency: source.urgency,
        timezone: source.timezone,
        status: 'draft',
        version: 1,
        // Made from the source as it is now: stale once the source's translated content changes.
        translationSourceId: source.id,
        translationBaseVersion: source.version,
        createdById: actor.id,
        updatedById: actor.id,
      });
      await editor.replaceTags(
        em,
        newId,
        tagRows.map((r) => ({ id: r.tagId })),
      );
      const snapshot = await loadArticleSnapshot(em, newId, editor.config);
      const response = await articleResponse(em, snapshot);
      await appendRevision(em, snapshot, actor, `Translation of ${source.language} article ${source.id}`);
      return response;
    });
  }

  /**
   * "No change needed": moves the translation's base to its source's current version (If-Match on the
   * translation). `sourceVersion`, when sent, must still be the source's version (409 otherwise), so a
   * confirm never covers source changes the editor has not seen. Already current: nothing written.
   */
  confirmTranslation(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: ConfirmTranslationDto,
  ): Promise<ArticleResponse> {
    return this.dataSource.transaction(async (em) => {
      const article = await this.editor.lockForWrite(em, actor, id, expectedVersion);
      const current = await this.base.sourceVersion(em, article);
      if (dto.sourceVersion !== undefined && dto.sourceVersion !== current) {
        throw conflict(
          `The source changed since version ${dto.sourceVersion}: it is now version ${current}`,
          {
            field: 'sourceVersion',
            currentVersion: current,
          },
        );
      }
      if (article.translationBaseVersion === current) return loadArticleResponse(em, id, this.editor.config);
      return this.base.move(em, actor, article, current, 'article.translation.confirm');
    });
  }

  async listTranslations(_actor: Actor, id: string): Promise<TranslationFamilyResponse> {
    const em = this.dataSource.manager;
    const article = await em.findOne(Article, {
      where: { id },
      select: { id: true, translationGroupId: true },
    });
    if (!article) throw notFound('Article');
    const members = await em.find(Article, {
      where: { translationGroupId: article.translationGroupId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return { translationGroupId: article.translationGroupId, members: members.map(toTranslationMember) };
  }
}
