import { hash } from 'node:crypto';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { type CursorValue, decodeCursor, encodeCursor } from '../common/pagination';
import { badRequest } from '../common/errors';
import { textSearchConfig } from '../publishing/publication.renderer';
import {
  addressedPublications,
  embargoFlagTextSql,
  taggedPublications,
  versionAt,
  visiblePublications,
} from './content-visibility';

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

/**
 * item: the document without the body (lists); full: the whole document (feeds); teaser: a link's worth;
 * sitemap: a teaser with the pictures.
 */
export type ArticleShape = 'item' | 'full' | 'teaser' | 'sitemap';

export interface ArticleRow {
  doc: string;
  fp: string;
  id: string;
  /** The public version of the row (a partner's delivery record notes it) */
  version: number;
  rank: number | null;
}

/** A place in the newest-first order. */
export interface ListPosition {
  firstPublishedAt: string;
  id: string;
}

/** A list cursor: the last row's place, and with q its search tier. */
export interface ListCursor extends ListPosition {
  rank?: number;
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

// Each shape as JSON text. `list_item` is the stored `(document - 'bodyHtml' - 'bodyText')::text`, and
// `document_text` the stored `document::text`.
const DOC: Record<ArticleShape, string> = {
  item: 'p.list_item',
  full: 'p.document_text',
  teaser: `jsonb_build_object('id', p.article_id, 'slug', p.slug, 'language', p.language,
    'headline', p.document -> 'headline', 'firstPublishedAt', p.document -> 'firstPublishedAt')::text`,
  sitemap: `jsonb_build_object('id', p.article_id, 'slug', p.slug, 'language', p.language,
    'headline', p.document -> 'headline', 'firstPublishedAt', p.document -> 'firstPublishedAt',
    'pictures', coalesce(p.document -> 'pictures', '[]'::jsonb))::text`,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:\d{2})?)$/;

// The scopes of list and search cursors (a tag or author page's cursor is a list cursor too).
const cursorScope = (ranked: boolean) => (ranked ? 'content-search' : 'content-articles');

/** Reads a list cursor (2 values without q, 3 with: the search tier first), or fails with 400. */
export function decodeListCursor(cursor: string, ranked: boolean): ListCursor {
  const values: CursorValue[] = decodeCursor(cursor, ranked ? 3 : 2, cursorScope(ranked));
  const [rank, fp, id] = ranked ? values : [undefined, ...values];
  if (
    typeof fp !== 'string' ||
    !ISO.test(fp) ||
    Number.isNaN(Date.parse(fp)) ||
    typeof id !== 'string' ||
    !UUID.test(id) ||
    (ranked && !SEARCH_TIERS.includes(rank as SearchTier))
  ) {
    throw badRequest('Malformed cursor', { field: 'cursor' });
  }
  return { rank: ranked ? (rank as number) : undefined, firstPublishedAt: fp, id };
}

export function encodeListCursor(row: Pick<ArticleRow, 'fp' | 'id' | 'rank'>, ranked: boolean): string {
  return encodeCursor(cursorScope(ranked), ranked ? [row.rank, row.fp, row.id] : [row.fp, row.id]);
}

/**
 * The narrowing filters (not q, not the cursor) as SQL conditions on a visible publication `p`; the
 * publication-time bounds on `dated` (`p`, or the tag link that walks the same order).
 */
function filterConditions(ps: SqlParams, f: ArticleFilters, dated = 'p'): string[] {
  // The relation is visible already; `true` keeps the WHERE well-formed when nothing narrows it.
  const where = ['true'];
  if (f.tagIds?.length) where.push(`p.tag_ids @> ${ps.add(f.tagIds)}::uuid[]`);
  if (f.authorId) where.push(`p.author_ids @> ARRAY[${ps.add(f.authorId)}::uuid]`);
  if (f.lang) where.push(`p.language = ${ps.add(f.lang)}`);
  if (f.genre) where.push(`p.genre = ${ps.add(f.genre)}`);
  if (f.from) where.push(`${dated}.first_published_at >= ${ps.add(f.from)}::timestamptz`);
  if (f.to) where.push(`${dated}.first_published_at <= ${ps.add(f.to)}::timestamptz`);
  if (f.recentHours) {
    where.push(
      `${dated}.first_published_at >= now() - make_interval(hours => ${ps.add(f.recentHours)}::int)`,
    );
  }
  return where;
}

