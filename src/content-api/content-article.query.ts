import type { ContentAccess } from '../api-keys/content-access.guard';
import { type CursorValue, decodeCursor, encodeCursor } from '../common/pagination';
import { badRequest } from '../common/errors';
import { textSearchConfig } from '../publishing/publication.renderer';
import { embargoFlagTextSql, visibleSql } from './content-visibility';

/** What a list of articles is narrowed to. Every field is optional; visibility is not one of them. */
export interface ArticleFilters {
  tagIds?: string[];
  authorId?: string;
  lang?: string;
  genre?: string;
  /** ISO date-times, inclusive, on first_published_at */
  from?: string;
  to?: string;
  q?: string;
  /** Only articles first published in the last N hours (the news sitemap) */
  recentHours?: number;
}

/** item: the document without the body (lists); full: the whole document (feeds); teaser: a link's worth. */
export type ArticleShape = 'item' | 'full' | 'teaser';

export interface ArticleRow {
  doc: string;
  fp: string;
  id: string;
  rank: number | null;
}

export interface ListCursor {
  rank?: number;
  firstPublishedAt: string;
  id: string;
}

export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

// Without a language, a query is matched in the configurations most of the newsroom's text is indexed
// with (each row's tsvector was built with its own language's): OR of simple, english and russian.
const DEFAULT_SEARCH_CONFIGS = ['simple', 'english', 'russian'];

/** The tsquery of a search; configuration names come from a fixed table, never from the request. */
export function tsQuerySql(lang: string | undefined, param: string): string {
  const configs = lang ? [textSearchConfig(lang)] : DEFAULT_SEARCH_CONFIGS;
  return configs.map((c) => `websearch_to_tsquery('${c}'::regconfig, ${param})`).join(' || ');
}

// Each shape as JSON text. `list_item` is the stored `(document - 'bodyHtml' - 'bodyText')::text`.
const DOC: Record<ArticleShape, string> = {
  item: 'p.list_item',
  full: 'p.document::text',
  teaser: `jsonb_build_object('id', p.article_id, 'slug', p.slug, 'language', p.language,
    'headline', p.document -> 'headline', 'firstPublishedAt', p.document -> 'firstPublishedAt')::text`,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:\d{2})?)$/;

/** Reads a list cursor (2 values without q, 3 with), or fails with 400. */
export function decodeListCursor(cursor: string, ranked: boolean): ListCursor {
  const values: CursorValue[] = decodeCursor(cursor, ranked ? 3 : 2);
  const [rank, fp, id] = ranked ? values : [undefined, ...values];
  if (
    typeof fp !== 'string' ||
    !ISO.test(fp) ||
    Number.isNaN(Date.parse(fp)) ||
    typeof id !== 'string' ||
    !UUID.test(id) ||
    (ranked && (typeof rank !== 'number' || !Number.isFinite(rank)))
  ) {
    throw badRequest('Malformed cursor', { field: 'cursor' });
  }
  return { rank: ranked ? (rank as number) : undefined, firstPublishedAt: fp, id };
}

export function encodeListCursor(row: ArticleRow, ranked: boolean): string {
  return encodeCursor(ranked ? [row.rank, row.fp, row.id] : [row.fp, row.id]);
}

/**
 * One query for a page of articles, newest first (or by rank with q), through the visibility filter.
 * The inner query picks the page by index (keyset, `publication_live_first_published_idx`, or the GIN
 * indexes for tags/authors/search); only the rows of the page are then shaped into JSON text.
 */
export function articlePageSql(
  access: ContentAccess,
  f: ArticleFilters,
  shape: ArticleShape,
  limit: number,
  cursor?: ListCursor,
): { text: string; values: unknown[] } {
  const ps = new SqlParams();
  const where = [visibleSql('p', access)];
  if (f.tagIds?.length) where.push(`p.tag_ids @> ${ps.add(f.tagIds)}::uuid[]`);
  if (f.authorId) where.push(`p.author_ids @> ARRAY[${ps.add(f.authorId)}::uuid]`);
  if (f.lang) where.push(`p.language = ${ps.add(f.lang)}`);
  if (f.genre) where.push(`p.genre = ${ps.add(f.genre)}`);
  if (f.from) where.push(`p.first_published_at >= ${ps.add(f.from)}::timestamptz`);
  if (f.to) where.push(`p.first_published_at <= ${ps.add(f.to)}::timestamptz`);
  if (f.recentHours) {
    where.push(`p.first_published_at >= now() - make_interval(hours => ${ps.add(f.recentHours)}::int)`);
  }
  let from = 'publication p';
  let rank = 'NULL::real';
  let order = 'p.first_published_at DESC, p.article_id DESC';
  if (f.q) {
    // OFFSET 0 keeps the tsquery out of planning: estimated from its lexemes, a common word (or the
    // same lexeme from several configurations) looks frequent enough for a sequential scan, which must
    // de-TOAST every row's tsvector (50 ms at 10k rows); the GIN bitmap reads only the matches.
    from += `, (SELECT ${tsQuerySql(f.lang, ps.add(f.q))} AS q OFFSET 0) query`;
    where.push('p.search @@ query.q');
    // Ranked by headline, subheadline, summary and tag names (weights A and B); matches in the body
    // alone rank 0 and so follow, newest first.
    rank = 'ts_rank(p.search_rank, query.q)';
    order = `rank DESC, ${order}`;
    if (cursor) {
      where.push(
        `(${rank}, p.first_published_at, p.article_id) < (${ps.add(cursor.rank)}::real, ${ps.add(cursor.firstPublishedAt)}::timestamptz, ${ps.add(cursor.id)}::uuid)`,
      );
    }
  } else if (cursor) {
    where.push(
      `(p.first_published_at, p.article_id) < (${ps.add(cursor.firstPublishedAt)}::timestamptz, ${ps.add(cursor.id)}::uuid)`,
    );
  }
  const text = `SELECT ${embargoFlagTextSql('p', DOC[shape], access)} AS doc,
      to_json(p.first_published_at) #>> '{}' AS fp, p.article_id AS id, page.rank
    FROM (
      SELECT p.article_id, p.first_published_at, ${rank} AS rank
      FROM ${from}
      WHERE ${where.join(' AND ')}
      ORDER BY ${order}
      LIMIT ${ps.add(limit + 1)}
    ) page
    JOIN publication p ON p.article_id = page.article_id
    ORDER BY page.rank DESC NULLS LAST, page.first_published_at DESC, page.article_id DESC`;
  return { text, values: ps.values };
}

/** `{"data":[…],"meta":{"nextCursor":…}}` from rows fetched with limit + 1, without parsing the documents. */
export function pageJson(rows: ArticleRow[], limit: number, ranked: boolean): string {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const next = more ? encodeListCursor(page[page.length - 1], ranked) : null;
  return `{"data":[${page.map((r) => r.doc).join(',')}],"meta":{"nextCursor":${JSON.stringify(next)}}}`;
}
