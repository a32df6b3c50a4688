import { type EntityManager, In } from 'typeorm';
import { authorsByIds } from '../authors/author-directory';
import type { Author } from '../authors/author.entity';
import { notFound } from '../common/errors';
import type { NewsroomConfig } from '../config/configuration';
import { tagsByIds } from '../tags/tag-directory';
import type { Tag, TagKind } from '../tags/tag.entity';
import type { User } from '../users/user.entity';
import type { ArticleGenre, ArticleStatus, AuthorRole } from './article.constants';
import { Article, ArticleAuthor, ArticleTag } from './article.entity';

/**
 * What a revision stores: the article after one change, in a shape of its own, independent of the Newsroom
 * API's response. Restore, the 412 diff and re-rendering of live stories read old rows through
 * `readSnapshot`, which upgrades any older schema to the current one, so a response field can be renamed
 * without touching stored data. Changing this shape means: a new version, a new interface, and one more
 * step in `UPGRADES`.
 */
export const ARTICLE_SNAPSHOT_VERSION = 3;

export interface SnapshotUser {
  id: string;
  name: string;
}

export interface ArticleSnapshotV1 {
  schemaVersion: 1;
  id: string;
  translationGroupId: string;
  language: string;
  slug: string;
  genre: ArticleGenre;
  headline: string;
  subheadline: string | null;
  summary: string | null;
  /** The agency as it applied when the snapshot was taken (the article's own, else the newsroom's). */
  dateline: { place: string | null; agency: string | null };
  bodyHtml: string;
  bodyText: string;
  wordCount: number;
  source: string | null;
  /** In byline order */
  authors: { id: string; name: string; slug: string; role: AuthorRole }[];
  bylineOverride: string | null;
  tags: { id: string; name: string; slug: string; kind: TagKind }[];
  urgency: number;
  timezone: string;
  status: ArticleStatus;
  version: number;
  originalPublishedAt: string | null;
  publication: {
    publishedVersion: number | null;
    firstPublishedAt: string | null;
    publishedAt: string | null;
    embargoUntil: string | null;
    scheduledAt: string | null;
    expiresAt: string | null;
  };
  createdBy: SnapshotUser;
  updatedBy: SnapshotUser | null;
  createdAt: string;
  updatedAt: string;
}

/** Schema 2: the featured picture (a library picture and this story's caption for it). */
export interface ArticleSnapshotV2 extends Omit<ArticleSnapshotV1, 'schemaVersion'> {
  schemaVersion: 2;
  featuredMedia: { mediaId: string; caption: string | null } | null;
}

/**
 * Schema 3: a translation names its source and the source version it matches (its base). Rows before it
 * say null; the article row still knows (see PublicationProjector's use of it).
 */
export interface ArticleSnapshotV3 extends Omit<ArticleSnapshotV2, 'schemaVersion'> {
  schemaVersion: 3;
  translationOf: { id: string; baseVersion: number } | null;
}

/** The current snapshot schema. */
export type ArticleSnapshot = ArticleSnapshotV3;

/** A snapshot as it sits in `article_revision.snapshot`: any schema version, read it with `readSnapshot`. */
export interface StoredSnapshot {
  readonly schemaVersion?: number;
}

type Json = Record<string, unknown>;

/**
 * Schema 0: rows written before snapshots had a schema of their own held the Newsroom API response as it
 * was then (`body`, `dateline.text`, a derived `byline`, `publication.state`).
 */
function fromV0(raw: Json): ArticleSnapshotV1 {
  const dateline = (raw.dateline ?? {}) as Json;
  const publication = (raw.publication ?? {}) as Json;
  const rest = { ...raw };
  for (const key of ['body', 'byline', 'dateline', 'publication', 'schemaVersion']) delete rest[key];
  return {
    ...(rest as unknown as Omit<
      ArticleSnapshotV1,
      'schemaVersion' | 'dateline' | 'bodyHtml' | 'publication'
    >),
    schemaVersion: 1,
    dateline: { place: (dateline.place as string) ?? null, agency: (dateline.agency as string) ?? null },
    bodyHtml: (raw.body as string) ?? '',
    bylineOverride: (raw.bylineOverride as string | null) ?? null,
    publication: {
      publishedVersion: (publication.publishedVersion as number | null) ?? null,
      firstPublishedAt: (publication.firstPublishedAt as string | null) ?? null,
      publishedAt: (publication.publishedAt as string | null) ?? null,
      embargoUntil: (publication.embargoUntil as string | null) ?? null,
      scheduledAt: (publication.scheduledAt as string | null) ?? null,
      expiresAt: (publication.expiresAt as string | null) ?? null,
    },
  };
}

/** Upgrade steps: UPGRADES[n] turns a schema-n row into schema n+1. */
const UPGRADES: Record<number, (raw: Json) => Json> = {
  0: (raw) => fromV0(raw) as unknown as Json,
  // Before schema 2 articles had no featured picture.
  1: (raw) => ({ ...raw, schemaVersion: 2, featuredMedia: null }),
  // Before schema 3 no snapshot recorded a translation's source.
  2: (raw) => ({ ...raw, schemaVersion: 3, translationOf: null }),
};

