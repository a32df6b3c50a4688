import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type BulkArticleInput, insertArticlesBulk } from '../articles/article-archive';
import { authorsByIds } from '../authors/author-directory';
import type { Actor } from '../common/auth.decorators';
import { newsroomConfig, type NewsroomConfig } from '../config/configuration';
import { jsonbArray, textArray } from '../database/binary-arrays';
import { OutboxService } from '../events/outbox.service';
import { tagsByIds } from '../tags/tag-directory';
import {
  PUBLIC_DOCUMENT_SCHEMA,
  type PublicDocument,
  renderPublicDocument,
  searchTexts,
} from './publication.renderer';

/** A story of an archive: published once, at `originalPublishedAt`, by the import. */
export type ArchiveStory = Omit<BulkArticleInput, 'state'>;

export interface ArchiveBatchRef {
  importJobId: string;
  /** The records of the import's source the batch holds (numbered from 1). */
  fromRecord: number;
  toRecord: number;
}

export interface ArchivePublishResult {
  created: { id: string; slug: string; language: string; key: string }[];
  /** Keys skipped because a story with that key exists (or came twice in the batch). */
  present: string[];
}

/**
 * Publishes a batch of archive stories in the caller's transaction, with set-wide statements instead of a
 * transition per story: each story is created already published (version 1, revision 1, published at its
 * original time), with its history entry (`publish`, comment "Imported from archive") and its public
 * document (`publication`, version 1, and its `publication_version`). For the whole batch `announce` writes
 * one outbox event, `archive.imported`: webhooks and the public changes feed get no event per story.
 */
