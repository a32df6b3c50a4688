import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { type EntityManager, In } from 'typeorm';
import { notFound } from '../common/errors';
import type { Author } from '../authors/author.entity';
import { newsroomConfig, type NewsroomConfig } from '../config/configuration';
import { TAG_KINDS, type Tag, type TagKind } from '../tags/tag.entity';
import type { User } from '../users/user.entity';
import {
  ARTICLE_GENRES,
  ARTICLE_STATUSES,
  AUTHOR_ROLES,
  type ArticleGenre,
  type ArticleStatus,
  type AuthorRole,
} from './article.constants';
import { Article, ArticleAuthor, ArticleTag } from './article.entity';
import type { ArticleRevision } from './article-revision.entity';
import { bylineOf } from './article-rules';

export class UserRefResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class DatelineResponse {
  @ApiProperty({ type: String, nullable: true, example: 'ASTANA' }) place: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'KAZINFORM' }) agency: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'ASTANA. KAZINFORM –',
    description: 'Rendered in front of the first paragraph; null without a place',
  })
  text: string | null;
}

export class ArticleAuthorResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Adlet Seilkhanov' }) name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ enum: AUTHOR_ROLES }) role: AuthorRole;
}

export class ArticleTagResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ enum: TAG_KINDS }) kind: TagKind;
}

export const PUBLIC_STATES = ['draft', 'published', 'changed', 'unpublished', 'killed'] as const;
export type PublicState = (typeof PUBLIC_STATES)[number];

export class ArticlePublicationResponse {
  @ApiProperty({
    enum: PUBLIC_STATES,
    description:
      'draft: never public; published: the working copy is what is public; changed: it has unpublished edits',
  })
  state: PublicState;
  @ApiProperty({ type: Number, nullable: true, description: 'The article version that is public' })
  publishedVersion: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstPublishedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) publishedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) embargoUntil: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) scheduledAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
}

/** What editors see of an article's public life. */
export function publicationStateOf(a: Article): ArticlePublicationResponse {
  const state: PublicState =
    a.status === 'published'
      ? a.publishedVersion === a.version
        ? 'published'
        : 'changed'
      : a.status === 'unpublished' || a.status === 'killed'
        ? a.status
        : 'draft';
  return {
    state,
    publishedVersion: a.publishedVersion ?? null,
    firstPublishedAt: a.firstPublishedAt?.toISOString() ?? null,
    publishedAt: a.publishedAt?.toISOString() ?? null,
    embargoUntil: a.embargoUntil?.toISOString() ?? null,
    scheduledAt: a.scheduledAt?.toISOString() ?? null,
    expiresAt: a.expiresAt?.toISOString() ?? null,
  };
}

export class FeaturedMediaResponse {
  @ApiProperty({ format: 'uuid' }) mediaId: string;
  @ApiProperty({ type: String, nullable: true, description: "This story's caption; null: the library's" })
  caption: string | null;
}

