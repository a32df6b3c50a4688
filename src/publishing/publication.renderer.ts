import { escapeHtml } from '../common/html';
import { deriveByline, renderDateline } from '../articles/article-rules';
import type { ArticleSnapshot } from '../articles/article-snapshot';
import type { Author } from '../authors/author.entity';
import type { Tag } from '../tags/tag.entity';
import type { NoticeKind, PublicationStatus } from './publication.constants';
import { type PublicPicture, renderFigures } from './publication.pictures';

export type { PublicPicture, PublicRendition } from './publication.pictures';

export interface PublicNotice {
  kind: NoticeKind;
  text: string;
  at: string;
}

export interface PublicAuthor {
  id: string;
  slug: string;
  name: string;
  title: string | null;
  role: string;
  avatarUrl: string | null;
}

export interface PublicTag {
  id: string;
  slug: string;
  name: string;
  kind: string;
  uri: string | null;
}

/**
 * What a translation says of its source: the source article, its language, and the source's public version
 * whose text the translation matches (null when that text of the source had not been public when the
 * translation was rendered).
 */
export interface PublicTranslationOf {
  id: string;
  language: string;
  version: number | null;
}

/** The document front ends receive: shaped here once, served as is by the Content API. */
export interface PublicDocument {
  id: string;
  status: PublicationStatus;
  version: number;
  slug: string;
  language: string;
  translationGroupId: string;
  genre: string;
  headline: string;
  subheadline: string | null;
  summary: string | null;
  dateline: { place: string; agency: string | null; text: string } | null;
  bodyHtml: string;
  bodyText: string;
  wordCount: number;
  source: string | null;
  urgency: number;
  byline: string | null;
  authors: PublicAuthor[];
  tags: PublicTag[];
  /** The featured picture first, then the body's figures in order */
  pictures: PublicPicture[];
  firstPublishedAt: string;
  publishedAt: string;
  updatedAt: string;
  timezone: string;
  embargoUntil: string | null;
  notices: PublicNotice[];
  /** A translation's source; null for an original */
  translationOf: PublicTranslationOf | null;
}

/**
 * The shape of the stored public documents. A change to PublicDocument or KillDocument that front ends or
 * the projector would notice bumps it and adds a step to DOCUMENT_UPGRADES; live documents below it are
 * re-rendered after start-up (PublishingJobs), and stored documents the projector reuses are upgraded.
 */
export const PUBLIC_DOCUMENT_SCHEMA = 3;

/** DOCUMENT_UPGRADES[n] turns a schema-n document into schema n+1. */
const DOCUMENT_UPGRADES: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // Schema 2: live documents carry their pictures; before them there were none.
  1: (doc) => (doc.status === 'killed' ? doc : { ...doc, pictures: [] }),
  // Schema 3: live documents name a translation's source; the re-render after start-up fills it in.
  2: (doc) => (doc.status === 'killed' ? doc : { ...doc, translationOf: null }),
};

/** A stored document of any schema, upgraded to the current one. Throws on a schema newer than this code. */
export function readStoredDocument(
  schema: number,
  document: PublicDocument | KillDocument,
): PublicDocument | KillDocument {
  if (schema > PUBLIC_DOCUMENT_SCHEMA) {
    throw new Error(`Public document schema ${schema} is newer than this code (${PUBLIC_DOCUMENT_SCHEMA})`);
  }
  let doc = document as unknown as Record<string, unknown>;
  for (let v = schema; v < PUBLIC_DOCUMENT_SCHEMA; v++) {
    const step = DOCUMENT_UPGRADES[v];
    if (!step) throw new Error(`No upgrade for public document schema ${v}`);
    doc = step(doc);
  }
  return doc as unknown as PublicDocument | KillDocument;
}

/** What readers get in place of a killed item. */
export interface KillDocument {
  id: string;
  status: 'killed';
  version: number;
  slug: string;
  language: string;
  translationGroupId: string;
  headline: string;
  killedAt: string;
  notice: PublicNotice;
  notices: PublicNotice[];
}

export interface RenderTimes {
  firstPublishedAt: Date;
  publishedAt: Date;
  updatedAt: Date;
  embargoUntil: Date | null;
}

/** Puts the rendered dateline in front of the first paragraph's text; it is never stored in the body. */
export function withDateline(bodyHtml: string, dateline: string | null): string {
  if (!dateline) return bodyHtml;
  const lead = `<span class="dateline">${escapeHtml(dateline)}</span> `;
  const m = /<p(\s[^>]*)?>/i.exec(bodyHtml);
  if (m) return bodyHtml.slice(0, m.index + m[0].length) + lead + bodyHtml.slice(m.index + m[0].length);
  return `<p>${lead.trimEnd()}</p>${bodyHtml}`;
}