@Injectable()
export class ArchivePublisher {
  constructor(
    @Inject(newsroomConfig.KEY) private readonly config: NewsroomConfig,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * `onArticlesWritten` is called once the article rows are in (and the rest of the batch is still to come):
   * an importer may then let its next batch's article statements run (see ArchiveBatchWriter).
   */
  async publish(
    em: EntityManager,
    actor: Actor,
    stories: readonly ArchiveStory[],
    ref: ArchiveBatchRef,
    onArticlesWritten: () => void = () => undefined,
  ): Promise<ArchivePublishResult> {
    const { created, present } = await insertArticlesBulk(
      em,
      actor,
      this.config,
      stories.map((s) => ({
        ...s,
        state: {
          status: 'published',
          publishedVersion: 1,
          firstPublishedAt: s.originalPublishedAt,
          publishedAt: s.originalPublishedAt,
        },
      })),
      `Imported from archive (import ${ref.importJobId})`,
    );
    onArticlesWritten();
    const result: ArchivePublishResult = {
      created: created.map(({ input, snapshot }) => ({
        id: snapshot.id,
        slug: snapshot.slug,
        language: snapshot.language,
        key: input.key,
      })),
      present: present.map((p) => p.key),
    };
    if (created.length === 0) return result;

    const authors = await authorsByIds(
      em,
      created.flatMap((c) => c.snapshot.authors.map((a) => a.id)),
    );
    const tags = await tagsByIds(
      em,
      created.flatMap((c) => c.snapshot.tags.map((t) => t.id)),
    );
    const documents: PublicDocument[] = created.map(({ input, snapshot }) =>
      renderPublicDocument(
        snapshot,
        authors,
        tags,
        [],
        {
          firstPublishedAt: input.originalPublishedAt,
          publishedAt: input.originalPublishedAt,
          updatedAt: input.originalPublishedAt,
          embargoUntil: null,
        },
        'live',
        1,
      ),
    );
    const ids = documents.map((d) => d.id);
    await em.query(
      `INSERT INTO article_event (article_id, actor_id, action, from_status, to_status, comment, data)
       SELECT id, $2, 'publish', 'draft', 'published', 'Imported from archive',
              jsonb_build_object('publishedVersion', 1, 'importJobId', $3::text)
         FROM unnest($1::uuid[]) AS id`,
      [ids, actor.id, ref.importJobId],
    );
    await this.insertPublications(
      em,
      documents,
      created.map((c) => c.snapshot.bodyHtml),
    );
    return result;
  }

  /**
   * The batch's one outbox event, `archive.imported`, naming its stories (webhooks receive this, not an event
   * per story). Separate from `publish` so an importer writing batches side by side can append it in batch
   * order, once the batch before has committed.
   */
  async announce(
    em: EntityManager,
    actor: Actor,
    ref: ArchiveBatchRef,
    created: ArchivePublishResult['created'],
  ): Promise<void> {
    if (created.length === 0) return;
    await this.outbox.append(em, {
      type: 'archive.imported',
      articleId: null,
      version: null,
      actorId: actor.id,
      payload: {
        importJobId: ref.importJobId,
        fromRecord: ref.fromRecord,
        toRecord: ref.toRecord,
        count: created.length,
        articles: created.map(({ id, slug, language }) => ({ id, slug, language })),
      },
    });
  }

  /**
   * The read model rows, as the projector writes them (document, filter columns, search vector). The document
   * travels without its body texts, added from the columns (the body text from the article row just written),
   * so PostgreSQL does not lex long texts out of JSON.
   */
  private async insertPublications(
    em: EntityManager,
    documents: readonly PublicDocument[],
    stored: readonly string[],
  ): Promise<void> {
    const search = documents.map((d) => searchTexts(d.language, d));
    const bodies = documents.map((d, i) => asInsertion(d.bodyHtml, stored[i]));
    // With every version that was ever public: this one, valid from the story's own publication time (taken
    // from the rows as inserted, not read back).
    await em.query(
      `WITH inserted AS (INSERT INTO publication (article_id, translation_group_id, language, slug, genre, status, version, document,
         tag_ids, author_ids, first_published_at, published_at, updated_at, embargo_until, search, document_schema,
         media_ids)
       SELECT a.id, a.translation_group_id, a.language, a.slug, a.genre, 'live', 1,
         x.document || jsonb_build_object('bodyHtml',
           coalesce(x.body_html, x.head || x.lead || substr(a.body_html, char_length(x.head) + 1)), 'bodyText', a.body_text),
         x.tag_ids::uuid[], x.author_ids::uuid[], a.published_at, a.published_at, a.published_at, NULL,
         setweight(to_tsvector(x.config::regconfig, x.a), 'A') || setweight(to_tsvector(x.config::regconfig, x.b), 'B')
           || setweight(to_tsvector(x.config::regconfig, a.body_text), 'C'),
         $8, '{}'
         FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $9::text[],
                     $10::text[], $11::text[])
           AS x(id, document, body_html, tag_ids, author_ids, config, a, b, head, lead)
         JOIN article a ON a.id = x.id
       RETURNING article_id, version, status, document, document_schema, published_at)
       INSERT INTO publication_version (article_id, version, status, change, document, document_schema,
         valid_from, embargo_until, article_version)
       SELECT article_id, version, status, 'publish', document, document_schema, published_at, NULL, 1
         FROM inserted`,
      [
        documents.map((d) => d.id),
        jsonbArray(documents.map(({ bodyHtml: _html, bodyText: _text, ...rest }) => JSON.stringify(rest))),
        textArray(bodies.map((b) => b.html)),
        textArray(documents.map((d) => `{${d.tags.map((t) => t.id).join(',')}}`)),
        textArray(documents.map((d) => `{${d.authors.map((x) => x.id).join(',')}}`)),
        textArray(search.map((x) => x.config)),
        textArray(search.map((x) => x.a)),
        PUBLIC_DOCUMENT_SCHEMA,
        textArray(search.map((x) => x.b)),
        textArray(bodies.map((b) => b.head)),
        textArray(bodies.map((b) => b.lead)),
      ],
    );
  }
}

/**
 * A public body as the stored body with a piece put in (the dateline in front of the first paragraph's
 * text): `head` (the stored body's first characters) and `lead` (what goes after them), so the long text
 * is not sent to PostgreSQL a second time. When the public body is not of that form, it is sent whole
 * (`html`).
 */
export function asInsertion(
  publicHtml: string,
  storedHtml: string,
): { html: string | null; head: string | null; lead: string | null } {
  const whole = { html: publicHtml, head: null, lead: null };
  const extra = publicHtml.length - storedHtml.length;
  if (extra < 0) return whole;
  if (extra === 0 && publicHtml === storedHtml) return { html: null, head: '', lead: '' };
  let k = 0;
  while (k < storedHtml.length && publicHtml.charCodeAt(k) === storedHtml.charCodeAt(k)) k += 1;
  // Cut between two characters only (not inside a surrogate pair), and only when the rest matches.
  const code = storedHtml.charCodeAt(k - 1);
  if (k > 0 && code >= 0xd800 && code <= 0xdbff) return whole;
  if (!publicHtml.endsWith(storedHtml.slice(k))) return whole;
  return { html: null, head: storedHtml.slice(0, k), lead: publicHtml.slice(k, k + extra) };
}
