import { Injectable } from '@nestjs/common';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { badRequest, notFound } from '../common/errors';
import {
  type ArticleRow,
  SqlParams,
  articlePageSql,
  decodeListCursor,
  pageJson,
} from './content-article.query';
import { type ContentBody, JSON_TYPE } from './content-cache';
import { ContentDb } from './content-db';
import type { ContentAuthorsQueryDto, ContentTagsQueryDto, ContentTaxonomyPageQueryDto } from './content.dto';
import { ContentLookup, type SlugTarget } from './content-lookup.service';
import { embargoFlagSql, visiblePublications } from './content-visibility';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LATEST = 3;

interface TaxonomyRow {
  doc: string;
  id: string;
  name_key: string;
}

type Kind = 'tag' | 'author';

// Only the public columns of each table (never an author's email or staff account).
const COLUMNS: Record<Kind, string> = {
  tag: `'id', x.id, 'slug', x.slug, 'name', x.name, 'kind', x.kind, 'uri', x.external_uri, 'description', x.description`,
  author: `'id', x.id, 'slug', x.slug, 'name', x.name, 'title', x.title, 'bio', x.bio, 'avatarUrl', x.avatar_url`,
};
const MATCH: Record<Kind, string> = {
  tag: 'p.tag_ids @> ARRAY[x.id]',
  author: 'p.author_ids @> ARRAY[x.id]',
};

/** `/path?query` of the request with the slug segment replaced (redirects keep the query string). */
export function redirectUrl(requestUrl: string, fromSlug: string, toSlug: string): string {
  const q = requestUrl.indexOf('?');
  const path = q === -1 ? requestUrl : requestUrl.slice(0, q);
  const search = q === -1 ? '' : requestUrl.slice(q);
  const segments = path.split('/');
  const i = segments.lastIndexOf(encodeURIComponent(fromSlug));
  if (i !== -1) segments[i] = encodeURIComponent(toSlug);
  return segments.join('/') + search;
}

/** Tags and authors with public articles, each with its latest ones; tag and author pages. */
@Injectable()
export class ContentTaxonomyService {
  constructor(
    private readonly db: ContentDb,
    private readonly lookup: ContentLookup,
  ) {}

  /** Condition on a visible publication p: of tag/author x, in the language when asked. */
  private articlesOf(kind: Kind, ps: SqlParams, lang: string | undefined): string {
    return `${MATCH[kind]}${lang ? ` AND p.language = ${ps.add(lang)}` : ''}`;
  }

  private teasersSql(kind: Kind, access: ContentAccess, ps: SqlParams, lang: string | undefined): string {
    return `(SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.article_id, 'slug', p.slug,
          'language', p.language, 'headline', p.document -> 'headline',
          'firstPublishedAt', p.document -> 'firstPublishedAt')${embargoFlagSql('p', access)}
          ORDER BY p.first_published_at DESC, p.article_id DESC), '[]'::jsonb)
        FROM (SELECT p.* FROM ${visiblePublications(access)} WHERE ${this.articlesOf(kind, ps, lang)}
          ORDER BY p.first_published_at DESC, p.article_id DESC LIMIT ${LATEST}) p)`;
  }

