import { Inject, Injectable } from '@nestjs/common';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { DomainError, badRequest, notFound } from '../common/errors';
import { contentConfig, type ContentConfig } from '../config/configuration';
import type { PublicDocument, PublicNotice } from '../publishing/publication.renderer';
import {
  type ArticleFilters,
  type ArticleRow,
  type ListCursor,
  SEARCH_TIERS,
  articlePageSql,
  decodeListCursor,
  singleArticleBody,
  singleArticleEtag,
  singleArticleSql,
  indexDecides,
  pageItems,
  pageJson,
  searchPlanSql,
  searchMatchesSql,
  searchWindowEndSql,
  searchWindowSql,
} from './content-article.query';
import {
  type ContentBody,
  ContentResponder,
  JSON_TYPE,
  NINJS_TYPE,
  type SentBody,
  finish,
} from './content-cache';
import { ContentDb } from './content-db';
import type { ContentArticleQueryDto, ContentArticlesQueryDto } from './content.dto';
import { ContentLookup } from './content-lookup.service';
import { ContentReadCache } from './content-read-cache.service';
import { toNinjs, toNinjsCanceled } from './ninjs.mapper';
import { SEARCH_BOUNDS, type SearchBounds } from './search-bounds';

interface SingleRow {
  id: string;
  version: number;
  state: 'live' | 'killed' | 'hidden';
  body: string | null;
  /** The stored MD5 of the document's text (not for a version as of a time). */
  document_md5: string | null;
  translations: string | null;
  embargoed: boolean | null;
  tag_ids: string;
  author_ids: string;
}

interface Gone {
  id: string;
  slug: string;
  language: string;
  version: number;
  killedAt: string;
  notice: PublicNotice;
}

export const EMPTY_PAGE = '{"data":[],"meta":{"nextCursor":null}}';

/** An ISO date or date-time (validated by the DTO) as an exact UTC instant; a date alone is UTC midnight. */
export const toInstant = (s: string): string => new Date(s).toISOString();