/** filterConditions, and only rows after `after` in the newest-first order when it is given. */
function conditionsAfter(ps: SqlParams, f: ArticleFilters, after: ListPosition | undefined): string[] {
  const where = filterConditions(ps, f);
  if (after) where.push(olderThan(ps, 'p', after));
  return where;
}

/** Rows strictly after a position in the newest-first order. */
function olderThan(ps: SqlParams, alias: string, at: ListPosition): string {
  return `(${alias}.first_published_at, ${alias}.article_id) < (${ps.add(at.firstPublishedAt)}::timestamptz, ${ps.add(at.id)}::uuid)`;
}

/** The page's rows (article_id, first_published_at, rank) shaped into JSON text, in page order. */
function shapedPage(access: ContentAccess, shape: ArticleShape, pageSql: string): string {
  return `SELECT ${embargoFlagTextSql('p', DOC[shape], access)} AS doc,
      to_json(p.first_published_at) #>> '{}' AS fp, p.article_id AS id, p.version, page.rank
    FROM (${pageSql}) page
    JOIN ${visiblePublications(access)} ON p.article_id = page.article_id
    ORDER BY page.rank DESC NULLS LAST, page.first_published_at DESC, page.article_id DESC`;
}

/**
 * One query for a page of articles, newest first, through the visibility filter (searches use the
 * search* functions below). The inner query picks the page by index: with tags, a range of the first
 * tag's links (`publication_tag_pkey`, the other tags checked on each row); else a keyset walk of
 * `publication_live_first_published_idx` (or the author GIN index). Only the rows of the page are then
 * shaped into JSON text.
 */
export function articlePageSql(
  access: ContentAccess,
  f: ArticleFilters,
  shape: ArticleShape,
  limit: number,
  cursor?: ListPosition,
): { text: string; values: unknown[] } {
  if (f.q !== undefined) throw new Error('articlePageSql does not search: use the search* queries');
  const ps = new SqlParams();
  const [tag] = f.tagIds ?? [];
  if (tag === undefined) {
    const where = conditionsAfter(ps, f, cursor);
    const page = `SELECT p.article_id, p.first_published_at, NULL::real AS rank
      FROM ${visiblePublications(access)}
      WHERE ${where.join(' AND ')}
      ORDER BY p.first_published_at DESC, p.article_id DESC
      LIMIT ${ps.add(limit + 1)}`;
    return { text: shapedPage(access, shape, page), values: ps.values };
  }
  const from = taggedPublications(access, ps.add(tag), 'p', 'pt');
  // The first tag is the links' own; repeating it on the row would make the planner count it twice and
  // expect to walk the whole range.
  const where = filterConditions(ps, { ...f, tagIds: f.tagIds!.slice(1) }, 'pt');
  if (cursor) where.push(olderThan(ps, 'pt', cursor));
  const page = `SELECT p.article_id, p.first_published_at, NULL::real AS rank
      FROM ${from}
      WHERE ${where.join(' AND ')}
      ORDER BY pt.first_published_at DESC, pt.article_id DESC
      LIMIT ${ps.add(limit + 1)}`;
  return { text: shapedPage(access, shape, page), values: ps.values };
}

/**
 * Search relevance tiers, best first: 2 = the query matches the headline, subheadline, summary and tag
 * names (weights A and B, `search_rank`); 1 = it matches only with the body. Within a tier, newest first.
 */
export type SearchTier = 1 | 2;
export const SEARCH_TIERS: readonly SearchTier[] = [2, 1];

/** Whether a row (alias) of `publication` belongs to the tier, given `query.q`. */
function inTier(tier: SearchTier, alias: string): string {
  return tier === 2
    ? `${alias}.search_rank @@ query.q AND ${alias}.search @@ query.q`
    : `${alias}.search @@ query.q AND NOT (${alias}.search_rank @@ query.q)`;
}

/**
 * The tsquery as a one-row relation. OFFSET 0 keeps it out of planning: estimated from its lexemes, a
 * common word (or the same lexeme from several configurations) looks frequent enough for a sequential
 * scan that de-TOASTs every row's tsvector.
 */
function queryRelation(ps: SqlParams, f: ArticleFilters): string {
  return `(SELECT ${tsQuerySql(f.lang, ps.add(f.q))} AS q OFFSET 0) query`;
}