export class ArticleResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'Shared by all translations of one item' })
  translationGroupId: string;
  @ApiProperty({ example: 'en', description: 'BCP 47 language tag' }) language: string;
  @ApiProperty({ example: 'political-consultations-btw-kazakhstan-and-canada-held-in-astana' }) slug: string;
  @ApiProperty({ enum: ARTICLE_GENRES }) genre: ArticleGenre;
  @ApiProperty() headline: string;
  @ApiProperty({ type: String, nullable: true }) subheadline: string | null;
  @ApiProperty({ type: String, nullable: true }) summary: string | null;
  @ApiProperty({ type: DatelineResponse }) dateline: DatelineResponse;
  @ApiProperty({ description: 'Sanitized HTML' }) body: string;
  @ApiProperty({ description: 'Plain text derived from body: paragraphs separated by blank lines' })
  bodyText: string;
  @ApiProperty() wordCount: number;
  @ApiProperty({ type: String, nullable: true }) source: string | null;
  @ApiProperty({ type: FeaturedMediaResponse, nullable: true }) featuredMedia: FeaturedMediaResponse | null;
  @ApiProperty({ type: [ArticleAuthorResponse] }) authors: ArticleAuthorResponse[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'bylineOverride, else derived from the authors ("A", "A and B", "A, B and C")',
  })
  byline: string | null;
  @ApiProperty({ type: String, nullable: true }) bylineOverride: string | null;
  @ApiProperty({ type: [ArticleTagResponse] }) tags: ArticleTagResponse[];
  @ApiProperty({ minimum: 1, maximum: 9 }) urgency: number;
  @ApiProperty({ example: 'Asia/Almaty' }) timezone: string;
  @ApiProperty({ enum: ARTICLE_STATUSES }) status: ArticleStatus;
  @ApiProperty({ description: 'Optimistic-lock counter; the ETag is "<version>"' }) version: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) originalPublishedAt: string | null;
  @ApiProperty({ type: ArticlePublicationResponse }) publication: ArticlePublicationResponse;
  @ApiProperty({ type: UserRefResponse }) createdBy: UserRefResponse;
  @ApiProperty({ type: UserRefResponse, nullable: true }) updatedBy: UserRefResponse | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ArticleSummaryResponse extends OmitType(ArticleResponse, ['body', 'bodyText'] as const) {}

export class ArticlePageResponse {
  @ApiProperty({ type: [ArticleSummaryResponse] }) data: ArticleSummaryResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}

export class RevisionSummaryResponse {
  @ApiProperty({ example: 3 }) number: number;
  @ApiProperty({ description: 'The article version this revision snapshots' }) version: number;
  @ApiProperty({ type: UserRefResponse, nullable: true }) actor: UserRefResponse | null;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RevisionResponse extends RevisionSummaryResponse {
  @ApiProperty({ type: ArticleResponse }) snapshot: ArticleResponse;
}

export class RevisionPageResponse {
  @ApiProperty({ type: [RevisionSummaryResponse] }) data: RevisionSummaryResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
}

export class FieldChangeResponse {
  @ApiProperty({ example: 'headline' }) field: string;
  @ApiPropertyOptional({ description: 'Value in the older revision (any JSON)', nullable: true })
  from: unknown;
  @ApiPropertyOptional({ description: 'Value in the newer revision (any JSON)', nullable: true })
  to: unknown;
}

export class WordChangeResponse {
  @ApiProperty({ enum: ['equal', 'insert', 'delete'] }) op: 'equal' | 'insert' | 'delete';
  @ApiProperty() text: string;
}

export class RevisionDiffResponse {
  @ApiProperty({ type: Number, nullable: true, description: 'The older revision; null = nothing (before 1)' })
  from: number | null;
  @ApiProperty() to: number;
  @ApiProperty({ type: [FieldChangeResponse] }) changes: FieldChangeResponse[];
  @ApiProperty({ type: [WordChangeResponse], description: 'Word-level diff of bodyText' })
  body: WordChangeResponse[];
}

export class TranslationMemberResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() language: string;
  @ApiProperty() slug: string;
  @ApiProperty() headline: string;
  @ApiProperty({ enum: ARTICLE_STATUSES }) status: ArticleStatus;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class TranslationFamilyResponse {
  @ApiProperty({ format: 'uuid' }) translationGroupId: string;
  @ApiProperty({
    type: [TranslationMemberResponse],
    description: 'Oldest first; includes the article itself',
  })
  members: TranslationMemberResponse[];
}

/** An author credited on an article, in byline order. */
export interface AuthorCredit {
  author: Author;
  role: AuthorRole;
}

export type ArticleResponseConfig = Pick<NewsroomConfig, 'agencyName' | 'timezone'>;

function userRef(user: User | null | undefined, id: string | null, what: string): UserRefResponse | null {
  if (id === null) return null;
  // Programming error, not an expected failure: the loader must join the user.
  if (!user) throw new Error(`toArticleResponse: ${what} user not loaded`);
  return { id: user.id, name: user.name };
}

/** The byline rule lives in article-rules; re-exported here for existing importers. */
export { deriveByline } from './article-rules';

/** "ASTANA. KAZINFORM –" (null without a place). */
export function renderDateline(place: string | null, agency: string | null): string | null {
  if (!place) return null;
  return agency ? `${place}. ${agency} –` : `${place} –`;
}

/**
 * The Newsroom API shape of an article (also what revisions snapshot). Pure: `article` must carry
 * createdByUser (and updatedByUser when updatedById is set); authors and tags in their stored order.
 */
export function toArticleResponse(
  article: Article,
  authors: readonly AuthorCredit[],
  tags: readonly Tag[],
  config: ArticleResponseConfig,
): ArticleResponse {
  const agency = article.datelineAgency ?? (article.datelinePlace ? config.agencyName : null);
  return {
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
      agency,
      text: renderDateline(article.datelinePlace, agency),
    },
    body: article.bodyHtml,
    bodyText: article.bodyText,
    wordCount: article.wordCount,
    source: article.source,
    featuredMedia: article.featuredMediaId
      ? { mediaId: article.featuredMediaId, caption: article.featuredCaption }
      : null,
    authors: authors.map((c) => ({
      id: c.author.id,
      name: c.author.name,
      slug: c.author.slug,
      role: c.role,
    })),
    byline: bylineOf(article.byline, authors),
    bylineOverride: article.byline,
    tags: tags.map((t) => ({ id: t.id, name: t.name, slug: t.slug, kind: t.kind })),
    urgency: article.urgency,
    timezone: article.timezone || config.timezone,
    status: article.status,
    version: article.version,
    originalPublishedAt: article.originalPublishedAt?.toISOString() ?? null,
    publication: publicationStateOf(article),
    createdBy: userRef(article.createdByUser, article.createdById, 'createdBy')!,
    updatedBy: userRef(article.updatedByUser, article.updatedById, 'updatedBy'),
    createdAt: article.createdAt.toISOString(),
    updatedAt: article.updatedAt.toISOString(),
  };
}