/** Whether the Accept header asks for ninjs. */
export function acceptsNinjs(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    return type === 'application/ninjs+json' && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** The read cache's key of a single article's answer (also looked up by the front door, content-front-door.ts). */
export const articleCacheKey = (slug: string, lang: string | undefined, ninjs: boolean): string =>
  JSON.stringify(['article', slug, lang ?? null, ninjs]);

const sql = (q: { text: string; values: unknown[] }): [string, unknown[]] => [q.text, q.values];

/** Public reads of articles: lists, search, single documents, versions as of a time. */
@Injectable()
export class ContentArticlesService {
  /** The single-read query texts that do not depend on the reader (see singleSql). */
  private readonly singleTexts = new Map<string, string>();

  constructor(
    private readonly db: ContentDb,
    private readonly lookup: ContentLookup,
    private readonly responder: ContentResponder,
    private readonly cache: ContentReadCache,
    @Inject(contentConfig.KEY) private readonly config: ContentConfig,
    @Inject(SEARCH_BOUNDS) private readonly bounds: SearchBounds,
  ) {}

  /** Tag and author slugs → ids; null when one does not exist (so nothing can match). */
  async resolveFilters(
    query: Pick<ContentArticlesQueryDto, 'tag' | 'author' | 'lang' | 'genre' | 'from' | 'to' | 'q'>,
    keys: string[],
  ): Promise<ArticleFilters | null> {
    const from = query.from === undefined ? undefined : toInstant(query.from);
    const to = query.to === undefined ? undefined : toInstant(query.to);
    if (from !== undefined && to !== undefined && from > to) {
      throw badRequest('from must not be after to', { field: 'from' });
    }
    const filters: ArticleFilters = { lang: query.lang, genre: query.genre, from, to, q: query.q };
    if (query.tag) {
      const tags = await Promise.all([...new Set(query.tag)].map((slug) => this.lookup.tag(slug)));
      if (tags.some((t) => t === null)) return null;
      filters.tagIds = [...new Set(tags.map((t) => t!.id))];
      keys.push(...filters.tagIds.map((id) => `tag:${id}`));
    }
    if (query.author) {
      const author = await this.lookup.author(query.author);
      if (!author) return null;
      filters.authorId = author.id;
      keys.push(`author:${author.id}`);
    }
    return filters;
  }

  async list(access: ContentAccess, query: ContentArticlesQueryDto): Promise<SentBody> {
    const ranked = query.q !== undefined;
    const cursor = query.cursor === undefined ? undefined : decodeListCursor(query.cursor, ranked);
    const key = JSON.stringify([
      'list',
      query.tag ?? null,
      query.author ?? null,
      query.lang ?? null,
      query.genre ?? null,
      query.from ?? null,
      query.to ?? null,
      query.q ?? null,
      query.cursor ?? null,
      query.limit ?? null,
    ]);
    return this.cached(access, key, () => this.computeList(access, query, ranked, cursor));
  }

  private async computeList(
    access: ContentAccess,
    query: ContentArticlesQueryDto,
    ranked: boolean,
    cursor: ListCursor | undefined,
  ): Promise<ContentBody> {
    const keys = ['articles'];
    const filters = await this.resolveFilters(query, keys);
    if (!filters) return { body: EMPTY_PAGE, contentType: JSON_TYPE, keys };
    const limit = query.limit ?? 20;
    if (ranked) {
      const exact = await this.checkSearch(filters);
      const { rows, resume } = await this.searchRows(access, filters, limit + 1, cursor, exact);
      return {
        body: pageJson(rows, limit, true, resume),
        contentType: JSON_TYPE,
        keys,
        delivered: pageItems(rows, limit),
      };
    }
    const { text, values } = articlePageSql(access, filters, 'item', limit, cursor);
    // Prepared (planned once per connection) unless a tag or author narrows it: how many articles a tag
    // has decides between walking the date index and reading the tag's GIN entries, so those are planned
    // with their values each time.
    const prepared = filters.tagIds === undefined && filters.authorId === undefined;
    const rows = await this.db.rows<ArticleRow>(text, values, prepared);
    return {
      body: pageJson(rows, limit, false),
      contentType: JSON_TYPE,
      keys,
      delivered: pageItems(rows, limit),
    };
  }

  /**
   * Refuses a search that names nothing to look for (only excluded words, or one OR-ed with a word:
   * it matches almost every article, and no index can find those), and tells whether the GIN index
   * decides its matches exactly.
   */
  private async checkSearch(filters: ArticleFilters): Promise<boolean> {
    const [plan] = await this.db.rows<{ tree: string; text: string }>(
      searchPlanSql(filters.lang),
      [filters.q],
      true,
    );
    if (plan.tree === 'T') {
      throw badRequest(
        'q must contain a word to look for: -excluded words alone (or OR-ed with a word) match almost every article',
        {
          field: 'q',
        },
      );
    }
    return indexDecides(plan.text);
  }

  /**
   * The next `count` search results after the cursor: tier by tier (headline/summary/tag matches, then
   * body-only matches), each newest first. A tier is first looked for by walking the newest
   * `bounds.window` rows, which finds a common word's page after a few hundred rows; only when that
   * window runs out are the tier's remaining (so rarer) matches taken from the GIN index. The cost stays
   * bounded however many articles match, where ranking every match would grow with them.
   *
   * When the index cannot decide the matches (`exact` false: a phrase or an excluded word), it would
   * hand back every row holding the words, each then re-checked; so such a search instead walks further
   * windows, at most `bounds.scanBudget` rows a request, and stops there with `resume`, where the next
   * page goes on.
   */
  private async searchRows(
    access: ContentAccess,
    filters: ArticleFilters,
    count: number,
    cursor: ListCursor | undefined,
    exact: boolean,
  ): Promise<{ rows: ArticleRow[]; resume?: ListCursor }> {
    const rows: ArticleRow[] = [];
    let scanned = 0;
    // Where the window of newest rows ends, from the top: the same for both tiers, so read once.
    let topEnd: Promise<{ fp: string; id: string }[]> | undefined;
    const windowEnd = (after: ListCursor | undefined) => {
      const read = () =>
        this.db.rows<{ fp: string; id: string }>(
          ...sql(searchWindowEndSql(access, filters, this.bounds.window, after)),
        );
      return after ? read() : (topEnd ??= read());
    };
    for (const tier of SEARCH_TIERS) {
      if (rows.length === count) break;
      if (cursor?.rank !== undefined && tier > cursor.rank) continue;
      let after: ListCursor | undefined = cursor?.rank === tier ? cursor : undefined;
      let end: { fp: string; id: string } | undefined;
      for (;;) {
        rows.push(
          ...(await this.db.rows<ArticleRow>(
            ...sql(
              searchWindowSql(access, filters, 'item', tier, count - rows.length, this.bounds.window, after),
            ),
          )),
        );
        scanned += this.bounds.window;
        if (rows.length === count) return { rows };
        [end] = await windowEnd(after);
        // No end: the window held every remaining row. Exact searches turn to the index for the rest.
        if (!end || exact) break;
        after = { rank: tier, firstPublishedAt: end.fp, id: end.id };
        if (scanned >= this.bounds.scanBudget) return { rows, resume: after };
      }
      if (!end) continue; // this tier is complete
      const position = { firstPublishedAt: end.fp, id: end.id };
      rows.push(
        ...(await this.db.rows<ArticleRow>(
          ...sql(searchMatchesSql(access, filters, 'item', tier, count - rows.length, position)),
        )),
      );
    }
    return { rows };
  }

  /** One article by slug (and language), now or as it was public at `asOf`; killed → 410, else 404. */
  async get(
    access: ContentAccess,
    slug: string,
    query: ContentArticleQueryDto,
    accept: string | undefined,
  ): Promise<SentBody> {
    const ninjs = query.format === 'ninjs' || (query.format === undefined && acceptsNinjs(accept));
    const asOf = query.asOf === undefined ? undefined : toInstant(query.asOf);
    const compute = () => this.computeGet(access, slug, query.lang, asOf, ninjs);
    // Versions as of a time are not cached (rare, and each time is its own URL).
    if (asOf !== undefined) return finish((await this.db.read(compute)).value);
    return this.cached(access, articleCacheKey(slug, query.lang, ninjs), compute, slug);
  }

  /**
   * 200 responses through the read cache; embargoed-scope reads never touch it, and a partner's answers are
   * kept apart (its subscription, at its version, is part of the key).
   */
  private async cached(
    access: ContentAccess,
    key: string,
    compute: () => Promise<ContentBody>,
    slug?: string,
  ): Promise<SentBody> {
    if (access.embargoed) return finish((await this.db.read(compute)).value);
    const scope = access.partner;
    const found = this.cache.lookup(scope ? `partner ${scope.partnerId} ${scope.version} ${key}` : key, slug);
    if ('hit' in found) return { ...found.hit, cache: 'hit' };
    const ticket = found.ticket;
    // Requests for the same answer that come while it is read wait for that read instead of repeating it.
    const shared = ticket && this.cache.joinable(ticket);
    if (shared) return { ...(await shared), cache: 'shared' };
    // One read, on a replica that has replayed the newest change or on the primary; the ticket notes which.
    const answer = this.db.read(compute).then(({ value, source }) => {
      const sent = finish(value);
      if (ticket && (sent.status ?? 200) === 200) this.cache.store({ ...ticket, source }, sent);
      return sent;
    });
    if (ticket) this.cache.reads(ticket, answer);
    return { ...(await answer), cache: 'miss' };
  }

  private async computeGet(
    access: ContentAccess,
    slug: string,
    lang: string | undefined,
    asOf: string | undefined,
    ninjs: boolean,
  ): Promise<ContentBody> {
    const { text, values } = this.singleSql(access, slug, lang, asOf);
    const [row] = await this.db.rows<SingleRow>(text, values, true);
    if (!row || row.state === 'hidden') throw notFound('Article');
    const keys = [
      `article:${row.id}`,
      ...splitIds(row.tag_ids).map((id) => `tag:${id}`),
      ...splitIds(row.author_ids).map((id) => `author:${id}`),
    ];
    if (row.state === 'killed') {
      const gone = JSON.parse(row.body!) as Gone;
      if (ninjs) {
        return {
          body: JSON.stringify(toNinjsCanceled(gone)),
          contentType: NINJS_TYPE,
          keys,
          status: 410,
          vary: ['Accept'],
        };
      }
      throw new DomainError(
        'GONE',
        'This article has been withdrawn',
        { slug: gone.slug, language: gone.language, killedAt: gone.killedAt, notice: gone.notice },
        this.responder.errorHeaders(access, keys),
      );
    }
    if (row.body === null) throw notFound('Article', { asOf: 'not public at that time' });
    const body = singleArticleBody(row.body, row.translations!, row.embargoed);
    const delivered = [{ id: row.id, version: row.version }];
    if (!ninjs) {
      const etag =
        row.document_md5 === null
          ? undefined
          : singleArticleEtag(row.document_md5, row.translations!, row.embargoed);
      return { body, contentType: JSON_TYPE, keys, vary: ['Accept'], delivered, etag };
    }
    const doc = JSON.parse(body) as PublicDocument;
    return {
      body: JSON.stringify(toNinjs(doc, this.config.agencyName, new Date())),
      contentType: NINJS_TYPE,
      keys,
      vary: ['Accept'],
      delivered,
    };
  }

  /** The single-read query (singleArticleSql), its text kept for the readers whose text is always the same. */
  private singleSql(
    access: ContentAccess,
    slug: string,
    lang: string | undefined,
    asOf: string | undefined,
  ): { text: string; values: unknown[] } {
    // Without a partner or a time, the text depends only on the scope and whether a language is given:
    // built once each, so a read neither rebuilds it nor hashes a new string to find its prepared statement.
    if (!access.partner && asOf === undefined) {
      const key = `${access.embargoed ? 'e' : 'p'}${lang === undefined ? '' : 'l'}`;
      let text = this.singleTexts.get(key);
      if (text === undefined) {
        text = singleArticleSql(access, slug, lang, asOf).text;
        this.singleTexts.set(key, text);
      }
      return { text, values: lang === undefined ? [slug] : [slug, lang] };
    }
    return singleArticleSql(access, slug, lang, asOf);
  }
}

const splitIds = (s: string): string[] => (s === '' ? [] : s.split(' '));
