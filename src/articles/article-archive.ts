import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { authorsByIds } from '../authors/author-directory';
import type { Actor } from '../common/auth.decorators';
import { DomainError } from '../common/errors';
import { SLUG_MAX } from '../common/slug';
import { jsonbArray, textArray } from '../database/binary-arrays';
import { tagsByIds } from '../tags/tag-directory';
import type { User } from '../users/user.entity';
import type { ArticleGenre, ArticleStatus, AuthorRole } from './article.constants';
import type { Article } from './article.entity';
import type { prepareBody } from './article-sanitizer';
import { type ArticleSnapshot, type SnapshotConfig, toArticleSnapshot } from './article-snapshot';

/** A sanitized body with its text and word count, as `prepareBody` returns it. */
export type PreparedBody = ReturnType<typeof prepareBody>;

/**
 * One story of a bulk insert (archive imports). `state` is decided by the publishing side (which owns
 * the workflow); this module only stores it with the working copy.
 */
export interface BulkArticleInput {
  /** The stable external key (`import_hash`, unique): an item whose key is known is never inserted again. */
  key: string;
  language: string;
  /** The wanted slug; when taken, the publication date and then a piece of the key are appended. */
  slug: string;
  genre: ArticleGenre;
  headline: string;
  subheadline: string | null;
  summary: string | null;
  dateline: { place: string; agency: string | null } | null;
  body: PreparedBody;
  source: string | null;
  byline: string | null;
  urgency: number;
  timezone: string;
  originalPublishedAt: Date;
  /** Existing authors, in byline order. */
  authors: readonly { id: string; role: AuthorRole }[];
  /** Existing tags, in order. */
  tagIds: readonly string[];
  state: {
    status: ArticleStatus;
    publishedVersion: number | null;
    firstPublishedAt: Date | null;
    publishedAt: Date | null;
  };
}

export interface BulkArticlesResult {
  /** Inserted now, each with its revision 1 snapshot. */
  created: { input: BulkArticleInput; snapshot: ArticleSnapshot }[];
  /** Skipped: the key was known already (or came twice in the call). */
  present: BulkArticleInput[];
}

interface Pending {
  input: BulkArticleInput;
  id: string;
  slug: string;
  /** How many slugs were tried (each round appends more to the wanted one). */
  round: number;
}

const SLUG_ROUNDS = 4;

