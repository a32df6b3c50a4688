// Enumerations of the article model. Transitions between these states belong to publishing;
// this module only ever creates `draft`.
export const ARTICLE_STATUSES = [
  'draft',
  'in_review',
  'approved',
  'scheduled',
  'published',
  'unpublished',
  'killed',
  'spiked',
] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

export const ARTICLE_GENRES = ['news', 'press_release', 'interview', 'statement', 'feature'] as const;
export type ArticleGenre = (typeof ARTICLE_GENRES)[number];

export const AUTHOR_ROLES = ['writer', 'editor', 'photographer', 'translator'] as const;
export type AuthorRole = (typeof AUTHOR_ROLES)[number];

/** Before the first publication the slug may change; after it, links must keep working. */
export const SLUG_EDITABLE_STATUSES: readonly ArticleStatus[] = ['draft', 'in_review', 'approved'];

export const HEADLINE_MAX = 300;
export const SUMMARY_MAX = 1000;
export const SUBHEADLINE_MAX = 500;
export const SOURCE_MAX = 500;
export const BYLINE_MAX = 300;
export const DATELINE_PLACE_MAX = 100;
export const DATELINE_AGENCY_MAX = 60;
export const BODY_MAX = 500_000;
export const MAX_AUTHORS = 20;
export const MAX_TAGS = 50;

// BCP 47 shape: a 2–3 letter primary language subtag, then optional script/region/variant subtags.
export const LANGUAGE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** Primary language subtags the newsroom publishes in (Central Asian, regional and major world languages). */
export const KNOWN_LANGUAGES: ReadonlySet<string> = new Set([
  'en',
  'kk',
  'ru',
  'zh',
  'de',
  'fr',
  'es',
  'ar',
  'tr',
  'uz',
  'ky',
  'tg',
  'tk',
  'az',
  'fa',
  'ja',
  'ko',
  'it',
  'pt',
  'pl',
  'uk',
  'be',
  'hy',
  'ka',
  'mn',
  'hi',
  'ur',
  'he',
  'nl',
  'sv',
  'fi',
  'cs',
  'el',
  'hu',
  'ro',
  'bg',
  'sr',
  'hr',
  'lt',
  'lv',
  'et',
  'id',
  'ms',
  'th',
  'vi',
  'ug',
  'tt',
  'ba',
  'ps',
  'bn',
  'da',
  'no',
  'nb',
]);

/** A BCP 47 tag with a known primary subtag, e.g. `en`, `kk`, `zh-Hans`, `pt-BR`. */
export function isSupportedLanguage(tag: string): boolean {
  return LANGUAGE_PATTERN.test(tag) && KNOWN_LANGUAGES.has(tag.split('-')[0]);
}
