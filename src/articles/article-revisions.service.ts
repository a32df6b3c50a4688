import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { authorsByIds } from '../authors/author-directory';
import { mediaByIds } from '../media/media-directory';
import type { Actor } from '../common/auth.decorators';
import { conflict, notFound } from '../common/errors';
import { type Page, keysetPage } from '../common/pagination';
import { tagsByIds } from '../tags/tag-directory';
import { bodyWordDiff, fieldChanges } from './article-diff';
import type { UpdateArticleDto } from './article.dto';
import { ArticleEditor, slugEditable } from './article-editor';
import { mediaUsesOf } from './article-media';
import { ArticleRevision } from './article-revision.entity';
import {
  type ArticleResponse,
  type RevisionDiffResponse,
  type RevisionResponse,
  type RevisionSummaryResponse,
  responseFromSnapshot,
  toRevisionResponse,
  toRevisionSummary,
} from './article.response';
import { type ArticleSnapshot, readSnapshot } from './article-snapshot';

/** An article's revision history: list, read, diff, and restore onto the working copy. */
@Injectable()
export class ArticleRevisionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly editor: ArticleEditor,
  ) {}

  async listRevisions(
    _actor: Actor,
    id: string,
    query: { limit?: number; cursor?: string },
  ): Promise<Page<RevisionSummaryResponse>> {
    const em = this.dataSource.manager;
    await this.editor.mustExist(em, id);
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
    await this.editor.mustExist(em, id);
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
    await this.editor.mustExist(em, id);
    const to = await this.findRevision(em, id, number);
    const fromNumber = against ?? number - 1;
    const from = fromNumber >= 1 ? await this.findRevision(em, id, fromNumber) : null;
    const older = from ? responseFromSnapshot(readSnapshot(from.snapshot)) : null;
    const newer = responseFromSnapshot(readSnapshot(to.snapshot));
    return {
      from: from?.number ?? null,
      to: to.number,
      changes: fieldChanges(older, newer),
      body: bodyWordDiff(older?.bodyText ?? '', newer.bodyText ?? ''),
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
      const article = await this.editor.lockForWrite(em, actor, id, expectedVersion);
      const snapshot = readSnapshot((await this.findRevision(em, id, number)).snapshot);
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
        body: snapshot.bodyHtml,
        source: snapshot.source,
        featuredMedia: snapshot.featuredMedia,
        authors: snapshot.authors.map((a) => ({ id: a.id, role: a.role })),
        byline: snapshot.bylineOverride,
        tags: snapshot.tags.map((t) => t.id),
        urgency: snapshot.urgency,
        timezone: snapshot.timezone,
        // Once published, the URL stays: the old slug comes back only while the slug is editable.
        ...(slugEditable(article) ? { slug: snapshot.slug } : {}),
      };
      const changed = await this.editor.applyChanges(em, article, changes);
      return this.editor.commitChange(em, actor, article, changed || {}, `Restored revision ${number}`);
    });
  }

  /** Restoring needs every author and tag of the snapshot to exist still: 409 naming those that do not. */
  private async assertStillExist(em: EntityManager, snapshot: ArticleSnapshot): Promise<void> {
    const authorIds = snapshot.authors.map((a) => a.id);
    const tagIds = snapshot.tags.map((t) => t.id);
    const authors = await authorsByIds(em, authorIds);
    const tags = await tagsByIds(em, tagIds);
    const goneAuthors = snapshot.authors.filter((a) => !authors.has(a.id));
    const goneTags = snapshot.tags.filter((t) => !tags.has(t.id));
    const mediaIds = mediaUsesOf(snapshot.featuredMedia?.mediaId ?? null, snapshot.bodyHtml).map(
      (u) => u.mediaId,
    );
    const media = await mediaByIds(em, mediaIds);
    const goneMedia = [...new Set(mediaIds)].filter((id) => !media.has(id));
    if (goneAuthors.length === 0 && goneTags.length === 0 && goneMedia.length === 0) return;
    const names = [
      ...goneAuthors.map((a) => `author "${a.name}" (${a.id})`),
      ...goneTags.map((t) => `tag "${t.name}" (${t.id})`),
      ...goneMedia.map((id) => `picture ${id}`),
    ];
    throw conflict(`Cannot restore: ${names.join(', ')} no longer exist${names.length === 1 ? 's' : ''}`, {
      authors: goneAuthors.map((a) => ({ id: a.id, name: a.name })),
      tags: goneTags.map((t) => ({ id: t.id, name: t.name })),
      media: goneMedia,
    });
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
