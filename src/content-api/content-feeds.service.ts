import { Inject, Injectable } from '@nestjs/common';
import { Feed } from 'feed';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { notFound } from '../common/errors';
import { contentConfig, type ContentConfig } from '../config/configuration';
import type { PublicDocument } from '../publishing/publication.renderer';
import { type ArticleFilters, type ArticleRow, articlePageSql } from './content-article.query';
import type { ContentBody } from './content-cache';
import { ContentDb } from './content-db';
import { ContentTaxonomyService } from './content-taxonomy.service';
import { visibleSql } from './content-visibility';
import { ninjsUri } from './ninjs.mapper';

export const FEED_FORMATS = ['rss', 'atom', 'json'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];
export type FeedScope = { kind: 'all' } | { kind: 'tag' | 'author'; slug: string };

/** rss.xml → rss, atom.xml → atom, feed.json → json; anything else is not a feed (404). */
export function feedFormatOf(file: string): FeedFormat {
  const format = FEED_FORMATS.find((f) => FILE[f] === file);
  if (!format) throw notFound('Feed', { file, files: FEED_FORMATS.map((f) => FILE[f]) });
  return format;
}

const FEED_ITEMS = 50;
const SITEMAP_HOURS = 48;
const SITEMAP_MAX_URLS = 1000;

const FILE: Record<FeedFormat, string> = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };
const TYPE: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