/**
 * Renders the public document of an article from the snapshot that was published, with the current
 * names of its authors and tags (so a rename re-renders without touching the newsroom copy).
 */
export function renderPublicDocument(
  snapshot: ArticleSnapshot,
  authors: ReadonlyMap<string, Author>,
  tags: ReadonlyMap<string, Tag>,
  notices: readonly PublicNotice[],
  times: RenderTimes,
  status: PublicationStatus,
  version: number,
  pictures: readonly PublicPicture[] = [],
  translationOf: PublicTranslationOf | null = null,
): PublicDocument {
  const credited = snapshot.authors.flatMap((a) => {
    const author = authors.get(a.id);
    return author ? [{ author, role: a.role }] : [];
  });
  const derivedByline = deriveByline(credited);
  const place = snapshot.dateline.place;
  const datelineText = renderDateline(place, snapshot.dateline.agency);
  return {
    id: snapshot.id,
    status,
    version,
    slug: snapshot.slug,
    language: snapshot.language,
    translationGroupId: snapshot.translationGroupId,
    genre: snapshot.genre,
    headline: snapshot.headline,
    subheadline: snapshot.subheadline,
    summary: snapshot.summary,
    dateline: place ? { place, agency: snapshot.dateline.agency, text: datelineText ?? place } : null,
    bodyHtml: withDateline(renderFigures(snapshot.bodyHtml, pictures), datelineText),
    bodyText: snapshot.bodyText,
    wordCount: snapshot.wordCount,
    source: snapshot.source,
    urgency: snapshot.urgency,
    byline: snapshot.bylineOverride ?? derivedByline,
    authors: credited.map(({ author, role }) => ({
      id: author.id,
      slug: author.slug,
      name: author.name,
      title: author.title,
      role,
      avatarUrl: author.avatarUrl,
    })),
    tags: snapshot.tags.flatMap((t) => {
      const tag = tags.get(t.id);
      return tag
        ? [{ id: tag.id, slug: tag.slug, name: tag.name, kind: tag.kind, uri: tag.externalUri }]
        : [];
    }),
    pictures: [...pictures],
    firstPublishedAt: times.firstPublishedAt.toISOString(),
    publishedAt: times.publishedAt.toISOString(),
    updatedAt: times.updatedAt.toISOString(),
    timezone: snapshot.timezone,
    embargoUntil: times.embargoUntil?.toISOString() ?? null,
    notices: [...notices],
    translationOf: translationOf ? { ...translationOf } : null,
  };
}

export function renderKillDocument(
  snapshot: Pick<ArticleSnapshot, 'id' | 'slug' | 'language' | 'translationGroupId' | 'headline'>,
  notice: PublicNotice,
  notices: readonly PublicNotice[],
  version: number,
): KillDocument {
  return {
    id: snapshot.id,
    status: 'killed',
    version,
    slug: snapshot.slug,
    language: snapshot.language,
    translationGroupId: snapshot.translationGroupId,
    headline: snapshot.headline,
    killedAt: notice.at,
    notice,
    notices: [...notices],
  };
}

// PostgreSQL text-search configurations by primary language subtag; `simple` where there is none (kk, zh…).
const TS_CONFIGS: Record<string, string> = {
  ar: 'arabic',
  da: 'danish',
  de: 'german',
  el: 'greek',
  en: 'english',
  es: 'spanish',
  fi: 'finnish',
  fr: 'french',
  hu: 'hungarian',
  id: 'indonesian',
  it: 'italian',
  lt: 'lithuanian',
  nl: 'dutch',
  no: 'norwegian',
  nb: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sr: 'serbian',
  sv: 'swedish',
  tr: 'turkish',
};

export function textSearchConfig(language: string): string {
  return TS_CONFIGS[language.split('-')[0].toLowerCase()] ?? 'simple';
}

/**
 * What `publication.search` is made of, weighted A (headline, subheadline), B (summary, tag names) and
 * C (body text), in the language's configuration. A killed document has nothing to find.
 */
export function searchTexts(
  language: string,
  live: PublicDocument | undefined,
): { config: string; a: string; b: string; c: string } {
  return {
    config: textSearchConfig(language),
    a: live ? `${live.headline} ${live.subheadline ?? ''}` : '',
    b: live ? `${live.summary ?? ''} ${live.tags.map((t) => t.name).join(' ')}` : '',
    c: live ? live.bodyText : '',
  };
}
