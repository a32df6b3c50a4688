import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager, Not } from 'typeorm';
import { authorsByIds } from '../authors/author-directory';
import type { Actor } from '../common/auth.decorators';
import { badRequest, conflict, notFound } from '../common/errors';
import { SLUG_MAX, SLUG_PATTERN, uniqueSlug } from '../common/slug';
import { newsroomConfig, type NewsroomConfig } from '../config/configuration';
import { EditReviewService } from '../publishing/edit-review.service';
import type { Tag } from '../tags/tag.entity';
import { tagsByIds } from '../tags/tag-directory';
import { SLUG_EDITABLE_STATUSES, type AuthorRole, isSupportedLanguage } from './article.constants';
import type { ArticleAuthorInputDto, UpdateArticleDto } from './article.dto';
import { Article, ArticleAuthor, ArticleTag } from './article.entity';
import { appendRevision, staleVersionError } from './article-revisions';
import { assertMayChange } from './article-rules';
import type { ArticleResponse } from './article.response';
import { articleResponse } from './article-response-loader';
import { type AuthorCredit, loadArticleSnapshot } from './article-snapshot';
import { syncArticleMedia } from './article-media';
import { prepareBody } from './article-sanitizer';

/** The slug may change until the article is first published (links must keep working after). */
export function slugEditable(article: Article): boolean {
  return SLUG_EDITABLE_STATUSES.includes(article.status) && article.firstPublishedAt === null;
}

/** The columns of the translated fields (TRANSLATED_FIELDS in article-diff.ts). */
const CONTENT_COLUMNS = [
  'headline',
  'subheadline',
  'summary',
  'datelinePlace',
  'datelineAgency',
  'bodyHtml',
  'source',
  'featuredMediaId',
  'featuredCaption',
] as const satisfies readonly (keyof Article)[];

export type AuthorInput = Pick<ArticleAuthorInputDto, 'id'> & { role?: AuthorRole };

/**
 * The working copy's write path, shared by CRUD, restore, translations and tag merges: locking, field
 * and relation changes, checks on language and slug, and committing a change as a new version and
 * revision. Every method runs in the caller's transaction.
 */
@Injectable()
export class ArticleEditor {
  constructor(
    @Inject(newsroomConfig.KEY) readonly config: NewsroomConfig,
    private readonly review: EditReviewService,
  ) {}

  /** Locks the row for the rest of the transaction, then checks existence, permission and version. */
  async lockForWrite(em: EntityManager, actor: Actor, id: string, expectedVersion: number): Promise<Article> {
    const article = await em.findOne(Article, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!article) throw notFound('Article');
    assertMayChange(actor, article.createdById);
    if (article.version !== expectedVersion)
      throw await staleVersionError(em, this.config, article, expectedVersion);
    return article;
  }

  /**
   * Applies the fields present in `dto` to the article row and its author/tag rows (not yet the version).
   * Returns the changed columns, or null when nothing differs.
   */
  async applyChanges(
    em: EntityManager,
    article: Article,
    dto: UpdateArticleDto,
  ): Promise<Partial<Article> | null> {
    const set: Partial<Article> = {};
    let relationsChanged = false;
    const put = <K extends keyof Article>(key: K, value: Article[K]) => {
      if (article[key] !== value) set[key] = value;
    };

    if (dto.headline !== undefined && dto.headline !== null) put('headline', dto.headline);
    if (dto.subheadline !== undefined) put('subheadline', dto.subheadline || null);
    if (dto.summary !== undefined) put('summary', dto.summary || null);
    if (dto.genre !== undefined && dto.genre !== null) put('genre', dto.genre);
    if (dto.source !== undefined) put('source', dto.source || null);
    if (dto.byline !== undefined) put('byline', dto.byline || null);
    if (dto.urgency !== undefined && dto.urgency !== null) put('urgency', dto.urgency);
    if (dto.timezone !== undefined && dto.timezone !== null) put('timezone', dto.timezone);
    if (dto.dateline !== undefined) {
      put('datelinePlace', dto.dateline?.place ?? null);
      put(
        'datelineAgency',
        dto.dateline ? dto.dateline.agency || this.config.agencyName : article.datelineAgency,
      );
    }
    if (dto.body !== undefined && dto.body !== null) {
      const body = prepareBody(dto.body);
      put('bodyHtml', body.html);
      put('bodyText', body.text);
      put('wordCount', body.wordCount);
    }
    if (dto.featuredMedia !== undefined) {
      put('featuredMediaId', dto.featuredMedia?.mediaId.toLowerCase() ?? null);
      put('featuredCaption', dto.featuredMedia?.caption || null);
    }
    // The pictures the copy uses, from its featured picture and its body (unknown ids: 400).
    if (
      await syncArticleMedia(
        em,
        article.id,
        set.featuredMediaId !== undefined ? set.featuredMediaId : article.featuredMediaId,
        set.bodyHtml ?? article.bodyHtml,
      )
    )
      relationsChanged = true;

    const language = dto.language ?? article.language;
    const slug = dto.slug ?? article.slug;
    if (language !== article.language) {
      this.assertLanguage(language);
      await this.assertLanguageFreeInFamily(em, article.translationGroupId, language, article.id);
      set.language = language;
    }
    if (slug !== article.slug) {
      if (!slugEditable(article)) {
        throw conflict(
          `The slug cannot change once the article has been published (status ${article.status})`,
          {
            field: 'slug',
          },
        );
      }
      this.assertSlugShape(slug);
      set.slug = slug;
    }
    if (set.language !== undefined || set.slug !== undefined)
      await this.assertSlugFree(em, language, slug, article.id);

    if (dto.authors !== undefined && dto.authors !== null) {
      const credits = await this.resolveAuthors(em, dto.authors);
      const current = await em.find(ArticleAuthor, {
        where: { articleId: article.id },
        order: { position: 'ASC' },
      });
      const key = (rows: { id: string; role: string }[]) => rows.map((r) => `${r.id}:${r.role}`).join(',');
      if (
        key(current.map((r) => ({ id: r.authorId, role: r.role }))) !==
        key(credits.map((c) => ({ id: c.author.id, role: c.role })))
      ) {
        await this.replaceCredits(em, article.id, credits);
        relationsChanged = true;
      }
    }
    if (dto.tags !== undefined && dto.tags !== null) {
      const tags = await this.resolveTags(em, dto.tags);
      const current = await em.find(ArticleTag, {
        where: { articleId: article.id },
        order: { position: 'ASC' },
      });
      if (current.map((r) => r.tagId).join(',') !== tags.map((t) => t.id).join(',')) {
        await this.replaceTags(em, article.id, tags);
        relationsChanged = true;
      }
    }
    return Object.keys(set).length > 0 || relationsChanged ? set : null;
  }

