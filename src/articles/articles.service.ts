import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../common/auth.decorators';
import { conflict } from '../common/errors';
import { slugify } from '../common/slug';
import type { CreateArticleDto, UpdateArticleDto } from './article.dto';
import { Article } from './article.entity';
import { ArticleEditor } from './article-editor';
import { TranslationBase } from './article-translation-base';
import { appendRevision } from './article-revisions';
import type { ArticleResponse } from './article.response';
import { articleResponse, loadArticleResponse } from './article-response-loader';
import { loadArticleSnapshot } from './article-snapshot';
import { assertMediaExist, syncArticleMedia } from './article-media';
import { prepareBody } from './article-sanitizer';

export interface CreateArticleOptions {
  /** The importer's de-duplication key (unique). */
  importHash?: string;
  /** When the item was first published elsewhere (imported items). */
  originalPublishedAt?: Date;
  /** Stored on revision 1; overrides dto.reason. */
  reason?: string;
}

/** The newsroom working copy of articles: create, read, edit under If-Match, delete a draft. */
@Injectable()
export class ArticlesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly editor: ArticleEditor,
    private readonly translationBase: TranslationBase,
  ) {}

  /** Creates a draft (version 1, revision 1) in its own transaction. */
  create(actor: Actor, dto: CreateArticleDto): Promise<ArticleResponse> {
    return this.dataSource.transaction((em) => this.createIn(em, actor, dto));
  }

  get(_actor: Actor, id: string): Promise<ArticleResponse> {
    // Every staff member may read every article.
    return loadArticleResponse(this.dataSource.manager, id, this.editor.config);
  }

  /** The article imported with this de-duplication key, if any (read in the caller's transaction). */
  async findByImportHash(em: EntityManager, hash: string): Promise<ArticleResponse | null> {
    const row = await em.findOne(Article, { where: { importHash: hash }, select: { id: true } });
    return row ? loadArticleResponse(em, row.id, this.editor.config) : null;
  }

  /**
   * Applies the given fields if `expectedVersion` is still current (else 412); a change appends a revision.
   * `baseVersion` moves a translation's base with the edit (alone: as a confirm, changing no content).
   */
  update(actor: Actor, id: string, expectedVersion: number, dto: UpdateArticleDto): Promise<ArticleResponse> {
    return this.dataSource.transaction(async (em) => {
      const article = await this.editor.lockForWrite(em, actor, id, expectedVersion);
      const { baseVersion: requested, ...fields } = dto;
      const base =
        requested === undefined ? undefined : await this.translationBase.checkNewBase(em, article, requested);
      const rebase = base !== undefined && base !== article.translationBaseVersion;
      const changed = await this.editor.applyChanges(em, article, fields);
      if (!changed) {
        if (rebase) return this.translationBase.move(em, actor, article, base, 'article.translation.rebase');
        return loadArticleResponse(em, id, this.editor.config);
      }
      if (rebase) {
        changed.translationBaseVersion = base;
        await recordAudit(em, {
          action: 'article.translation.rebase',
          entityType: 'article',
          entityId: id,
          actor,
          details: {
            sourceId: article.translationSourceId,
            fromBaseVersion: article.translationBaseVersion,
            toBaseVersion: base,
            version: article.version + 1,
          },
        });
      }
      return this.editor.commitChange(em, actor, article, changed, dto.reason ?? null);
    });
  }

  /** Deletes a never-published draft (409 for any other state). */
  async remove(actor: Actor, id: string, expectedVersion: number): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const article = await this.editor.lockForWrite(em, actor, id, expectedVersion);
      if (
        article.status !== 'draft' ||
        article.originalPublishedAt !== null ||
        article.firstPublishedAt !== null
      ) {
        throw conflict('Only a draft that was never published can be deleted', {
          status: article.status,
          originalPublishedAt: article.originalPublishedAt?.toISOString() ?? null,
          firstPublishedAt: article.firstPublishedAt?.toISOString() ?? null,
        });
      }
      await em.delete(Article, { id });
      await recordAudit(em, {
        action: 'article.delete',
        entityType: 'article',
        entityId: id,
        actor,
        details: { headline: article.headline, version: article.version },
      });
    });
  }

  /** Creates a draft inside the caller's transaction (the importer's). */
  async createIn(
    em: EntityManager,
    actor: Actor,
    dto: CreateArticleDto,
    options: CreateArticleOptions = {},
  ): Promise<ArticleResponse> {
    const { editor } = this;
    const language = dto.language ?? 'en';
    editor.assertLanguage(language);
    const credits = await editor.resolveAuthors(em, dto.authors ?? []);
    const tags = await editor.resolveTags(em, dto.tags ?? []);
    let slug: string;
    if (dto.slug !== undefined && dto.slug !== null) {
      editor.assertSlugShape(dto.slug);
      await editor.assertSlugFree(em, language, dto.slug);
      slug = dto.slug;
    } else {
      slug = await editor.freeSlug(em, language, slugify(dto.headline));
    }
    const body = prepareBody(dto.body ?? '');
    const featuredMediaId = dto.featuredMedia?.mediaId.toLowerCase() ?? null;
    if (featuredMediaId) await assertMediaExist(em, [featuredMediaId], 'featuredMedia');
    const id = randomUUID();
    await em.insert(Article, {
      id,
      // The first article of a family names the family.
      translationGroupId: id,
      language,
      slug,
      genre: dto.genre ?? 'news',
      headline: dto.headline,
      subheadline: dto.subheadline || null,
      summary: dto.summary || null,
      datelinePlace: dto.dateline?.place ?? null,
      datelineAgency: dto.dateline?.agency || editor.config.agencyName,
      bodyHtml: body.html,
      bodyText: body.text,
      wordCount: body.wordCount,
      source: dto.source || null,
      featuredMediaId,
      featuredCaption: (featuredMediaId && dto.featuredMedia?.caption) || null,
      byline: dto.byline || null,
      urgency: dto.urgency ?? 5,
      timezone: dto.timezone ?? editor.config.timezone,
      status: 'draft',
      version: 1,
      originalPublishedAt: options.originalPublishedAt ?? null,
      importHash: options.importHash ?? null,
      createdById: actor.id,
      updatedById: actor.id,
    });
    await editor.replaceCredits(em, id, credits);
    await editor.replaceTags(em, id, tags);
    await syncArticleMedia(em, id, featuredMediaId, body.html);
    const snapshot = await loadArticleSnapshot(em, id, editor.config);
    const response = await articleResponse(em, snapshot);
    await appendRevision(em, snapshot, actor, options.reason ?? dto.reason ?? null);
    return response;
  }
}
