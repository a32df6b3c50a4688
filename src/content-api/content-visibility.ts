import type { ContentAccess } from '../api-keys/content-access.guard';

/**
 * The one filter of the public read path (CONVENTIONS rule 11). Every Content API query that can
 * return an article, a tag, an author or a change composes the SQL built here; nothing else decides
 * what a reader may see. The rule: a row is shown when it is `live` and its embargo has passed, or
 * when the reader's API key has the `content:embargoed` scope (then it is marked `embargoed: true`).
 * Drafts, scheduled, unpublished and killed items have no `live` row, whatever the query asks.
 */

/** Anonymous readers (and the default when no guard ran). */

// Aliases and time expressions are composed by our own code only; this keeps a typo from becoming SQL.
const ALIAS = /^[a-z][a-z0-9_]*$/;
function alias(a: string): string {
  if (!ALIAS.test(a)) throw new Error(`Invalid SQL alias ${a}`);
  return a;
}

/**
 * `<row> is live and released at <at>`: the rule itself, for a `publication` (at = now()) or a
 * `publication_version` row (at = the time asked for).
 */
export function releasedAtSql(rowAlias: string, at: string, access: ContentAccess): string {
  const r = alias(rowAlias);
  const live = `${r}.status = 'live'`;
  if (access.embargoed) return live;
  return `${live} AND (${r}.embargo_until IS NULL OR ${r}.embargo_until <= ${at})`;
}

/** Rows of `publication` (alias) that this reader may see now. */
export function visibleSql(rowAlias: string, access: ContentAccess): string {
  return `(${releasedAtSql(rowAlias, 'now()', access)})`;
}

/**
 * A jsonb expression to append to a shown document: `{"embargoed": true, "embargoUntil": …}` while under
 * embargo, for the embargoed scope (the time as the row's document states it).
 */
export function embargoFlagSql(rowAlias: string, access: ContentAccess, at = 'now()'): string {
  if (!access.embargoed) return '';
  const r = alias(rowAlias);
  return ` || CASE WHEN ${r}.embargo_until > ${at}
    THEN jsonb_build_object('embargoed', true, 'embargoUntil', ${r}.document -> 'embargoUntil')
    ELSE '{}'::jsonb END`;
}

/**
 * The same mark on a document already rendered as JSON text (jsonb text always ends with `}`); the
 * `item` and `full` shapes carry `embargoUntil` themselves.
 */
export function embargoFlagTextSql(rowAlias: string, text: string, access: ContentAccess): string {
  if (!access.embargoed) return text;
  const r = alias(rowAlias);
  return `CASE WHEN ${r}.embargo_until > now() THEN left(${text}, -1) || ', "embargoed": true}' ELSE ${text} END`;
}

/**
 * Whether this reader could ever have seen the article of `publication` (alias): some live version
 * of it was released before the next version replaced it. Killed articles answer 410 only then
 * (404 otherwise), and the changes feed shows removals only of what was seen.
 */
export function everSeenSql(rowAlias: string, access: ContentAccess): string {
  const r = alias(rowAlias);
  const until = `least(now(), coalesce((SELECT nv.valid_from FROM publication_version nv
      WHERE nv.article_id = sv.article_id AND nv.version = sv.version + 1), 'infinity'))`;
  // OFFSET 0 keeps it a per-row probe of publication_version_pkey: without it the planner may hash the
  // whole table when many rows are tested (the changes feed).
  return `EXISTS (SELECT 1 FROM publication_version sv WHERE sv.article_id = ${r}.article_id
    AND ${releasedAtSql('sv', until, access)} OFFSET 0)`;
}

/** Public change types of the outbox (never scheduled/unscheduled). */
export const PUBLIC_EVENT_TYPES = [
  'article.published',
  'article.updated',
  'article.corrected',
  'article.clarified',
  'article.unpublished',
  'article.killed',
  'article.embargo_lifted',
] as const;

/** Types whose event carries the content: hidden while the document they published is under embargo. */
const CONTENT_EVENT_TYPES = [
  'article.published',
  'article.updated',
  'article.corrected',
  'article.clarified',
];

/** The embargo of the document an event carried (null when none). */
export function eventEmbargoSql(eventAlias: string): string {
  return `(${alias(eventAlias)}.payload -> 'document' ->> 'embargoUntil')::timestamptz`;
}

/**
 * Whether an outbox `event` (alias) of the article of `publication` (alias) is shown in the changes
 * feed: only for articles this reader could have seen, and a content change only once its embargo
 * passed (or was lifted early).
 */
export function eventVisibleSql(eventAlias: string, rowAlias: string, access: ContentAccess): string {
  const e = alias(eventAlias);
  const r = alias(rowAlias);
  const seen = everSeenSql(r, access);
  if (access.embargoed) return `(${seen})`;
  const embargo = eventEmbargoSql(e);
  const types = CONTENT_EVENT_TYPES.map((t) => `'${t}'`).join(', ');
  return `((${e}.type NOT IN (${types}) OR ${embargo} IS NULL OR ${embargo} <= now()
    OR ${r}.embargo_until <= now()) AND ${seen})`;
}
