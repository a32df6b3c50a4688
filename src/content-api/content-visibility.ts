import type { ContentAccess } from '../api-keys/content-access.guard';
import { partnerIdSql, receivedSql, scopeDocumentSql, scopeRowSql } from '../partners/partner-scope';

/**
 * The one source of publications for the public read path: one place decides what front ends may see. This file is the
 * only Content API code that names the `publication` and `publication_version` tables (a spec fails
 * the build otherwise): public queries select from the relations built here, each already narrowed to
 * what the reader may see, so no query can forget the filter. The rule: a row is shown when it is
 * `live` and its embargo has passed, or when the reader's API key has the `content:embargoed` scope
 * (then it is marked `embargoed: true`). Drafts, scheduled, unpublished and killed items have no
 * `live` row, whatever the query asks. A partner's key is narrowed further to its subscription, except
 * for the stories it already received: their later versions and removals always reach it.
 */

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
function releasedAtSql(rowAlias: string, at: string, access: ContentAccess): string {
  const r = alias(rowAlias);
  const live = `${r}.status = 'live'`;
  if (access.embargoed) return live;
  return `${live} AND (${r}.embargo_until IS NULL OR ${r}.embargo_until <= ${at})`;
}

/** Rows of `publication` (alias) that this reader may see now (for a partner: inside its subscription). */
function visibleSql(rowAlias: string, access: ContentAccess): string {
  const released = releasedAtSql(rowAlias, 'now()', access);
  if (!access.partner) return `(${released})`;
  return `(${released} AND ${scopeRowSql(access.partner, rowAlias)})`;
}

/**
 * Rows a single read may show: visible, or for a partner also released and received before (a story that
 * left its subscription since, by a new tag or a correction, still reaches the partner that has it).
 */
