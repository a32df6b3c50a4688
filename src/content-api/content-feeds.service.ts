import { Inject, Injectable } from '@nestjs/common';
import type { ContentAccess } from '../api-keys/content-access.guard';
import { notFound } from '../common/errors';
import { contentConfig, type ContentConfig } from '../config/configuration';
import { leadPicture, renditionMimeType } from '../publishing/publication.pictures';
import type { PublicDocument, PublicPicture } from '../publishing/publication.renderer';
import { type ArticleFilters, type ArticleRow, articlePageSql } from './content-article.query';
import type { ContentBody } from './content-cache';
import { ContentDb } from './content-db';
import { ContentTaxonomyService } from './content-taxonomy.service';
import { type XmlNode, xmlDocument } from './feed-xml';
import { visiblePublications } from './content-visibility';
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

/** Our extension namespace in RSS and Atom: `embargoedUntil` marks an item still under embargo. */
export const DATELINE_FEED_NS = 'urn:x-dateline:feed';

type FeedDocument = PublicDocument & { embargoed?: true };

/** Google News wants an ISO 639 code, and zh-cn / zh-tw for Chinese. */
export function newsLanguage(language: string): string {
  const [primary, ...rest] = language.toLowerCase().split('-');
  if (primary !== 'zh') return primary;
  return rest.some((r) => r === 'hant' || r === 'tw' || r === 'hk' || r === 'mo') ? 'zh-tw' : 'zh-cn';
}

/** RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds, and the Google News sitemap. */
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
        `SELECT x.name FROM ${scope.kind} x WHERE x.id = $1 AND EXISTS (SELECT 1 FROM ${visiblePublications(access)}
           WHERE p.${scope.kind}_ids @> ARRAY[x.id])`,
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
    const docs = rows.slice(0, FEED_ITEMS).map((r) => JSON.parse(r.doc) as FeedDocument);
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
        : format === 'rss'
          ? this.rss(title, links, lang, updated, docs)
          : this.atom(title, links, updated, docs);
    return {
      body,
      contentType: TYPE[format],
      keys,
      delivered: rows.slice(0, FEED_ITEMS).map((r) => ({ id: r.id, version: r.version })),
    };
  }

  /** RSS 2.0 with the content, Dublin Core and Atom modules: summary, HTML body, one `dc:creator` per author. */
  private rss(
    title: string,
    links: Record<FeedFormat, string>,
    lang: string | undefined,
    updated: string,
    docs: FeedDocument[],
  ): string {
    const items = docs.map((d): XmlNode => ({
      title: d.headline,
      link: this.articleUrl(d.slug, d.language),
      guid: { '@_isPermaLink': 'false', '#text': ninjsUri(d.id) },
      pubDate: new Date(d.firstPublishedAt).toUTCString(),
      description: d.summary ?? undefined,
      'content:encoded': d.bodyHtml,
      'dc:creator': d.authors.map((a) => a.name),
      category: d.tags.map((t) => (t.uri ? { '@_domain': t.uri, '#text': t.name } : t.name)),
      ...rssPictures(d.pictures),
      'dateline:embargoedUntil': embargoedUntil(d),
    }));
    return xmlDocument('rss', {
      '@_version': '2.0',
      '@_xmlns:content': 'http://purl.org/rss/1.0/modules/content/',
      '@_xmlns:dc': 'http://purl.org/dc/elements/1.1/',
      '@_xmlns:atom': 'http://www.w3.org/2005/Atom',
      '@_xmlns:media': MEDIA_RSS_NS,
      '@_xmlns:dateline': DATELINE_FEED_NS,
      channel: {
        title,
        link: this.config.baseUrl,
        description: `Latest articles from ${title}`,
        lastBuildDate: new Date(updated).toUTCString(),
        docs: 'https://www.rssboard.org/rss-specification',
        generator: 'Dateline',
        language: lang,
        copyright: `© ${this.config.agencyName}`,
        'atom:link': { '@_href': links.rss, '@_rel': 'self', '@_type': 'application/rss+xml' },
        item: items,
      },
    });
  }

  /** Atom 1.0: headline and summary are plain text (`type="text"`), the body HTML (`type="html"`). */
  private atom(
    title: string,
    links: Record<FeedFormat, string>,
    updated: string,
    docs: FeedDocument[],
  ): string {
    const entries = docs.map((d): XmlNode => ({
      title: { '@_type': 'text', '#text': d.headline },
      id: ninjsUri(d.id),
      link: [
        { '@_rel': 'alternate', '@_type': 'text/html', '@_href': this.articleUrl(d.slug, d.language) },
        ...atomEnclosure(d.pictures),
      ],
      updated: d.updatedAt,
      published: d.firstPublishedAt,
      author: d.authors.map((a) => ({ name: a.name })),
      category: d.tags.map((t) => ({
        '@_term': t.slug,
        '@_label': t.name,
        ...(t.uri ? { '@_scheme': t.uri } : {}),
      })),
      summary: d.summary ? { '@_type': 'text', '#text': d.summary } : undefined,
      content: { '@_type': 'html', '#text': d.bodyHtml },
      'dateline:embargoedUntil': embargoedUntil(d),
    }));
    return xmlDocument('feed', {
      '@_xmlns': 'http://www.w3.org/2005/Atom',
      '@_xmlns:dateline': DATELINE_FEED_NS,
      id: links.atom,
      title: { '@_type': 'text', '#text': title },
      subtitle: { '@_type': 'text', '#text': `Latest articles from ${title}` },
      updated,
      generator: 'Dateline',
      rights: { '@_type': 'text', '#text': `© ${this.config.agencyName}` },
      // The feed's author stands in for entries that credit nobody (Atom requires one).
      author: { name: this.config.agencyName },
      link: [
        { '@_rel': 'alternate', '@_href': this.config.baseUrl },
        { '@_rel': 'self', '@_type': 'application/atom+xml', '@_href': links.atom },
      ],
      entry: entries,
    });
  }

  /** JSON Feed 1.1 (https://jsonfeed.org/version/1.1); `_dateline` is our extension object. */
  private jsonFeed(title: string, self: string, lang: string | undefined, docs: FeedDocument[]): string {
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
        ...(leadPicture(d.pictures) ? { image: leadPicture(d.pictures)!.rendition.url } : {}),
        language: d.language,
        _dateline: {
          slug: d.slug,
          version: d.version,
          ...(d.embargoed ? { embargoed: true, embargoedUntil: d.embargoUntil } : {}),
        },
      })),
    });
  }

  /**
   * Google News sitemap: the articles first published in the last 48 hours (at most 1,000). It has no
   * way to say "embargoed", so it lists released articles only, also for keys with content:embargoed.
   */
  async newsSitemap(access: ContentAccess): Promise<ContentBody> {
    const { text, values } = articlePageSql(
      { ...access, embargoed: false },
      { recentHours: SITEMAP_HOURS },
      'sitemap',
      SITEMAP_MAX_URLS,
    );
    const rows = await this.db.rows<ArticleRow>(text, values);
    const urls = rows.slice(0, SITEMAP_MAX_URLS).map((r): XmlNode => {
      const t = JSON.parse(r.doc) as Pick<
        PublicDocument,
        'slug' | 'language' | 'headline' | 'firstPublishedAt' | 'pictures'
      >;
      // Google's image extension: the largest rendition of each picture the story shows.
      const images = (t.pictures ?? []).flatMap((p) => {
        const largest = [...p.renditions].sort((a, b) => b.width - a.width)[0];
        return largest ? [{ 'image:loc': largest.url }] : [];
      });
      return {
        loc: this.articleUrl(t.slug, t.language),
        'news:news': {
          'news:publication': {
            'news:name': this.config.agencyName,
            'news:language': newsLanguage(t.language),
          },
          'news:publication_date': t.firstPublishedAt,
          'news:title': t.headline,
        },
        ...(images.length > 0 ? { 'image:image': images } : {}),
      };
    });
    const body = xmlDocument('urlset', {
      '@_xmlns': 'http://www.sitemaps.org/schemas/sitemap/0.9',
      '@_xmlns:news': 'http://www.google.com/schemas/sitemap-news/0.9',
      '@_xmlns:image': 'http://www.google.com/schemas/sitemap-image/1.1',
      url: urls,
    });
    return { body, contentType: 'application/xml; charset=utf-8', keys: ['articles', 'sitemaps'] };
  }
}

