import type { TagMatch } from './partner.constants';

/**
 * A partner's subscription as the read path applies it: what its API keys see in lists, feeds and the
 * changes feed. Cached per key (PartnerScopes); `version` changes whenever the subscription does, so it
 * can be part of a cache key.
 */
export interface PartnerScope {
  partnerId: string;
  version: number;
  /** Empty lists match everything. */
  languages: readonly string[];
  genres: readonly string[];
  tagIds: readonly string[];
  tagMatch: TagMatch;
  embargoedEarly: boolean;
}

// The subscription is written into SQL as literals (so a relation stays one plain subquery, planned like
// the filter written in place). Every value was validated when saved; these checks keep anything else out.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORD = /^[A-Za-z0-9_-]{1,40}$/;
const ALIAS = /^[a-z][a-z0-9_]*$/;

function literal(value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new Error(`Refusing ${JSON.stringify(value)} as a SQL literal`);
  return `'${value}'`;
}

function alias(a: string): string {
  if (!ALIAS.test(a)) throw new Error(`Invalid SQL alias ${a}`);
  return a;
}

const list = (values: readonly string[], pattern: RegExp) =>
  values.map((v) => literal(v, pattern)).join(', ');

/** A language expression inside the subscription's languages: `en` also covers `en-GB`. */
function languageIn(expr: string, languages: readonly string[]): string {
  const l = list(languages, WORD);
  return `(${expr} IN (${l}) OR split_part(${expr}, '-', 1) IN (${l}))`;
}

/** The partner's id as a SQL literal. */
export const partnerIdSql = (scope: Pick<PartnerScope, 'partnerId'>): string =>
  `${literal(scope.partnerId, UUID)}::uuid`;

/**
 * `<publication row> is inside the subscription`: on the columns the public read model filters on
 * (language, genre, tag_ids). `true` when the subscription narrows nothing.
 */
export function scopeRowSql(scope: PartnerScope, rowAlias: string): string {
  const r = alias(rowAlias);
  const parts: string[] = [];
  if (scope.languages.length > 0) parts.push(languageIn(`${r}.language`, scope.languages));
  if (scope.genres.length > 0) parts.push(`${r}.genre IN (${list(scope.genres, WORD)})`);
  if (scope.tagIds.length > 0) {
    const ids = `ARRAY[${list(scope.tagIds, UUID)}]::uuid[]`;
    parts.push(`${r}.tag_ids ${scope.tagMatch === 'all' ? '@>' : '&&'} ${ids}`);
  }
  return parts.length === 0 ? 'true' : `(${parts.join(' AND ')})`;
}

/**
 * `<public document> is inside the subscription`, for a jsonb expression holding a public document (an
 * outbox event's `payload -> 'document'`): its language, genre and tag ids.
 */
export function scopeDocumentSql(scope: PartnerScope, doc: string): string {
  const parts: string[] = [];
  if (scope.languages.length > 0) parts.push(languageIn(`(${doc} ->> 'language')`, scope.languages));
  if (scope.genres.length > 0) parts.push(`(${doc} ->> 'genre') IN (${list(scope.genres, WORD)})`);
  if (scope.tagIds.length > 0) {
    // jsonb containment: the document's tags hold an object with that id.
    const has = (ids: readonly string[]) =>
      `(${doc} -> 'tags') @> '${JSON.stringify(ids.map((id) => ({ id: literal(id, UUID).slice(1, -1) })))}'::jsonb`;
    parts.push(
      scope.tagMatch === 'all' ? has(scope.tagIds) : `(${scope.tagIds.map((id) => has([id])).join(' OR ')})`,
    );
  }
  return parts.length === 0 ? 'true' : `coalesce(${parts.join(' AND ')}, false)`;
}

/** Whether some version of the article (`articleExpr`) reached the partner (`partnerExpr`), pushed or pulled. */
export function receivedSql(partnerExpr: string, articleExpr: string): string {
  return `EXISTS (SELECT 1 FROM partner_delivery pd WHERE pd.partner_id = ${partnerExpr}
    AND pd.article_id = ${articleExpr})`;
}