/** A stored snapshot of any schema, upgraded to the current one. Throws on a schema newer than this code. */
export function readSnapshot(stored: StoredSnapshot | ArticleSnapshot): ArticleSnapshot {
  let raw = stored as unknown as Json;
  let version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0;
  if (version > ARTICLE_SNAPSHOT_VERSION) {
    throw new Error(
      `Article snapshot schema ${version} is newer than this code (${ARTICLE_SNAPSHOT_VERSION})`,
    );
  }
  while (version < ARTICLE_SNAPSHOT_VERSION) {
    raw = UPGRADES[version](raw);
    version += 1;
  }
  return raw as unknown as ArticleSnapshot;
}

/** An author credited on an article, in byline order. */
export interface AuthorCredit {
  author: Author;
  role: AuthorRole;
}

export type SnapshotConfig = Pick<NewsroomConfig, 'agencyName' | 'timezone'>;

function userRef(user: User | null | undefined, id: string | null, what: string): SnapshotUser | null {
  if (id === null) return null;
  // Programming error, not an expected failure: the loader must join the user.
  if (!user) throw new Error(`toArticleSnapshot: ${what} user not loaded`);
  return { id: user.id, name: user.name };
}

const iso = (d: Date | null | undefined): string | null => d?.toISOString() ?? null;

/**
 * The snapshot of an article row. Pure: `article` must carry createdByUser (and updatedByUser when
 * updatedById is set); authors and tags in their stored order.
 */
export function toArticleSnapshot(
  article: Article,
  authors: readonly AuthorCredit[],
  tags: readonly Tag[],
  config: SnapshotConfig,
): ArticleSnapshot {
  return {
    schemaVersion: ARTICLE_SNAPSHOT_VERSION,
    id: article.id,
    translationGroupId: article.translationGroupId,
    language: article.language,
    slug: article.slug,
    genre: article.genre,
    headline: article.headline,
    subheadline: article.subheadline,
    summary: article.summary,
    dateline: {
      place: article.datelinePlace,
      agency: article.datelineAgency ?? (article.datelinePlace ? config.agencyName : null),
    },
    bodyHtml: article.bodyHtml,
    bodyText: article.bodyText,
    wordCount: article.wordCount,
    source: article.source,
    featuredMedia: article.featuredMediaId
      ? { mediaId: article.featuredMediaId, caption: article.featuredCaption }
      : null,
    translationOf:
      article.translationSourceId && article.translationBaseVersion !== null
        ? { id: article.translationSourceId, baseVersion: article.translationBaseVersion }
        : null,
    authors: authors.map((c) => ({
      id: c.author.id,
      name: c.author.name,
      slug: c.author.slug,
      role: c.role,
    })),
    bylineOverride: article.byline,
    tags: tags.map((t) => ({ id: t.id, name: t.name, slug: t.slug, kind: t.kind })),
    urgency: article.urgency,
    timezone: article.timezone || config.timezone,
    status: article.status,
    version: article.version,
    originalPublishedAt: iso(article.originalPublishedAt),
    publication: {
      publishedVersion: article.publishedVersion ?? null,
      firstPublishedAt: iso(article.firstPublishedAt),
      publishedAt: iso(article.publishedAt),
      embargoUntil: iso(article.embargoUntil),
      scheduledAt: iso(article.scheduledAt),
      expiresAt: iso(article.expiresAt),
    },
    createdBy: userRef(article.createdByUser, article.createdById, 'createdBy')!,
    updatedBy: userRef(article.updatedByUser, article.updatedById, 'updatedBy'),
    createdAt: article.createdAt.toISOString(),
    updatedAt: article.updatedAt.toISOString(),
  };
}

/** Authors and tags of many articles in two queries, each list in its stored order. */
export async function loadCreditsAndTags(
  em: EntityManager,
  articleIds: readonly string[],
): Promise<{ credits: Map<string, AuthorCredit[]>; tags: Map<string, Tag[]> }> {
  const credits = new Map<string, AuthorCredit[]>(articleIds.map((id) => [id, []]));
  const tags = new Map<string, Tag[]>(articleIds.map((id) => [id, []]));
  if (articleIds.length === 0) return { credits, tags };
  const ids = [...articleIds];
  // Sequential: inside a transaction both queries share one connection anyway.
  const authorRows = await em.find(ArticleAuthor, {
    where: { articleId: In(ids) },
    order: { position: 'ASC' },
  });
  const tagRows = await em.find(ArticleTag, { where: { articleId: In(ids) }, order: { position: 'ASC' } });
  // The rows of authors and tags come through their modules' directories.
  const authorById = await authorsByIds(
    em,
    authorRows.map((r) => r.authorId),
  );
  const tagById = await tagsByIds(
    em,
    tagRows.map((r) => r.tagId),
  );
  for (const row of authorRows) {
    credits.get(row.articleId)!.push({ author: authorById.get(row.authorId)!, role: row.role });
  }
  for (const row of tagRows) tags.get(row.articleId)!.push(tagById.get(row.tagId)!);
  return { credits, tags };
}

/** Loads one article with its users, authors and tags as a snapshot; 404 when it does not exist. */
export async function loadArticleSnapshot(
  em: EntityManager,
  id: string,
  config: SnapshotConfig,
): Promise<ArticleSnapshot> {
  const article = await em.findOne(Article, {
    where: { id },
    relations: { createdByUser: true, updatedByUser: true },
  });
  if (!article) throw notFound('Article');
  const { credits, tags } = await loadCreditsAndTags(em, [id]);
  return toArticleSnapshot(article, credits.get(id)!, tags.get(id)!, config);
}