/** Media RSS, for `media:content`. */
export const MEDIA_RSS_NS = 'http://search.yahoo.com/mrss/';

/**
 * RSS: one `media:content` per picture (its default rendition, with caption, credit and copyright) and the
 * lead picture as the item's one `enclosure`.
 */
function rssPictures(pictures: PublicPicture[] | undefined): XmlNode {
  const contents = (pictures ?? []).flatMap((p): XmlNode[] => {
    const r = leadPicture([p])?.rendition;
    if (!r) return [];
    return [
      {
        '@_url': r.url,
        '@_medium': 'image',
        '@_type': renditionMimeType(r.format),
        '@_width': String(r.width),
        '@_height': String(r.height),
        ...(r.bytes ? { '@_fileSize': String(r.bytes) } : {}),
        ...(p.usage === 'featured' ? { '@_isDefault': 'true' } : {}),
        'media:description': p.caption ? { '@_type': 'plain', '#text': p.caption } : undefined,
        'media:text': p.alt ? { '@_type': 'plain', '#text': p.alt } : undefined,
        'media:credit': p.credit ?? undefined,
        'media:copyright': p.copyrightNotice ?? undefined,
      },
    ];
  });
  const lead = leadPicture(pictures);
  return {
    'media:content': contents.length > 0 ? contents : undefined,
    enclosure: lead
      ? {
          '@_url': lead.rendition.url,
          '@_length': String(lead.rendition.bytes ?? 0),
          '@_type': renditionMimeType(lead.rendition.format),
        }
      : undefined,
  };
}

/** Atom: the lead picture as `link rel="enclosure"`. */
function atomEnclosure(pictures: PublicPicture[] | undefined): XmlNode[] {
  const lead = leadPicture(pictures);
  if (!lead) return [];
  return [
    {
      '@_rel': 'enclosure',
      '@_type': renditionMimeType(lead.rendition.format),
      '@_href': lead.rendition.url,
      ...(lead.rendition.bytes ? { '@_length': String(lead.rendition.bytes) } : {}),
    },
  ];
}

/** The embargo time of an item a content:embargoed key sees while it is still under embargo. */
function embargoedUntil(d: FeedDocument): string | undefined {
  return d.embargoed && d.embargoUntil ? d.embargoUntil : undefined;
}
