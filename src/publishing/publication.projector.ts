import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Article } from '../articles/article.entity';
import { ArticleRevision } from '../articles/article-revision.entity';
import { type ArticleSnapshot, readSnapshot } from '../articles/article-snapshot';
import { authorsByIds } from '../authors/author-directory';
import { currentTags } from '../tags/tag-directory';
import { contentConfig, type ContentConfig } from '../config/configuration';
import { mediaByIds } from '../media/media-directory';
import { picturesOf, snapshotMediaIds } from './publication.pictures';
import { publicTranslationOf } from './publication.translation';
import {
  type KillDocument,
  type PublicDocument,
  type PublicNotice,
  renderKillDocument,
  PUBLIC_DOCUMENT_SCHEMA,
  readStoredDocument,
  renderPublicDocument,
  searchTexts,
} from './publication.renderer';
import {
  ArticleNotice,
  Publication,
  type PublicationStatus,
  PublicationVersion,
} from './publishing.entities';

const stored = (p: Publication) => readStoredDocument(p.documentSchema, p.document);

/**
 * Writes the public read model: the `publication` row (the ready document plus the columns the Content API
 * filters on) and a `publication_version` per change, inside the caller's transaction. Transitions and
 * re-renders both go through here, so a public document is rendered one way.
 */
@Injectable()
export class PublicationProjector {
  constructor(@Inject(contentConfig.KEY) private readonly content: ContentConfig) {}

  private async publicNotices(em: EntityManager, articleId: string): Promise<PublicNotice[]> {
    const rows = await em.find(ArticleNotice, {
      where: { articleId, public: true },
      order: { createdAt: 'ASC' },
    });
    return rows.map((n) => ({ kind: n.kind, text: n.text, at: n.createdAt.toISOString() }));
  }

  private async renderLive(
    em: EntityManager,
    a: Article,
    snapshot: ArticleSnapshot,
    version: number,
    updatedAt: Date,
  ): Promise<PublicDocument> {
    const authors = await authorsByIds(
      em,
      snapshot.authors.map((x) => x.id),
    );
    const tags = await currentTags(
      em,
      snapshot.tags.map((x) => x.id),
    );
    const media = await mediaByIds(em, snapshotMediaIds(snapshot));
    const pictures = picturesOf(snapshot, media, this.content.baseUrl);
    // Snapshots from before sources were recorded say null; the row knows the source then.
    const source =
      snapshot.translationOf ??
      (a.translationSourceId && a.translationBaseVersion !== null
        ? { id: a.translationSourceId, baseVersion: a.translationBaseVersion }
        : null);
    return renderPublicDocument(
      { ...snapshot, tags: snapshot.tags.map((t) => ({ ...t, id: tags.merged.get(t.id) ?? t.id })) },
      authors,
      tags.found,
      await this.publicNotices(em, a.id),
      {
        firstPublishedAt: a.firstPublishedAt ?? updatedAt,
        publishedAt: a.publishedAt ?? updatedAt,
        updatedAt,
        embargoUntil: a.embargoUntil,
      },
      'live',
      version,
      pictures,
      source ? await publicTranslationOf(em, source.id, source.baseVersion) : null,
    );
  }

  /** The document as it would be public, for events of articles not (yet) public (scheduled). */
  async previewDocument(
    em: EntityManager,
    a: Article,
    snapshot: ArticleSnapshot,
    now: Date,
  ): Promise<PublicDocument | undefined> {
    if (a.status !== 'scheduled') return undefined;
    const at = a.scheduledAt ?? now;
    return this.renderLive(
      em,
      {
        ...a,
        firstPublishedAt: a.firstPublishedAt ?? a.originalPublishedAt ?? at,
        publishedAt: at,
      },
      snapshot,
      0,
      at,
    );
  }

  /** The live public document of an article, as stored (null when it has none). */
  async liveDocument(em: EntityManager, articleId: string): Promise<PublicDocument | undefined> {
    const row = await em.findOne(Publication, { where: { articleId, status: 'live' } });
    return row ? (stored(row) as PublicDocument) : undefined;
  }

  /** The document the working copy would be if it were published now (the desk's preview; writes nothing). */
  previewNow(em: EntityManager, a: Article, snapshot: ArticleSnapshot, now: Date): Promise<PublicDocument> {
    return this.renderLive(
      em,
      { ...a, firstPublishedAt: a.firstPublishedAt ?? a.originalPublishedAt ?? now, publishedAt: now },
      snapshot,
      0,
      now,
    );
  }