/**
 * The first `need` matches of a tier among the next `window` visible rows after `after` (newest first):
 * a walk down the date index that stops as soon as it has them, so a common word costs a few hundred
 * rows however many articles match. Fewer than `need` rows back means the window ran out first.
 */
export function searchWindowSql(
  access: ContentAccess,
  f: ArticleFilters,
  shape: ArticleShape,
  tier: SearchTier,
  need: number,
  window: number,
  after?: ListPosition,
): { text: string; values: unknown[] } {
  const ps = new SqlParams();
  const where = conditionsAfter(ps, f, after);
  const page = `SELECT w.article_id, w.first_published_at, ${tier}::real AS rank
      FROM (SELECT p.article_id, p.first_published_at, p.search, p.search_rank
            FROM ${visiblePublications(access)}
            WHERE ${where.join(' AND ')}
            ORDER BY p.first_published_at DESC, p.article_id DESC
            LIMIT ${ps.add(window)}) w,
        ${queryRelation(ps, f)}
      WHERE ${inTier(tier, 'w')}
      ORDER BY w.first_published_at DESC, w.article_id DESC
      LIMIT ${ps.add(need)}`;
  return { text: shapedPage(access, shape, page), values: ps.values };
}

/** The `window`-th visible row after `after` (where a window walk ended), if there are that many. */
export function searchWindowEndSql(
  access: ContentAccess,
  f: ArticleFilters,
  window: number,
  after?: ListPosition,
): { text: string; values: unknown[] } {
  const ps = new SqlParams();
  const where = conditionsAfter(ps, f, after);
  const text = `SELECT to_json(p.first_published_at) #>> '{}' AS fp, p.article_id AS id
      FROM ${visiblePublications(access)}
      WHERE ${where.join(' AND ')}
      ORDER BY p.first_published_at DESC, p.article_id DESC
      OFFSET ${ps.add(window - 1)} LIMIT 1`;
  return { text, values: ps.values };
}

/**
 * The first `need` matches of a tier after `after`, found through the GIN index and then sorted: for
 * the rest of a tier once a window walk ran out (the word is rare among recent articles), at a cost
 * that grows with the number of those matches.
 */
export function searchMatchesSql(
  access: ContentAccess,
  f: ArticleFilters,
  shape: ArticleShape,
  tier: SearchTier,
  need: number,
  after?: ListPosition,
): { text: string; values: unknown[] } {
  const ps = new SqlParams();
  const where = conditionsAfter(ps, f, after);
  where.push(inTier(tier, 'p'));
  // OFFSET 0: all matches by the GIN index first, then the newest; never a walk down the date index.
  const page = `SELECT m.article_id, m.first_published_at, ${tier}::real AS rank
      FROM (SELECT p.article_id, p.first_published_at
            FROM ${visiblePublications(access)}, ${queryRelation(ps, f)}
            WHERE ${where.join(' AND ')}
            OFFSET 0) m
      ORDER BY m.first_published_at DESC, m.article_id DESC
      LIMIT ${ps.add(need)}`;
  return { text: shapedPage(access, shape, page), values: ps.values };
}

/**
 * What PostgreSQL makes of a search (`$1` is q): `tree` is the part an index can look for (`T` when
 * nothing: only excluded words, or a word OR-ed with an excluded one), `text` the whole tsquery.
 */
export function searchPlanSql(lang: string | undefined): string {
  return `SELECT querytree(x.q) AS tree, x.q::text AS text FROM (SELECT ${tsQuerySql(lang, '$1')} AS q) x`;
}

/**
 * Whether the GIN index decides matches of this tsquery text exactly. It does for words, OR and
 * excluded words; a phrase (`<->`, also made from hyphenated words) it can only narrow to the rows
 * holding all its words, each then re-checked against its tsvector: for common words, almost every row.
 */
export const indexDecides = (tsquery: string): boolean => !/<(\d+|-)>/.test(tsquery);

/** The story versions of a page fetched with limit + 1 (what its body holds). */
export const pageItems = (rows: ArticleRow[], limit: number): { id: string; version: number }[] =>
  rows.slice(0, limit).map((r) => ({ id: r.id, version: r.version }));