/** The slug to try in `round`: as wanted, then with the publication date, then with a piece of the key. */
export function slugCandidate(
  input: Pick<BulkArticleInput, 'slug' | 'key' | 'originalPublishedAt'>,
  round: number,
): string {
  const base = input.slug || 'item';
  const date = input.originalPublishedAt.toISOString().slice(0, 10);
  const suffix = [
    '',
    `-${date}`,
    `-${date}-${createHash('sha256').update(input.key).digest('hex').slice(0, 6)}`,
    `-${randomUUID().slice(0, 8)}`,
  ][Math.min(round, SLUG_ROUNDS - 1)];
  if (suffix === '') return base.slice(0, SLUG_MAX);
  return `${base.slice(0, SLUG_MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/**
 * Inserts many stories in the caller's transaction, with statements over the whole set: the article rows,
 * their authors and tags, and revision 1 of each (reason `reason`, by `actor`). Keys already known are
 * skipped (`present`); a slug taken meanwhile by another writer is retried with the next candidate. No
 * audit row per story: the caller records the batch.
 */
export async function insertArticlesBulk(
  em: EntityManager,
  actor: Actor,
  config: SnapshotConfig,
  inputs: readonly BulkArticleInput[],
  reason: string,
): Promise<BulkArticlesResult> {
  const present: BulkArticleInput[] = [];
  const firstOfKey = new Map<string, BulkArticleInput>();
  for (const input of inputs) {
    if (firstOfKey.has(input.key)) present.push(input);
    else firstOfKey.set(input.key, input);
  }
  const known = await knownKeys(em, [...firstOfKey.keys()]);
  let pending: Pending[] = [];
  for (const input of firstOfKey.values()) {
    if (known.has(input.key)) present.push(input);
    else pending.push({ input, id: randomUUID(), slug: '', round: 0 });
  }
  const authors = await authorsByIds(
    em,
    pending.flatMap((p) => p.input.authors.map((a) => a.id)),
  );
  const tags = await tagsByIds(
    em,
    pending.flatMap((p) => p.input.tagIds),
  );
  const now = new Date();
  const inserted: Pending[] = [];
  while (pending.length > 0) {
    await assignSlugs(em, pending);
    const ids = await insertRows(em, actor, config, now, pending);
    const missed = pending.filter((p) => !ids.has(p.id));
    inserted.push(...pending.filter((p) => ids.has(p.id)));
    // Not inserted: its key committed meanwhile (present), or its slug was taken by another writer.
    const nowKnown = await knownKeys(
      em,
      missed.map((p) => p.input.key),
    );
    pending = [];
    for (const p of missed) {
      if (nowKnown.has(p.input.key)) present.push(p.input);
      else if (p.round + 1 >= SLUG_ROUNDS) {
        throw new DomainError('CONFLICT', `No free slug for "${p.input.headline}" in ${p.input.language}`);
      } else pending.push({ ...p, round: p.round + 1 });
    }
  }
  await insertCredits(em, inserted);
  const createdBy = { id: actor.id, name: actor.name } as User;
  const created = inserted.map((p) => {
    const credits = p.input.authors.map((a) => ({ author: mustHave(authors, a.id, 'author'), role: a.role }));
    const articleTags = p.input.tagIds.map((id) => mustHave(tags, id, 'tag'));
    const row = articleRow(actor, now, p, createdBy, agencyOf(p.input, config));
    const snapshot = toArticleSnapshot(row, credits, articleTags, config);
    return { input: p.input, snapshot };
  });
  if (created.length > 0) {
    // The snapshot travels without its body, which is taken from the article row just written: the long
    // texts are not lexed out of JSON a second time.
    await em.query(
      `INSERT INTO article_revision (article_id, number, version, snapshot, actor_id, reason, created_at)
       SELECT x.id, 1, x.version,
              x.snapshot || jsonb_build_object('bodyHtml', a.body_html, 'bodyText', a.body_text), $3, $4, $5
         FROM unnest($1::uuid[], $2::jsonb[], $6::integer[]) AS x(id, snapshot, version)
         JOIN article a ON a.id = x.id`,
      [
        created.map((c) => c.snapshot.id),
        jsonbArray(
          created.map(({ snapshot: { bodyHtml: _html, bodyText: _text, ...rest } }) => JSON.stringify(rest)),
        ),
        actor.id,
        reason,
        now,
        created.map((c) => c.snapshot.version),
      ],
    );
  }
  return { created, present };
}

function mustHave<T>(map: ReadonlyMap<string, T>, id: string, what: string): T {
  const found = map.get(id);
  // The caller resolved every id in this transaction: a miss is a programming error.
  if (!found) throw new Error(`insertArticlesBulk: unknown ${what} ${id}`);
  return found;
}

async function knownKeys(em: EntityManager, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await em.query<{ import_hash: string }[]>(
    'SELECT import_hash FROM article WHERE import_hash = ANY($1::text[])',
    [keys],
  );
  return new Set(rows.map((r) => r.import_hash));
}

/** Gives each pending story the first candidate of its round that no article and no other pending one has. */
async function assignSlugs(em: EntityManager, pending: Pending[]): Promise<void> {
  let open = pending;
  const chosen = new Set<string>();
  while (open.length > 0) {
    for (const p of open) p.slug = slugCandidate(p.input, p.round);
    const rows = await em.query<{ language: string; slug: string }[]>(
      `SELECT a.language, a.slug FROM article a
         JOIN unnest($1::text[], $2::text[]) AS w(language, slug) ON a.language = w.language AND a.slug = w.slug`,
      [open.map((p) => p.input.language), open.map((p) => p.slug)],
    );
    const taken = new Set(rows.map((r) => `${r.language} ${r.slug}`));
    const next: Pending[] = [];
    for (const p of open) {
      const k = `${p.input.language} ${p.slug}`;
      if (taken.has(k) || chosen.has(k)) {
        if (p.round + 1 >= SLUG_ROUNDS) {
          throw new DomainError('CONFLICT', `No free slug for "${p.input.headline}" in ${p.input.language}`);
        }
        p.round += 1;
        next.push(p);
      } else chosen.add(k);
    }
    open = next;
  }
}

/** The dateline agency stored with the copy: the item's own, else the newsroom's (as a created draft). */
const agencyOf = (i: BulkArticleInput, config: SnapshotConfig): string =>
  i.dateline?.agency || config.agencyName;

// The article columns a bulk insert sends, one array each, with their types.
const ARTICLE_COLUMNS = {
  id: 'uuid',
  language: 'text',
  slug: 'text',
  genre: 'article_genre',
  headline: 'text',
  subheadline: 'text',
  summary: 'text',
  dateline_place: 'text',
  dateline_agency: 'text',
  body_html: 'text',
  body_text: 'text',
  word_count: 'integer',
  source: 'text',
  byline: 'text',
  urgency: 'integer',
  timezone: 'text',
  status: 'article_status',
  original_published_at: 'timestamptz',
  import_hash: 'text',
  first_published_at: 'timestamptz',
  published_at: 'timestamptz',
  published_version: 'integer',
} as const;
type ArticleColumn = keyof typeof ARTICLE_COLUMNS;
const ARTICLE_COLUMN_NAMES = Object.keys(ARTICLE_COLUMNS) as ArticleColumn[];

// Columns travel as typed arrays (unnest), not as one JSON document: PostgreSQL reads an array of long texts
// much faster than it lexes the same texts out of JSON.
const INSERT_ARTICLES = `INSERT INTO article (${ARTICLE_COLUMN_NAMES.join(', ')}, translation_group_id, version,
    created_by, updated_by, created_at, updated_at)
  SELECT x.*, x.id, 1, $${ARTICLE_COLUMN_NAMES.length + 1}, $${ARTICLE_COLUMN_NAMES.length + 1},
    $${ARTICLE_COLUMN_NAMES.length + 2}, $${ARTICLE_COLUMN_NAMES.length + 2}
    FROM unnest(${ARTICLE_COLUMN_NAMES.map((c, i) => `$${i + 1}::${ARTICLE_COLUMNS[c]}[]`).join(', ')})
      AS x(${ARTICLE_COLUMN_NAMES.join(', ')})
  ON CONFLICT DO NOTHING
  RETURNING id`;

/** The article rows; returns the ids inserted (a clash on key or slug inserts nothing for that row). */
async function insertRows(
  em: EntityManager,
  actor: Actor,
  config: SnapshotConfig,
  now: Date,
  pending: readonly Pending[],
): Promise<Set<string>> {
  const columns = Object.fromEntries(ARTICLE_COLUMN_NAMES.map((c) => [c, [] as unknown[]])) as Record<
    ArticleColumn,
    unknown[]
  >;
  for (const { input: i, id, slug } of pending) {
    const row: Record<ArticleColumn, unknown> = {
      id,
      language: i.language,
      slug,
      genre: i.genre,
      headline: i.headline,
      subheadline: i.subheadline,
      summary: i.summary,
      dateline_place: i.dateline?.place ?? null,
      dateline_agency: agencyOf(i, config),
      body_html: i.body.html,
      body_text: i.body.text,
      word_count: i.body.wordCount,
      source: i.source,
      byline: i.byline,
      urgency: i.urgency,
      timezone: i.timezone,
      status: i.state.status,
      original_published_at: i.originalPublishedAt,
      import_hash: i.key,
      first_published_at: i.state.firstPublishedAt,
      published_at: i.state.publishedAt,
      published_version: i.state.publishedVersion,
    };
    for (const c of ARTICLE_COLUMN_NAMES) columns[c].push(row[c]);
  }
  const result = await em.query<{ id: string }[]>(INSERT_ARTICLES, [
    // Text columns in the binary array format (the long bodies are read by length, not parsed).
    ...ARTICLE_COLUMN_NAMES.map((c) =>
      ARTICLE_COLUMNS[c] === 'text' ? textArray(columns[c] as (string | null)[]) : columns[c],
    ),
    actor.id,
    now,
  ]);
  return new Set(result.map((r) => r.id));
}

async function insertCredits(em: EntityManager, inserted: readonly Pending[]): Promise<void> {
  const authorCols: [string[], string[], number[], string[]] = [[], [], [], []];
  const tagCols: [string[], string[], number[]] = [[], [], []];
  for (const p of inserted) {
    p.input.authors.forEach((a, position) => {
      authorCols[0].push(p.id);
      authorCols[1].push(a.id);
      authorCols[2].push(position);
      authorCols[3].push(a.role);
    });
    p.input.tagIds.forEach((tagId, position) => {
      tagCols[0].push(p.id);
      tagCols[1].push(tagId);
      tagCols[2].push(position);
    });
  }
  if (authorCols[0].length > 0) {
    await em.query(
      `INSERT INTO article_author (article_id, author_id, position, role)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::integer[], $4::author_role[])`,
      authorCols,
    );
  }
  if (tagCols[0].length > 0) {
    await em.query(
      `INSERT INTO article_tag (article_id, tag_id, position)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::integer[])`,
      tagCols,
    );
  }
}

/** The row as inserted, for its snapshot. */
function articleRow(actor: Actor, now: Date, p: Pending, createdBy: User, agency: string): Article {
  const i = p.input;
  return {
    id: p.id,
    translationGroupId: p.id,
    // An archived story is an original: no source, its translated content at its first version.
    contentVersion: 1,
    translationSourceId: null,
    translationBaseVersion: null,
    language: i.language,
    slug: p.slug,
    genre: i.genre,
    headline: i.headline,
    subheadline: i.subheadline,
    summary: i.summary,
    datelinePlace: i.dateline?.place ?? null,
    datelineAgency: agency,
    bodyHtml: i.body.html,
    bodyText: i.body.text,
    wordCount: i.body.wordCount,
    source: i.source,
    byline: i.byline,
    urgency: i.urgency,
    timezone: i.timezone,
    status: i.state.status,
    version: 1,
    featuredMediaId: null,
    featuredCaption: null,
    originalPublishedAt: i.originalPublishedAt,
    importHash: i.key,
    createdById: actor.id,
    createdByUser: createdBy,
    updatedById: actor.id,
    updatedByUser: createdBy,
    firstPublishedAt: i.state.firstPublishedAt,
    publishedAt: i.state.publishedAt,
    embargoUntil: null,
    scheduledAt: null,
    expiresAt: null,
    publishedVersion: i.state.publishedVersion,
    approvedVersion: null,
    scheduleJobId: null,
    expireJobId: null,
    embargoJobId: null,
    createdAt: now,
    updatedAt: now,
  };
}
