import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, Not } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { Author } from '../authors/author.entity';
import { escapeLike } from '../common/sql-like';
import type { Actor } from '../common/auth.decorators';
import { badRequest, conflict, forbidden, notFound } from '../common/errors';
import { type Page, keysetPage } from '../common/pagination';
import { SLUG_MAX, SLUG_PATTERN, slugify, uniqueSlug } from '../common/slug';
import { newsroomConfig, type NewsroomConfig } from '../config/configuration';
import { EditReviewService } from '../publishing/edit-review.service';
import { Tag } from '../tags/tag.entity';
import { SLUG_EDITABLE_STATUSES, type AuthorRole, isSupportedLanguage } from './article.constants';
import { bodyWordDiff, fieldChanges } from './article-diff';
import type {
  ArticleAuthorInputDto,
  CreateArticleDto,
  CreateTranslationDto,
  ListArticlesQueryDto,
  UpdateArticleDto,
} from './article.dto';
import { Article, ArticleAuthor, ArticleTag } from './article.entity';
import { ArticleRevision } from './article-revision.entity';
import { appendRevision, staleVersionError } from './article-revisions';
import {
  type ArticleResponse,
  type ArticleSummaryResponse,
  type AuthorCredit,
  type RevisionDiffResponse,
  type RevisionResponse,
  type RevisionSummaryResponse,
  type TranslationFamilyResponse,
  loadArticleResponse,
  loadCreditsAndTags,
  toArticleResponse,
  toArticleSummary,
  toRevisionResponse,
  toRevisionSummary,
  toTranslationMember,
} from './article.response';
import { prepareBody } from './article-sanitizer';

export interface CreateArticleOptions {
  /** Run inside this transaction (e.g. the importer's) instead of opening one. */
  em?: EntityManager;
  /** The importer's de-duplication key (unique). */
  importHash?: string;
  /** When the item was first published elsewhere (imported items). */
  originalPublishedAt?: Date;
  /** Stored on revision 1; overrides dto.reason. */
  reason?: string;
}

/** The slug may change until the article is first published (links must keep working after). */
function slugEditable(article: Article): boolean {
  return SLUG_EDITABLE_STATUSES.includes(article.status) && article.firstPublishedAt === null;
}

type AuthorInput = Pick<ArticleAuthorInputDto, 'id'> & { role?: AuthorRole };