function addressableSql(rowAlias: string, access: ContentAccess): string {
  if (!access.partner) return visibleSql(rowAlias, access);
  const r = alias(rowAlias);
  const received = receivedSql(partnerIdSql(access.partner), `${r}.article_id`);
  return `(${releasedAtSql(r, 'now()', access)} AND (${scopeRowSql(access.partner, r)} OR ${received}))`;
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
function everSeenSql(rowAlias: string, access: ContentAccess): string {
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
function eventEmbargoSql(eventAlias: string): string {
  return `(${alias(eventAlias)}.payload -> 'document' ->> 'embargoUntil')::timestamptz`;
}

/**
 * Whether an outbox `event` (alias) of the article of `publication` (alias) is shown in the changes
 * feed: only for articles this reader could have seen, and a content change only once its embargo
 * passed (or was lifted early).
 */
function eventVisibleSql(eventAlias: string, rowAlias: string, access: ContentAccess): string {
  const e = alias(eventAlias);
  const r = alias(rowAlias);
  const seen = everSeenSql(r, access);
  const mine = access.partner ? ` AND ${partnerEventSql(e, access)}` : '';
  if (access.embargoed) return `(${seen}${mine})`;
  const embargo = eventEmbargoSql(e);
  const types = CONTENT_EVENT_TYPES.map((t) => `'${t}'`).join(', ');
  return `((${e}.type NOT IN (${types}) OR ${embargo} IS NULL OR ${embargo} <= now()
    OR ${r}.embargo_until <= now()) AND ${seen}${mine})`;
}

/**
 * A partner sees an event when the document it carried is inside its subscription (content and embargo
 * lifts), or when the event is about a story it received (every later change, removals included).
 */
function partnerEventSql(eventAlias: string, access: ContentAccess): string {
  const e = alias(eventAlias);
  const scope = access.partner!;
  const types = [...CONTENT_EVENT_TYPES, 'article.embargo_lifted'].map((t) => `'${t}'`).join(', ');
  return `((${e}.type IN (${types}) AND ${scopeDocumentSql(scope, `${e}.payload -> 'document'`)})
    OR ${receivedSql(partnerIdSql(scope), `${e}.article_id`)})`;
}

/**
 * The rows of `publication` this reader may see now, as a FROM item named `as` (every column of the
 * table). A plain subquery: PostgreSQL pulls it up into the outer query, so plans and indexes are those
 * of the table with the filter written in place.
 */
export function visiblePublications(access: ContentAccess, as = 'p'): string {
  return `(SELECT * FROM publication WHERE ${visibleSql('publication', access)}) ${alias(as)}`;
}

/**
 * The rows of `publication` this reader may see now that carry a tag (`tagParam`), as a FROM item: the
 * tag's links (`publication_tag`, named `link`: tag_id, first_published_at, article_id), newest first by
 * its key, joined to the visible rows named `as`. A tag's page is a short range of the link key however
 * rare the tag; the links only locate rows, visibility is decided on `publication` as everywhere.
 */
export function taggedPublications(access: ContentAccess, tagParam: string, as = 'p', link = 'pt'): string {
  const l = alias(link);
  return `publication_tag ${l} JOIN ${visiblePublications(access, as)}
    ON ${alias(as)}.article_id = ${l}.article_id AND ${l}.tag_id = ${tagParam}::uuid`;
}

/**
 * Every `publication` row as a single read by slug may see it, as a FROM item named `as`: the keys
 * (article_id, slug, language, translation_group_id, first_published_at, tag_ids, author_ids, version),
 * `visible`, `killed` (for the order among rows of one slug), `state` ('live', 'killed' once seen by
 * this reader, else 'hidden'), the document's JSON text `document_text` and its `document_md5` only when
 * visible, and `gone`
 * (the kill notice as JSON text) only when killed after this reader could see it.
 */
export function addressedPublications(access: ContentAccess, as = 'p'): string {
  const visible = addressableSql('a', access);
  const killedSeen = `a.status = 'killed' AND ${everSeenSql('a', access)}`;
  const gone = `jsonb_build_object('id', a.article_id, 'slug', a.slug, 'language', a.language,
      'version', a.version, 'killedAt', a.document -> 'killedAt', 'notice', a.document -> 'notice')::text`;
  return `(SELECT a.article_id, a.slug, a.language, a.translation_group_id, a.first_published_at,
      a.tag_ids, a.author_ids, a.embargo_until, a.version,
      ${visible} AS visible, a.status = 'killed' AS killed,
      CASE WHEN ${visible} THEN 'live' WHEN ${killedSeen} THEN 'killed' ELSE 'hidden' END AS state,
      CASE WHEN ${visible} THEN a.document_text END AS document_text,
      CASE WHEN ${visible} THEN a.document_md5 END AS document_md5,
      CASE WHEN ${killedSeen} THEN ${gone} END AS gone
    FROM publication a) ${alias(as)}`;
}

/**
 * The version of the article of `rowAlias` that was current at `at`, as a LATERAL FROM item named `as`
 * (article_id, embargo_until, version, document): null document when it was not released to this reader then.
 */
export function versionAt(access: ContentAccess, rowAlias: string, at: string, as = 'v'): string {
  return `LATERAL (SELECT pv.article_id, pv.embargo_until, pv.version,
      CASE WHEN ${releasedAtSql('pv', at, access)} THEN pv.document END AS document
    FROM publication_version pv
    WHERE pv.article_id = ${alias(rowAlias)}.article_id AND pv.valid_from <= ${at}
    ORDER BY pv.version DESC LIMIT 1) ${alias(as)}`;
}

/**
 * What the changes feed may show of an outbox `event` (alias), as a LATERAL FROM item named `as`:
 * `visible`, and when visible the public `version`, `embargoed` (embargoed scope, still under embargo)
 * and `embargo_until` (the time as the document states it).
 */
export function changeOf(access: ContentAccess, eventAlias: string, as = 's'): string {
  const e = alias(eventAlias);
  const types = PUBLIC_EVENT_TYPES.map((t) => `'${t}'`).join(', ');
  const embargoed = access.embargoed
    ? `(${eventEmbargoSql(e)} > now() AND cp.embargo_until > now())`
    : 'NULL::boolean';
  // OFFSET 0 keeps it a per-event probe (publication_pkey, publication_version_pkey).
  return `LATERAL (SELECT x.visible,
      CASE WHEN x.visible THEN coalesce((${e}.payload -> 'document' ->> 'version')::int,
        (SELECT max(pv.version) FROM publication_version pv
          WHERE pv.article_id = ${e}.article_id AND pv.valid_from <= ${e}.occurred_at)) END AS version,
      CASE WHEN x.visible THEN x.embargoed END AS embargoed,
      CASE WHEN x.visible AND x.embargoed THEN x.embargo_until END AS embargo_until
    FROM (SELECT (${e}.type IN (${types}) AND cp.article_id IS NOT NULL
          AND ${eventVisibleSql(e, 'cp', access)}) AS visible,
        ${embargoed} AS embargoed, cp.document ->> 'embargoUntil' AS embargo_until
      FROM (SELECT NULL) one LEFT JOIN publication cp ON cp.article_id = ${e}.article_id
      OFFSET 0) x) ${alias(as)}`;
}

/**
 * A library picture as public delivery sees it (`$1` is its id): the media row's renditions, storage key,
 * type and hash, `stories` (the visible publications that show it, for this reader; none: not served)
 * and `released` (some story showing it is visible to anonymous readers too, so shared caches may keep it).
 * The same rule as articles: drafts, embargoed (except to content:embargoed), unpublished and killed
 * stories have no live, released row, so they never make a picture visible.
 */
export function visibleMediaSql(access: ContentAccess): string {
  const shows = (as: string) => `${alias(as)}.media_ids @> ARRAY[m.id]`;
  const released = access.embargoed
    ? `EXISTS (SELECT 1 FROM ${visiblePublications({ keyId: null, embargoed: false }, 'q')} WHERE ${shows('q')})`
    : 'true';
  return `SELECT m.renditions, m.storage_key, m.mime_type, m.sha256,
      array(SELECT p.article_id::text FROM ${visiblePublications(access)} WHERE ${shows('p')}
        ORDER BY p.article_id) AS stories,
      ${released} AS released
    FROM media m WHERE m.id = $1`;
}