  /**
   * Bumps the version, records who changed it, and appends the snapshot as a new revision. An edit by
   * someone who may not approve sends an approved or scheduled article back to review in the same version.
   */
  async commitChange(
    em: EntityManager,
    actor: Actor,
    article: Article,
    set: Partial<Article>,
    reason: string | null,
  ): Promise<ArticleResponse> {
    const review = await this.review.beforeEdit(em, actor, article);
    const version = article.version + 1;
    // A change of the translated content makes the article's translations stale.
    const content = CONTENT_COLUMNS.some((c) => set[c] !== undefined) ? { contentVersion: version } : {};
    await em.update(
      Article,
      { id: article.id },
      { ...set, ...review.set, ...content, version, updatedById: actor.id },
    );
    const snapshot = await loadArticleSnapshot(em, article.id, this.config);
    await appendRevision(em, snapshot, actor, reason);
    await review.afterSave(em, snapshot);
    return articleResponse(em, snapshot);
  }

  async resolveAuthors(em: EntityManager, input: readonly AuthorInput[]): Promise<AuthorCredit[]> {
    if (input.length === 0) return [];
    const ids = input.map((a) => a.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw badRequest(`Author ${dup} is listed twice`, { field: 'authors', ids: [dup] });
    const byId = await authorsByIds(em, ids);
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw badRequest(`Unknown author id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, {
        field: 'authors',
        ids: missing,
      });
    }
    return input.map((a) => ({ author: byId.get(a.id)!, role: a.role ?? 'writer' }));
  }

  async resolveTags(em: EntityManager, ids: readonly string[]): Promise<Tag[]> {
    if (ids.length === 0) return [];
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw badRequest(`Tag ${dup} is listed twice`, { field: 'tags', ids: [dup] });
    const byId = await tagsByIds(em, ids);
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw badRequest(`Unknown tag id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, {
        field: 'tags',
        ids: missing,
      });
    }
    return ids.map((id) => byId.get(id)!);
  }

  async replaceCredits(
    em: EntityManager,
    articleId: string,
    credits: readonly AuthorCredit[],
  ): Promise<void> {
    await em.delete(ArticleAuthor, { articleId });
    if (credits.length === 0) return;
    await em.insert(
      ArticleAuthor,
      credits.map((c, position) => ({ articleId, authorId: c.author.id, role: c.role, position })),
    );
  }

  async replaceTags(em: EntityManager, articleId: string, tags: readonly Pick<Tag, 'id'>[]): Promise<void> {
    await em.delete(ArticleTag, { articleId });
    if (tags.length === 0) return;
    await em.insert(
      ArticleTag,
      tags.map((t, position) => ({ articleId, tagId: t.id, position })),
    );
  }

  assertLanguage(language: string): void {
    if (!isSupportedLanguage(language)) {
      throw badRequest(`Unsupported language "${language}"`, { field: 'language' });
    }
  }

  assertSlugShape(slug: string): void {
    if (!SLUG_PATTERN.test(slug) || slug.length > SLUG_MAX) {
      throw badRequest(`Invalid slug "${slug}"`, { field: 'slug' });
    }
  }

  async assertSlugFree(em: EntityManager, language: string, slug: string, exceptId?: string): Promise<void> {
    const taken = await em.exists(Article, {
      where: { language, slug, ...(exceptId ? { id: Not(exceptId) } : {}) },
    });
    if (taken) {
      throw conflict(`The slug "${slug}" is already used by another ${language} article`, {
        field: 'slug',
        slug,
      });
    }
  }

  freeSlug(em: EntityManager, language: string, base: string): Promise<string> {
    return uniqueSlug(base, (candidate) => em.exists(Article, { where: { language, slug: candidate } }));
  }

  async assertLanguageFreeInFamily(
    em: EntityManager,
    translationGroupId: string,
    language: string,
    exceptId?: string,
  ): Promise<void> {
    const existing = await em.findOne(Article, {
      where: { translationGroupId, language, ...(exceptId ? { id: Not(exceptId) } : {}) },
      select: { id: true },
    });
    if (existing) {
      throw conflict(`This article already has a ${language} translation`, {
        field: 'language',
        language,
        id: existing.id,
      });
    }
  }

  async mustExist(em: EntityManager, id: string): Promise<void> {
    if (!(await em.exists(Article, { where: { id } }))) throw notFound('Article');
  }
}