  /** Writes the public read model (and its version history) for the article's new public state. */
  async project(
    em: EntityManager,
    a: Article,
    snapshot: ArticleSnapshot,
    status: PublicationStatus,
    change: string,
    now: Date,
  ): Promise<PublicDocument | KillDocument> {
    const existing = await em.findOne(Publication, { where: { articleId: a.id } });
    const version = (existing?.version ?? 0) + 1;
    let document: PublicDocument | KillDocument;
    let articleVersion = a.publishedVersion;
    if (status === 'killed') {
      const notices = await this.publicNotices(em, a.id);
      const kill = notices.filter((n) => n.kind === 'kill').at(-1)!;
      document = renderKillDocument(existing ? stored(existing) : snapshot, kill, notices, version);
    } else if (status === 'unpublished' && existing) {
      document = {
        ...(stored(existing) as PublicDocument),
        status,
        version,
        updatedAt: now.toISOString(),
      };
    } else {
      // Live: rendered from the snapshot that is published now.
      const published = a.publishedVersion === a.version ? snapshot : await this.publishedSnapshot(em, a);
      document = await this.renderLive(em, a, published, version, now);
      articleVersion = published.version;
    }
    await this.upsertPublication(em, a, document, status, version, change, now, articleVersion);
    return document;
  }

  /** The snapshot of the version that is public now. */
  async publishedSnapshot(em: EntityManager, a: Article): Promise<ArticleSnapshot> {
    const rev = await em.findOne(ArticleRevision, {
      where: { articleId: a.id, version: a.publishedVersion ?? -1 },
    });
    if (!rev) throw new Error(`No revision for the published version ${a.publishedVersion} of ${a.id}`);
    return readSnapshot(rev.snapshot);
  }

  private async upsertPublication(
    em: EntityManager,
    a: Article,
    document: PublicDocument | KillDocument,
    status: PublicationStatus,
    version: number,
    change: string,
    now: Date,
    articleVersion: number | null,
  ): Promise<void> {
    const live = document.status !== 'killed' ? document : undefined;
    const search = searchTexts(a.language, live);
    await em.query(
      `INSERT INTO publication AS p (article_id, translation_group_id, language, slug, genre, status, version, document,
         tag_ids, author_ids, first_published_at, published_at, updated_at, embargo_until, search, document_schema,
         media_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], $10::uuid[], $11, $12, $13, $14,
         setweight(to_tsvector($15::regconfig, $16), 'A') || setweight(to_tsvector($15::regconfig, $17), 'B')
           || setweight(to_tsvector($15::regconfig, $18), 'C'), $19, $20::uuid[])
       ON CONFLICT (article_id) DO UPDATE SET translation_group_id = EXCLUDED.translation_group_id,
         language = EXCLUDED.language, slug = EXCLUDED.slug, genre = EXCLUDED.genre, status = EXCLUDED.status,
         version = EXCLUDED.version, document = EXCLUDED.document, tag_ids = EXCLUDED.tag_ids,
         author_ids = EXCLUDED.author_ids, first_published_at = EXCLUDED.first_published_at,
         published_at = EXCLUDED.published_at, updated_at = EXCLUDED.updated_at,
         embargo_until = EXCLUDED.embargo_until, search = EXCLUDED.search,
         document_schema = EXCLUDED.document_schema, media_ids = EXCLUDED.media_ids`,
      [
        a.id,
        a.translationGroupId,
        a.language,
        a.slug,
        a.genre,
        status,
        version,
        JSON.stringify(document),
        live ? live.tags.map((t) => t.id) : [],
        live ? live.authors.map((x) => x.id) : [],
        a.firstPublishedAt ?? now,
        a.publishedAt ?? now,
        now,
        a.embargoUntil,
        search.config,
        search.a,
        search.b,
        search.c,
        PUBLIC_DOCUMENT_SCHEMA,
        // The pictures the document shows (a killed one shows none).
        live ? [...new Set((live.pictures ?? []).map((x) => x.id))] : [],
      ],
    );
    await em.insert(
      PublicationVersion,
      em.create(PublicationVersion, {
        articleId: a.id,
        version,
        status,
        change,
        document,
        documentSchema: PUBLIC_DOCUMENT_SCHEMA,
        validFrom: now,
        embargoUntil: a.embargoUntil,
        articleVersion,
      }),
    );
  }
}
