import { isISO8601, isURL } from 'class-validator';
import {
  ARTICLE_GENRES,
  AUTHOR_ROLES,
  BODY_MAX,
  BYLINE_MAX,
  DATELINE_AGENCY_MAX,
  DATELINE_PLACE_MAX,
  HEADLINE_MAX,
  MAX_AUTHORS,
  MAX_TAGS,
  SOURCE_MAX,
  SUBHEADLINE_MAX,
  SUMMARY_MAX,
  type ArticleGenre,
  type AuthorRole,
  isSupportedLanguage,
} from '../../articles/article.constants';
import { SLUG_MAX, SLUG_PATTERN } from '../../common/slug';
import { TAG_KINDS, type TagKind } from '../../tags/tag.constants';

/** Longest external id an item may carry (a ninjs uri, a wire service's guid). */
export const EXTERNAL_ID_MAX = 500;
const NAME_MAX = 200;
const URI_MAX = 500;

/**
 * One archive item in Dateline's own NDJSON shape (docs/importing.md), and what the ninjs and Kazinform
 * readers turn their records into, once checked.
 */
export interface ArchiveItemFields {
  id?: string;
  headline: string;
  subheadline: string | null;
  summary: string | null;
  language?: string;
  slug?: string;
  genre?: ArticleGenre;
  dateline: { place: string; agency: string | null } | null;
  /** HTML; sanitized to the allow-list like every body. */
  body: string;
  source: string | null;
  byline: string | null;
  urgency?: number;
  authors: { name: string; role?: AuthorRole }[];
  tags: { name: string; kind?: TagKind; uri: string | null }[];
  /** ISO 8601 with its offset: when the item was first published. */
  publishedAt: string;
}

const FIELDS = new Set([
  'id',
  'headline',
  'subheadline',
  'summary',
  'language',
  'slug',
  'genre',
  'dateline',
  'body',
  'source',
  'byline',
  'urgency',
  'authors',
  'tags',
  'publishedAt',
]);

// An explicit offset (Z or ±hh:mm), so a time is never read in whatever zone the importer runs in.
const WITH_OFFSET = /(Z|[+-]\d\d(:?\d\d)?)$/i;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Checks an item against the rules a story created through the API follows (the limits of
 * CreateArticleDto, supported languages, slug shape), trimming texts as the API does. The archive path
 * checks records by hand rather than through class-validator DTOs: at a million records the metadata
 * look-ups of the decorators cost more than the rest of the check.
 */