export function toArticleSummary(full: ArticleResponse): ArticleSummaryResponse {
  const { body: _body, bodyText: _bodyText, ...summary } = full;
  return summary;
}

export function toRevisionSummary(r: ArticleRevision): RevisionSummaryResponse {
  return {
    number: r.number,
    version: r.version,
    actor: r.actorId && r.actor ? { id: r.actor.id, name: r.actor.name } : null,
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
  };
}

export function toRevisionResponse(r: ArticleRevision): RevisionResponse {
  return { ...toRevisionSummary(r), snapshot: r.snapshot };
}

export function toTranslationMember(a: Article): TranslationMemberResponse {
  return {
    id: a.id,
    language: a.language,
    slug: a.slug,
    headline: a.headline,
    status: a.status,
    version: a.version,
    updatedAt: a.updatedAt.toISOString(),
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
    relations: { author: true },
    order: { position: 'ASC' },
  });
  const tagRows = await em.find(ArticleTag, {
    where: { articleId: In(ids) },
    relations: { tag: true },
    order: { position: 'ASC' },
  });
  for (const row of authorRows) credits.get(row.articleId)!.push({ author: row.author!, role: row.role });
  for (const row of tagRows) tags.get(row.articleId)!.push(row.tag!);
  return { credits, tags };
}

/** Loads one article with its users, authors and tags and maps it; 404 when it does not exist. */
export async function loadArticleResponse(
  em: EntityManager,
  id: string,
  config: ArticleResponseConfig = newsroomConfig(),
): Promise<ArticleResponse> {
  const article = await em.findOne(Article, {
    where: { id },
    relations: { createdByUser: true, updatedByUser: true },
  });
  if (!article) throw notFound('Article');
  const { credits, tags } = await loadCreditsAndTags(em, [id]);
  return toArticleResponse(article, credits.get(id)!, tags.get(id)!, config);
}
