import { diffWords } from 'diff';
import type { ArticleResponse } from './article.response';

/** Fields compared between two snapshots, in the order changes are reported. Derived and bookkeeping fields are left out. */
export const DIFF_FIELDS = [
  'headline',
  'subheadline',
  'summary',
  'language',
  'slug',
  'genre',
  'dateline',
  'body',
  'source',
  'featuredMedia',
  'authors',
  'byline',
  'bylineOverride',
  'tags',
  'urgency',
  'timezone',
  'status',
  'originalPublishedAt',
] as const;
export type DiffField = (typeof DIFF_FIELDS)[number];

/**
 * The fields a translation renders in its own language: a change to any of them makes the article's
 * translations stale. Status, slug, tags, authors and the rest are the translation's own.
 */
export const TRANSLATED_FIELDS = [
  'headline',
  'subheadline',
  'summary',
  'dateline',
  'body',
  'source',
  'featuredMedia',
] as const satisfies readonly DiffField[];
export type TranslatedField = (typeof TRANSLATED_FIELDS)[number];

export interface FieldChange {
  field: DiffField;
  from: unknown;
  to: unknown;
}

export interface WordChange {
  op: 'equal' | 'insert' | 'delete';
  text: string;
}

// What identifies a value for comparison: renaming an author or tag elsewhere is not a change of this article.
function comparable(field: DiffField, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (field === 'dateline') {
    const d = value as { place?: string | null; agency?: string | null };
    return { place: d.place ?? null, agency: d.agency ?? null };
  }
  if (field === 'authors')
    return (value as { id: string; role: string }[]).map((a) => ({ id: a.id, role: a.role }));
  if (field === 'tags') return (value as { id: string }[]).map((t) => t.id);
  return value;
}

/** JSON with sorted object keys: jsonb does not keep key order, so plain JSON.stringify is not comparable. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Field-level changes from one snapshot to another; `from` null means "before the first revision". */
export function fieldChanges(
  from: Partial<ArticleResponse> | null,
  to: Partial<ArticleResponse>,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of DIFF_FIELDS) {
    const before = from ? from[field] : undefined;
    const after = to[field];
    if (canonicalJson(comparable(field, before)) !== canonicalJson(comparable(field, after))) {
      changes.push({ field, from: before ?? null, to: after ?? null });
    }
  }
  return changes;
}

/** Changes of the translated fields only: what a translation of the article has to follow. */
export function translatedChanges(
  from: Partial<ArticleResponse> | null,
  to: Partial<ArticleResponse>,
): FieldChange[] {
  const translated: readonly DiffField[] = TRANSLATED_FIELDS;
  return fieldChanges(from, to).filter((c) => translated.includes(c.field));
}

/** Names of the fields that differ, for the 412 answer. */
export function changedFieldNames(
  from: Partial<ArticleResponse> | null,
  to: Partial<ArticleResponse>,
): DiffField[] {
  return fieldChanges(from, to).map((c) => c.field);
}

// Long, unrelated bodies make the word diff quadratic: past this it reports a plain replacement.
const WORD_DIFF_TIMEOUT_MS = 1000;

/** Word-level diff of two plain texts, adjacent runs merged. */
export function bodyWordDiff(from: string, to: string): WordChange[] {
  const parts = diffWords(from, to, { timeout: WORD_DIFF_TIMEOUT_MS });
  if (!parts) {
    return [
      ...(from ? [{ op: 'delete' as const, text: from }] : []),
      ...(to ? [{ op: 'insert' as const, text: to }] : []),
    ];
  }
  return parts
    .filter((p) => p.value.length > 0)
    .map((p) => ({ op: p.added ? 'insert' : p.removed ? 'delete' : 'equal', text: p.value }));
}