export function checkArchiveItem(raw: Json): { item: ArchiveItemFields } | { problems: string[] } {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) if (!FIELDS.has(key)) problems.push(`property ${key} should not exist`);

  const text = (
    name: string,
    value: unknown,
    {
      required = false,
      max,
      min = 0,
      trim = true,
    }: { required?: boolean; max: number; min?: number; trim?: boolean },
  ): string | null => {
    if (value === undefined || value === null) {
      if (required) problems.push(`${name} is required`);
      return null;
    }
    if (typeof value !== 'string') {
      problems.push(`${name} must be a string`);
      return null;
    }
    const v = trim ? value.trim() : value;
    // PostgreSQL text cannot hold U+0000: refused here rather than failing the batch's statements.
    if (v.includes('\u0000')) problems.push(`${name} contains a NUL character (U+0000)`);
    if (v.length < min) problems.push(min === 1 ? `${name} must not be empty` : `${name} is too short`);
    else if (v.length > max) problems.push(`${name} must be at most ${max.toLocaleString('en')} characters`);
    return v;
  };

  const id = text('id', raw.id, { max: EXTERNAL_ID_MAX, min: 1, trim: false });
  const headline = text('headline', raw.headline, { required: true, max: HEADLINE_MAX, min: 1 });
  const subheadline = text('subheadline', raw.subheadline, { max: SUBHEADLINE_MAX });
  const summary = text('summary', raw.summary, { max: SUMMARY_MAX });
  const source = text('source', raw.source, { max: SOURCE_MAX });
  const byline = text('byline', raw.byline, { max: BYLINE_MAX });
  const body = text('body', raw.body, { required: true, max: BODY_MAX, min: 1, trim: false });

  let language: string | undefined;
  if (raw.language !== undefined) {
    if (typeof raw.language === 'string' && isSupportedLanguage(raw.language)) language = raw.language;
    else {
      problems.push(
        `language must be a BCP 47 tag with a supported primary language, such as en, kk, ru or zh-Hans (got ${JSON.stringify(raw.language)})`,
      );
    }
  }
  let slug: string | undefined;
  if (raw.slug !== undefined) {
    if (typeof raw.slug === 'string' && raw.slug.length <= SLUG_MAX && SLUG_PATTERN.test(raw.slug))
      slug = raw.slug;
    else problems.push('slug must be lower-case letters and digits joined by single hyphens');
  }
  let genre: ArticleGenre | undefined;
  if (raw.genre !== undefined) {
    if ((ARTICLE_GENRES as readonly unknown[]).includes(raw.genre)) genre = raw.genre as ArticleGenre;
    else problems.push(`genre must be one of ${ARTICLE_GENRES.join(', ')}`);
  }
  let urgency: number | undefined;
  if (raw.urgency !== undefined) {
    if (Number.isInteger(raw.urgency) && (raw.urgency as number) >= 1 && (raw.urgency as number) <= 9) {
      urgency = raw.urgency as number;
    } else problems.push('urgency must be an integer from 1 to 9');
  }

  let dateline: ArchiveItemFields['dateline'] = null;
  if (raw.dateline !== undefined && raw.dateline !== null) {
    if (!isObject(raw.dateline)) problems.push('dateline must be an object with a place');
    else {
      for (const key of Object.keys(raw.dateline)) {
        if (key !== 'place' && key !== 'agency') problems.push(`property dateline.${key} should not exist`);
      }
      const place = text('dateline.place', raw.dateline.place, {
        required: true,
        max: DATELINE_PLACE_MAX,
        min: 1,
      });
      const agency = text('dateline.agency', raw.dateline.agency, { max: DATELINE_AGENCY_MAX, min: 1 });
      if (place) dateline = { place, agency };
    }
  }

  const list = (name: string, value: unknown, max: number): Json[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      problems.push(`${name} must be an array`);
      return [];
    }
    if (value.length > max) problems.push(`${name} must hold at most ${max} entries`);
    return value.flatMap((x, i) => {
      // A name alone stands for { name }.
      if (typeof x === 'string') return [{ name: x }];
      if (isObject(x)) return [x];
      problems.push(`${name}[${i}] must be a name or an object with a name`);
      return [];
    });
  };
  const authors = list('authors', raw.authors, MAX_AUTHORS).flatMap((a, i) => {
    for (const key of Object.keys(a)) {
      if (key !== 'name' && key !== 'role') problems.push(`property authors[${i}].${key} should not exist`);
    }
    const name = text(`authors[${i}].name`, a.name, { required: true, max: NAME_MAX, min: 1 });
    if (a.role !== undefined && !(AUTHOR_ROLES as readonly unknown[]).includes(a.role)) {
      problems.push(`authors[${i}].role must be one of ${AUTHOR_ROLES.join(', ')}`);
    }
    return name ? [{ name, ...(a.role !== undefined ? { role: a.role as AuthorRole } : {}) }] : [];
  });
  const tags = list('tags', raw.tags, MAX_TAGS).flatMap((t, i) => {
    for (const key of Object.keys(t)) {
      if (key !== 'name' && key !== 'kind' && key !== 'uri')
        problems.push(`property tags[${i}].${key} should not exist`);
    }
    const name = text(`tags[${i}].name`, t.name, { required: true, max: NAME_MAX, min: 1 });
    if (t.kind !== undefined && !(TAG_KINDS as readonly unknown[]).includes(t.kind)) {
      problems.push(`tags[${i}].kind must be one of ${TAG_KINDS.join(', ')}`);
    }
    const uri = text(`tags[${i}].uri`, t.uri, { max: URI_MAX });
    if (uri !== null && !isURL(uri, { protocols: ['http', 'https'], require_protocol: true })) {
      problems.push(`tags[${i}].uri must be an http(s) URL`);
    }
    return name ? [{ name, uri, ...(t.kind !== undefined ? { kind: t.kind as TagKind } : {}) }] : [];
  });

  const publishedAt = text('publishedAt', raw.publishedAt, { required: true, max: 64, min: 1 });
  if (publishedAt !== null && !(isISO8601(publishedAt, { strict: true }) && WITH_OFFSET.test(publishedAt))) {
    problems.push('publishedAt must be an ISO 8601 date and time with its offset (Z or +06:00)');
  }

  if (problems.length > 0) return { problems };
  return {
    item: {
      ...(id !== null ? { id } : {}),
      headline: headline!,
      subheadline: subheadline || null,
      summary: summary || null,
      language,
      slug,
      genre,
      dateline,
      body: body!,
      source: source || null,
      byline: byline || null,
      urgency,
      authors,
      tags,
      publishedAt: publishedAt!,
    },
  };
}