/** The newsroom working copy of articles: create, edit under If-Match, revisions, translations. */
@Injectable()
export class ArticlesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(newsroomConfig.KEY) private readonly config: NewsroomConfig,
    private readonly review: EditReviewService,
  ) {}

  /** Creates a draft (version 1, revision 1). With `options.em` it joins that transaction. */
  async create(
    actor: Actor,
    dto: CreateArticleDto,
    options: CreateArticleOptions = {},
  ): Promise<ArticleResponse> {
    const run = (em: EntityManager) => this.createIn(em, actor, dto, options);
    return options.em ? run(options.em) : this.dataSource.transaction(run);
  }

  get(_actor: Actor, id: string): Promise<ArticleResponse> {
    // Every staff member may read every article.
    return loadArticleResponse(this.dataSource.manager, id, this.config);
  }

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
    return {
      data: page.data.map((a) =>
        toArticleSummary(toArticleResponse(a, credits.get(a.id)!, tags.get(a.id)!, this.config)),
      ),
      meta: page.meta,
    };
  }

  /** Applies the given fields if `expectedVersion` is still current (else 412); a change appends a revision. */
  update(actor: Actor, id: string, expectedVersion: number, dto: UpdateArticleDto): Promise<ArticleResponse> {
    return this.dataSource.transaction(async (em) => {
      const article = await this.lockForWrite(em, actor, id, expectedVersion);
      const changed = await this.applyChanges(em, article, dto);
      if (!changed) return loadArticleResponse(em, id, this.config);
      return this.commitChange(em, actor, article, changed, dto.reason ?? null);
    });
  }

  /** Deletes a never-published draft (409 for any other state). */
  async remove(actor: Actor, id: string, expectedVersion: number): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const article = await this.lockForWrite(em, actor, id, expectedVersion);
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
        details: { headline: article.headline, version: article.version },
      });
    });
  }

  async listRevisions(
    _actor: Actor,
    id: string,
    query: { limit?: number; cursor?: string },
  ): Promise<Page<RevisionSummaryResponse>> {
    const em = this.dataSource.manager;
    await this.mustExist(em, id);
    const qb = em
      .createQueryBuilder(ArticleRevision, 'r')
      .leftJoinAndSelect('r.actor', 'u')
      .where('r.article_id = :id', { id });
    const page = await keysetPage(
      qb,
      { scope: `revisions ${id}`, column: 'r.number', id: 'r.id', direction: 'DESC', type: 'int' },
      query,
    );
    return { data: page.data.map(toRevisionSummary), meta: page.meta };
  }

  async getRevision(_actor: Actor, id: string, number: number): Promise<RevisionResponse> {
    const em = this.dataSource.manager;
    await this.mustExist(em, id);
    return toRevisionResponse(await this.findRevision(em, id, number));
  }

  /** Field-level and body word-level changes from revision `against` (default n-1) to revision n. */
  async diffRevisions(
    _actor: Actor,
    id: string,
    number: number,
    against?: number,
  ): Promise<RevisionDiffResponse> {
    const em = this.dataSource.manager;
    await this.mustExist(em, id);
    const to = await this.findRevision(em, id, number);
    const fromNumber = against ?? number - 1;
    const from = fromNumber >= 1 ? await this.findRevision(em, id, fromNumber) : null;
    return {
      from: from?.number ?? null,
      to: to.number,
      changes: fieldChanges(from?.snapshot ?? null, to.snapshot),
      body: bodyWordDiff(from?.snapshot.bodyText ?? '', to.snapshot.bodyText ?? ''),
    };
  }

  /** Copies revision n's editable fields onto the working copy as a new revision "Restored revision n". */
  restoreRevision(
    actor: Actor,
    id: string,
    number: number,
    expectedVersion: number,
  ): Promise<ArticleResponse> {
    return this.dataSource.transaction(async (em) => {
      const article = await this.lockForWrite(em, actor, id, expectedVersion);
      const { snapshot } = await this.findRevision(em, id, number);
      await this.assertStillExist(em, snapshot);
      const changes: UpdateArticleDto = {
        headline: snapshot.headline,
        subheadline: snapshot.subheadline,
        summary: snapshot.summary,
        language: snapshot.language,
        genre: snapshot.genre,
        dateline: snapshot.dateline.place
          ? { place: snapshot.dateline.place, agency: snapshot.dateline.agency }
          : null,
        body: snapshot.body,
        source: snapshot.source,
        authors: snapshot.authors.map((a) => ({ id: a.id, role: a.role })),
        byline: snapshot.bylineOverride,
        tags: snapshot.tags.map((t) => t.id),
        urgency: snapshot.urgency,
        timezone: snapshot.timezone,
        // Once published, the URL stays: the old slug comes back only while the slug is editable.
        ...(slugEditable(article) ? { slug: snapshot.slug } : {}),
      };
      const changed = await this.applyChanges(em, article, changes);
      return this.commitChange(em, actor, article, changed || {}, `Restored revision ${number}`);
    });
  }

  /** A linked draft in another language: same translation group, dateline, tags; headline as a placeholder. */
  createTranslation(
    actor: Actor,
    id: string,
    dto: CreateTranslationDto,
    expectedVersion?: number,
  ): Promise<ArticleResponse> {
    return this.dataSource.transaction(async (em) => {
      const source = await em.findOne(Article, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!source) throw notFound('Article');
      if (expectedVersion !== undefined && source.version !== expectedVersion) {
        throw await staleVersionError(em, this.config, source, expectedVersion);
      }
      await this.assertLanguageFreeInFamily(em, source.translationGroupId, dto.language);
      const tagRows = await em.find(ArticleTag, {
        where: { articleId: id },
        relations: { tag: true },
        order: { position: 'ASC' },
      });
      const newId = randomUUID();
      const slug = await this.freeSlug(em, dto.language, source.slug);
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
        createdById: actor.id,
        updatedById: actor.id,
      });
      await this.replaceTags(
        em,
        newId,
        tagRows.map((r) => r.tag!),
      );
      const response = await loadArticleResponse(em, newId, this.config);
      await appendRevision(em, response, actor.id, `Translation of ${source.language} article ${source.id}`);
      return response;
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

  // ---- internals -------------------------------------------------------------------------------

  private async createIn(
    em: EntityManager,
    actor: Actor,
    dto: CreateArticleDto,
    options: CreateArticleOptions,
  ): Promise<ArticleResponse> {
    const language = dto.language ?? 'en';
    this.assertLanguage(language);
    const credits = await this.resolveAuthors(em, dto.authors ?? []);
    const tags = await this.resolveTags(em, dto.tags ?? []);
    let slug: string;
    if (dto.slug !== undefined && dto.slug !== null) {
      this.assertSlugShape(dto.slug);
      await this.assertSlugFree(em, language, dto.slug);
      slug = dto.slug;
    } else {
      slug = await this.freeSlug(em, language, slugify(dto.headline));
    }
    const body = prepareBody(dto.body ?? '');
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
      datelineAgency: dto.dateline?.agency || this.config.agencyName,
      bodyHtml: body.html,
      bodyText: body.text,
      wordCount: body.wordCount,
      source: dto.source || null,
      byline: dto.byline || null,
      urgency: dto.urgency ?? 5,
      timezone: dto.timezone ?? this.config.timezone,
      status: 'draft',
      version: 1,
      originalPublishedAt: options.originalPublishedAt ?? null,
      importHash: options.importHash ?? null,
      createdById: actor.id,
      updatedById: actor.id,
    });
    await this.replaceCredits(em, id, credits);
    await this.replaceTags(em, id, tags);
    const response = await loadArticleResponse(em, id, this.config);
    await appendRevision(em, response, actor.id, options.reason ?? dto.reason ?? null);
    return response;
  }

  /** Locks the row for the rest of the transaction, then checks existence, permission and version. */
  private async lockForWrite(
    em: EntityManager,
    actor: Actor,
    id: string,
    expectedVersion: number,
  ): Promise<Article> {
    const article = await em.findOne(Article, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!article) throw notFound('Article');
    if (actor.role === 'writer' && article.createdById !== actor.id) {
      throw forbidden('Writers may change only the articles they created');
    }
    if (article.version !== expectedVersion)
      throw await staleVersionError(em, this.config, article, expectedVersion);
    return article;
  }

  /**
   * Applies the fields present in `dto` to the article row and its author/tag rows (not yet the version).
   * Returns the changed columns, or null when nothing differs.
   */
  private async applyChanges(
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
  private async commitChange(
    em: EntityManager,
    actor: Actor,
    article: Article,
    set: Partial<Article>,
    reason: string | null,
  ): Promise<ArticleResponse> {
    const review = await this.review.beforeEdit(em, actor, article);
    await em.update(
      Article,
      { id: article.id },
      { ...set, ...review.set, version: article.version + 1, updatedById: actor.id },
    );
    const response = await loadArticleResponse(em, article.id, this.config);
    await appendRevision(em, response, actor.id, reason);
    await review.afterSave(em, response);
    return response;
  }

  private async resolveAuthors(em: EntityManager, input: readonly AuthorInput[]): Promise<AuthorCredit[]> {
    if (input.length === 0) return [];
    const ids = input.map((a) => a.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw badRequest(`Author ${dup} is listed twice`, { field: 'authors', ids: [dup] });
    const found = await em.findBy(Author, { id: In(ids) });
    const byId = new Map(found.map((a) => [a.id, a]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw badRequest(`Unknown author id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, {
        field: 'authors',
        ids: missing,
      });
    }
    return input.map((a) => ({ author: byId.get(a.id)!, role: a.role ?? 'writer' }));
  }

  private async resolveTags(em: EntityManager, ids: readonly string[]): Promise<Tag[]> {
    if (ids.length === 0) return [];
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) throw badRequest(`Tag ${dup} is listed twice`, { field: 'tags', ids: [dup] });
    const found = await em.findBy(Tag, { id: In([...ids]) });
    const byId = new Map(found.map((t) => [t.id, t]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      throw badRequest(`Unknown tag id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, {
        field: 'tags',
        ids: missing,
      });
    }
    return ids.map((id) => byId.get(id)!);
  }

  private async replaceCredits(
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

  private async replaceTags(em: EntityManager, articleId: string, tags: readonly Tag[]): Promise<void> {
    await em.delete(ArticleTag, { articleId });
    if (tags.length === 0) return;
    await em.insert(
      ArticleTag,
      tags.map((t, position) => ({ articleId, tagId: t.id, position })),
    );
  }

  /** Restoring needs every author and tag of the snapshot to exist still: 409 naming those that do not. */
  private async assertStillExist(em: EntityManager, snapshot: ArticleResponse): Promise<void> {
    const authorIds = snapshot.authors.map((a) => a.id);
    const tagIds = snapshot.tags.map((t) => t.id);
    const authors = authorIds.length ? await em.findBy(Author, { id: In(authorIds) }) : [];
    const tags = tagIds.length ? await em.findBy(Tag, { id: In(tagIds) }) : [];
    const goneAuthors = snapshot.authors.filter((a) => !authors.some((x) => x.id === a.id));
    const goneTags = snapshot.tags.filter((t) => !tags.some((x) => x.id === t.id));
    if (goneAuthors.length === 0 && goneTags.length === 0) return;
    const names = [
      ...goneAuthors.map((a) => `author "${a.name}" (${a.id})`),
      ...goneTags.map((t) => `tag "${t.name}" (${t.id})`),
    ];
    throw conflict(`Cannot restore: ${names.join(', ')} no longer exist${names.length === 1 ? 's' : ''}`, {
      authors: goneAuthors.map((a) => ({ id: a.id, name: a.name })),
      tags: goneTags.map((t) => ({ id: t.id, name: t.name })),
    });
  }

  private assertLanguage(language: string): void {
    if (!isSupportedLanguage(language)) {
      throw badRequest(`Unsupported language "${language}"`, { field: 'language' });
    }
  }

  private assertSlugShape(slug: string): void {
    if (!SLUG_PATTERN.test(slug) || slug.length > SLUG_MAX) {
      throw badRequest(`Invalid slug "${slug}"`, { field: 'slug' });
    }
  }

  private async assertSlugFree(
    em: EntityManager,
    language: string,
    slug: string,
    exceptId?: string,
  ): Promise<void> {
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

  private freeSlug(em: EntityManager, language: string, base: string): Promise<string> {
    return uniqueSlug(base, (candidate) => em.exists(Article, { where: { language, slug: candidate } }));
  }

  private async assertLanguageFreeInFamily(
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

  private async mustExist(em: EntityManager, id: string): Promise<void> {
    if (!(await em.exists(Article, { where: { id } }))) throw notFound('Article');
  }

  private async findRevision(em: EntityManager, articleId: string, number: number): Promise<ArticleRevision> {
    const revision = await em.findOne(ArticleRevision, {
      where: { articleId, number },
      relations: { actor: true },
    });
    if (!revision) throw notFound(`Revision ${number}`);
    return revision;
  }
}