// Characters XML 1.0 does not allow, even escaped.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
export function xmlText(s: string): string {
  return s
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Google News wants an ISO 639 code, and zh-cn / zh-tw for Chinese. */
export function newsLanguage(language: string): string {
  const [primary, ...rest] = language.toLowerCase().split('-');
  if (primary !== 'zh') return primary;
  return rest.some((r) => r === 'hant' || r === 'tw' || r === 'hk' || r === 'mo') ? 'zh-tw' : 'zh-cn';
}

/** RSS 2.0 and Atom (the `feed` library), JSON Feed 1.1, and the Google News sitemap. */
@Injectable()
export class ContentFeedsService {
  constructor(
    private readonly db: ContentDb,
    private readonly taxonomy: ContentTaxonomyService,
    @Inject(contentConfig.KEY) private readonly config: ContentConfig,
  ) {}

  articleUrl(slug: string, language: string): string {
    return this.config.articleUrl
      .replaceAll('{slug}', encodeURIComponent(slug))
      .replaceAll('{language}', encodeURIComponent(language));
  }

  async feed(
    access: ContentAccess,
    file: string,
    scope: FeedScope,
    lang: string | undefined,
    requestUrl: string,
  ): Promise<ContentBody> {
    const format = feedFormatOf(file);
    const filters: ArticleFilters = { lang };
    const keys = ['articles', 'feeds'];
    let name: string | undefined;
    let path = '/api/v1/content/feeds';
    if (scope.kind !== 'all') {
      const found = await this.taxonomy.resolve(scope.kind, scope.slug, requestUrl);
      if ('redirect' in found) return found.redirect;
      const { target } = found;
      const what = scope.kind === 'tag' ? 'Tag' : 'Author';
      // A feed names its tag or author only when they have visible articles (a name can say too much).
      const [row] = await this.db.rows<{ name: string }>(
        `SELECT x.name FROM ${scope.kind} x WHERE x.id = $1 AND EXISTS (SELECT 1 FROM publication p
           WHERE p.${scope.kind}_ids @> ARRAY[x.id] AND ${visibleSql('p', access)})`,
        [target.id],
      );
      if (!row) throw notFound(what);
      name = row.name;
      keys.push(`${scope.kind}:${target.id}`);
      if (scope.kind === 'tag') filters.tagIds = [target.id];
      else filters.authorId = target.id;
      path += `/${scope.kind}s/${encodeURIComponent(target.slug)}`;
    }
    const { text, values } = articlePageSql(access, filters, 'full', FEED_ITEMS);
    const rows = await this.db.rows<ArticleRow>(text, values);
    const docs = rows
      .slice(0, FEED_ITEMS)
      .map((r) => JSON.parse(r.doc) as PublicDocument & { embargoed?: true });
    const query = lang ? `?lang=${encodeURIComponent(lang)}` : '';
    const links = {
      rss: `${this.config.baseUrl}${path}/${FILE.rss}${query}`,
      atom: `${this.config.baseUrl}${path}/${FILE.atom}${query}`,
      json: `${this.config.baseUrl}${path}/${FILE.json}${query}`,
    };
    const title = `${this.config.agencyName}${name ? `: ${name}` : ''}${lang ? ` (${lang})` : ''}`;
    // The newest change of the items, not the clock: the same items give the same bytes (and ETag).
    const updated = docs.reduce(
      (max, d) => (d.updatedAt > max ? d.updatedAt : max),
      '1970-01-01T00:00:00.000Z',
    );
    const body =
      format === 'json'
        ? this.jsonFeed(title, links.json, lang, docs)
        : this.xmlFeed(format, title, links, lang, new Date(updated), docs);
    return { body, contentType: TYPE[format], keys };
  }

  private xmlFeed(
    format: 'rss' | 'atom',
    title: string,
    links: Record<FeedFormat, string>,
    lang: string | undefined,
    updated: Date,
    docs: PublicDocument[],
  ): string {
    const feed = new Feed({
      title,
      id: links[format],
      link: this.config.baseUrl,
      description: `Latest articles from ${title}`,
      language: lang,
      updated,
      generator: 'Dateline',
      copyright: `© ${this.config.agencyName}`,
      feedLinks: { rss: links.rss, atom: links.atom, json: links.json },
    });
    for (const d of docs) {
      feed.addItem({
        title: d.headline,
        id: ninjsUri(d.id),
        guid: ninjsUri(d.id),
        link: this.articleUrl(d.slug, d.language),
        date: new Date(d.updatedAt),
        published: new Date(d.firstPublishedAt),
        description: d.summary ?? undefined,
        content: d.bodyHtml,
        author: d.authors.map((a) => ({ name: a.name })),
        category: d.tags.map((t) => ({ name: t.name, term: t.slug, ...(t.uri ? { scheme: t.uri } : {}) })),
      });
    }
    return format === 'rss' ? feed.rss2() : feed.atom1();
  }

  /** JSON Feed 1.1 (https://jsonfeed.org/version/1.1); `_dateline` is our extension object. */
  private jsonFeed(
    title: string,
    self: string,
    lang: string | undefined,
    docs: (PublicDocument & { embargoed?: true })[],
  ): string {
    return JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title,
      home_page_url: this.config.baseUrl,
      feed_url: self,
      ...(lang ? { language: lang } : {}),
      authors: [{ name: this.config.agencyName }],
      items: docs.map((d) => ({
        id: ninjsUri(d.id),
        url: this.articleUrl(d.slug, d.language),
        title: d.headline,
        content_html: d.bodyHtml,
        content_text: d.bodyText,
        ...(d.summary ? { summary: d.summary } : {}),
        date_published: d.firstPublishedAt,
        date_modified: d.updatedAt,
        authors: d.authors.map((a) => ({ name: a.name })),
        tags: d.tags.map((t) => t.name),
        language: d.language,
        _dateline: { slug: d.slug, version: d.version, ...(d.embargoed ? { embargoed: true } : {}) },
      })),
    });
  }

  /** Google News sitemap: the articles first published in the last 48 hours (at most 1,000). */
  async newsSitemap(access: ContentAccess): Promise<ContentBody> {
    const { text, values } = articlePageSql(
      access,
      { recentHours: SITEMAP_HOURS },
      'teaser',
      SITEMAP_MAX_URLS,
    );
    const rows = await this.db.rows<ArticleRow>(text, values);
    const publication = xmlText(this.config.agencyName);
    const urls = rows.slice(0, SITEMAP_MAX_URLS).map((r) => {
      const t = JSON.parse(r.doc) as {
        slug: string;
        language: string;
        headline: string;
        firstPublishedAt: string;
      };
      return `<url><loc>${xmlText(this.articleUrl(t.slug, t.language))}</loc><news:news><news:publication><news:name>${publication}</news:name><news:language>${xmlText(newsLanguage(t.language))}</news:language></news:publication><news:publication_date>${xmlText(t.firstPublishedAt)}</news:publication_date><news:title>${xmlText(t.headline)}</news:title></news:news></url>`;
    });
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n${urls.join('\n')}\n</urlset>\n`;
    return { body, contentType: 'application/xml; charset=utf-8', keys: ['articles', 'sitemaps'] };
  }
}