/**
 * `{"data":[…],"meta":{"nextCursor":…}}` from rows fetched with limit + 1, without parsing the documents.
 * `resume`: where a search stopped looking (its work bound) before it found limit + 1 rows; the page
 * may then be short, even empty, and its cursor continues from there.
 */
export function pageJson(
  rows: Omit<ArticleRow, 'version'>[],
  limit: number,
  ranked: boolean,
  resume?: ListCursor,
): string {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const next = more
    ? encodeListCursor(page[page.length - 1], ranked)
    : resume
      ? encodeListCursor({ fp: resume.firstPublishedAt, id: resume.id, rank: resume.rank ?? null }, ranked)
      : null;
  return `{"data":[${page.map((r) => r.doc).join(',')}],"meta":{"nextCursor":${JSON.stringify(next)}}}`;
}

/**
 * The single-read query: by slug (publication_slug_idx) or language + slug
 * (publication_language_slug_key). Without a language the visible row wins, then a killed one, then
 * the one first published (the original of a translation family), then the language code. `$1` is the
 * slug, then the language when given, then the time when asked.
 *
 * The row's `body` is the document's stored JSON text (or the kill notice); `translations` (the other
 * visible languages, a JSON object) and `embargoed` are returned beside it, and singleArticleBody puts
 * them into the text. Splicing them into the jsonb and printing it took most of the read's time in PostgreSQL.
 */
export function singleArticleSql(
  access: ContentAccess,
  slug: string,
  lang: string | undefined,
  asOf: string | undefined,
): { text: string; values: unknown[] } {
  const values: unknown[] = [slug];
  let where = 'p.slug = $1';
  if (lang !== undefined) {
    values.push(lang);
    where += ` AND p.language = $${values.length}`;
  }
  const translations = `(SELECT coalesce(jsonb_object_agg(t.language, t.slug), '{}'::jsonb)::text
      FROM ${visiblePublications(access, 't')}
      WHERE t.translation_group_id = p.translation_group_id AND t.article_id <> p.article_id)`;
  let shown = 'p.visible';
  let document = 'p.document_text';
  let md5 = 'p.document_md5';
  let version = 'p.version';
  let join = '';
  let embargoed = 'p.embargo_until > now()';
  if (asOf !== undefined) {
    values.push(asOf);
    const at = `least($${values.length}::timestamptz, now())`;
    // The version valid at that time (publication_version_pkey), shown only if it was released then.
    join = `LEFT JOIN ${versionAt(access, 'p', at, 'v')} ON true`;
    shown = 'p.visible AND v.document IS NOT NULL';
    document = 'v.document::text';
    md5 = 'NULL::text';
    version = 'v.version';
    embargoed = `v.embargo_until > ${at}`;
  }
  const text = `SELECT p.article_id AS id, ${version} AS version, p.state,
      CASE WHEN ${shown} THEN ${document} ELSE p.gone END AS body, ${md5} AS document_md5,
      CASE WHEN ${shown} THEN ${translations} END AS translations,
      ${access.embargoed ? `CASE WHEN ${shown} THEN ${embargoed} END` : 'NULL::boolean'} AS embargoed,
      array_to_string(p.tag_ids, ' ') AS tag_ids, array_to_string(p.author_ids, ' ') AS author_ids
    FROM ${addressedPublications(access, 'p')} ${join}
    WHERE ${where}
    ORDER BY p.visible DESC, p.killed DESC, p.first_published_at, p.language
    LIMIT 1`;
  return { text, values };
}

/**
 * A single read's document as sent: its stored JSON text (always an object, so ending in `}`) with
 * `translations` added, and `"embargoed": true` for the embargoed scope while it is under embargo (the
 * document carries `embargoUntil` itself).
 */
export function singleArticleBody(document: string, translations: string, embargoed: boolean | null): string {
  return `${document.slice(0, -1)}, "translations": ${translations}${embargoed ? ', "embargoed": true' : ''}}`;
}

/**
 * The strong ETag of singleArticleBody's answer, from the stored MD5 of the document's text and what is
 * added to it: each body has its own, without hashing the whole body on every read.
 */
export function singleArticleEtag(
  documentMd5: string,
  translations: string,
  embargoed: boolean | null,
): string {
  if (translations === '{}' && !embargoed) return `"${documentMd5}"`;
  return `"${documentMd5}-${hash('sha1', embargoed ? `${translations} embargoed` : translations, 'base64url')}"`;
}