  /** GET /tags or /authors: by name, only those with visible articles (in `lang`). */
  async list(
    kind: Kind,
    access: ContentAccess,
    query: ContentTagsQueryDto | ContentAuthorsQueryDto,
  ): Promise<ContentBody> {
    const limit = query.limit ?? 20;
    const ps = new SqlParams();
    // OFFSET 0: probe each tag/author in name order (stopping at the page) rather than join every article.
    const where = [
      `EXISTS (SELECT 1 FROM ${visiblePublications(access)} WHERE ${this.articlesOf(kind, ps, query.lang)} OFFSET 0)`,
    ];
    if ('kind' in query && query.kind) where.push(`x.kind = ${ps.add(query.kind)}`);
    if (query.cursor) {
      const [nameKey, id] = decodeCursor(query.cursor, 2, `content-${kind}s`);
      if (typeof nameKey !== 'string' || typeof id !== 'string' || !UUID.test(id)) {
        throw badRequest('Malformed cursor', { field: 'cursor' });
      }
      where.push(`(lower(x.name), x.id) > (${ps.add(nameKey)}, ${ps.add(id)}::uuid)`);
    }
    const table = kind === 'tag' ? 'tag' : 'author';
    const rows = await this.db.rows<TaxonomyRow>(
      `SELECT (jsonb_build_object(${COLUMNS[kind]}) || jsonb_build_object('latestArticles',
          ${this.teasersSql(kind, access, ps, query.lang)}))::text AS doc,
        x.id, lower(x.name) AS name_key
      FROM ${table} x
      WHERE ${where.join(' AND ')}
      ORDER BY lower(x.name), x.id
      LIMIT ${ps.add(limit + 1)}`,
      ps.values,
    );
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page.at(-1);
    const next = more && last ? encodeCursor(`content-${kind}s`, [last.name_key, last.id]) : null;
    return {
      body: `{"data":[${page.map((r) => r.doc).join(',')}],"meta":{"nextCursor":${JSON.stringify(next)}}}`,
      contentType: JSON_TYPE,
      keys: [kind === 'tag' ? 'tags' : 'authors', 'articles', ...page.map((r) => `${kind}:${r.id}`)],
    };
  }

  /**
   * GET /tags/:slug or /authors/:slug: the tag or author with a page of its visible articles (the
   * cursor is that of /articles?tag= / ?author=). An old slug of a merged tag answers 301 to the
   * target; no visible article answers 404.
   */
  async get(
    kind: Kind,
    access: ContentAccess,
    slug: string,
    query: ContentTaxonomyPageQueryDto,
    requestUrl: string,
  ): Promise<ContentBody> {
    const cursor = query.cursor === undefined ? undefined : decodeListCursor(query.cursor, false);
    const found = await this.resolve(kind, slug, requestUrl);
    if ('redirect' in found) return found.redirect;
    const { target } = found;
    const what = kind === 'tag' ? 'Tag' : 'Author';

    const ps = new SqlParams();
    const idParam = ps.add(target.id);
    const [row] = await this.db.rows<{ doc: string }>(
      `SELECT jsonb_build_object(${COLUMNS[kind]})::text AS doc FROM ${kind === 'tag' ? 'tag' : 'author'} x
       WHERE x.id = ${idParam}
         AND EXISTS (SELECT 1 FROM ${visiblePublications(access)} WHERE ${this.articlesOf(kind, ps, query.lang)})`,
      ps.values,
    );
    if (!row) throw notFound(what);
    const limit = query.limit ?? 20;
    const filters = kind === 'tag' ? { tagIds: [target.id] } : { authorId: target.id };
    const { text, values } = articlePageSql(access, { ...filters, lang: query.lang }, 'item', limit, cursor);
    const articles = await this.db.rows<ArticleRow>(text, values);
    return {
      body: `${row.doc.slice(0, -1)}, "articles": ${pageJson(articles, limit, false)}}`,
      contentType: JSON_TYPE,
      keys: [`${kind}:${target.id}`, 'articles'],
    };
  }

  /**
   * The tag or author a slug names (tag and author pages, their feeds); an old slug of a merged tag
   * gives the 301 to the current one instead, an unknown slug a 404.
   */
  async resolve(
    kind: Kind,
    slug: string,
    requestUrl: string,
  ): Promise<{ target: SlugTarget } | { redirect: ContentBody }> {
    const target = kind === 'tag' ? await this.lookup.tag(slug) : await this.lookup.author(slug);
    if (!target) throw notFound(kind === 'tag' ? 'Tag' : 'Author');
    if (target.slug === slug) return { target };
    const location = redirectUrl(requestUrl, slug, target.slug);
    return {
      redirect: {
        body: JSON.stringify({ statusCode: 301, message: `Moved to ${location}`, location }),
        contentType: JSON_TYPE,
        keys: [`${kind}:${target.id}`],
        status: 301,
        location,
      },
    };
  }
}
