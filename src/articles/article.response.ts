import { ApiProperty, OmitType } from '@nestjs/swagger';
import type { Actor } from '../common/auth.decorators';
// The workflow table's pure check, so the actions listed are the ones a transition accepts.
import { WORKFLOW_ACTIONS, type WorkflowAction, actionsFor } from '../publishing/article-workflow';
import { TAG_KINDS, type TagKind } from '../tags/tag.constants';
import type { Tag } from '../tags/tag.entity';
import {
  ARTICLE_GENRES,
  ARTICLE_STATUSES,
  AUTHOR_ROLES,
  type ArticleGenre,
  type ArticleStatus,
  type AuthorRole,
} from './article.constants';
import type { Article } from './article.entity';
import type { ArticleRevision } from './article-revision.entity';
import { bylineOf, renderDateline } from './article-rules';
import { TranslationOfResponse, TranslationOfSummaryResponse } from './article-translation.response';
import {
  type ArticleSnapshot,
  type AuthorCredit,
  type SnapshotConfig,
  readSnapshot,
  toArticleSnapshot,
} from './article-snapshot';

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
export function publicationStateOf(s: ArticleSnapshot): ArticlePublicationResponse {
  const state: PublicState =
    s.status === 'published'
      ? s.publication.publishedVersion === s.version
        ? 'published'
        : 'changed'
      : s.status === 'unpublished' || s.status === 'killed'
        ? s.status
        : 'draft';
  return { state, ...s.publication };
}

export class FeaturedMediaResponse {
  @ApiProperty({ format: 'uuid' }) mediaId: string;
  @ApiProperty({ type: String, nullable: true, description: "This story's caption; null: the library's" })
  caption: string | null;
}

/** The article as one revision holds it (the working copy's fields, without what is read from other rows). */
export class ArticleSnapshotResponse {
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

export class ArticleResponse extends ArticleSnapshotResponse {
  @ApiProperty({
    type: TranslationOfResponse,
    nullable: true,
    description:
      'A translation: its source, the source version it matches, and whether the source changed since',
  })
  translationOf: TranslationOfResponse | null;
}

export class ArticleSummaryResponse extends OmitType(ArticleResponse, [
  'body',
  'bodyText',
  'translationOf',
] as const) {
  @ApiProperty({ type: TranslationOfSummaryResponse, nullable: true })
  translationOf: TranslationOfSummaryResponse | null;
}

const ALLOWED_ACTIONS = {
  enum: WORKFLOW_ACTIONS,
  isArray: true,
  example: ['submit', 'spike'],
  description: 'The workflow actions the signed-in user may take on the article now (POST …/transitions)',
} as const;

/** An article as the Newsroom API answers it to a signed-in user: with what they may do to it now. */
export class ArticleWithActionsResponse extends ArticleResponse {
  @ApiProperty(ALLOWED_ACTIONS) allowedActions: WorkflowAction[];
}

export class ArticleSummaryWithActionsResponse extends ArticleSummaryResponse {
  @ApiProperty(ALLOWED_ACTIONS) allowedActions: WorkflowAction[];
}

export class ArticlePageResponse {
  @ApiProperty({ type: [ArticleSummaryWithActionsResponse] }) data: ArticleSummaryWithActionsResponse[];
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
  @ApiProperty({ type: ArticleSnapshotResponse }) snapshot: ArticleSnapshotResponse;
}

export class RevisionPageResponse {
  @ApiProperty({ type: [RevisionSummaryResponse] }) data: RevisionSummaryResponse[];
  @ApiProperty({ example: { nextCursor: null } }) meta: { nextCursor: string | null };
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

export type { AuthorCredit } from './article-snapshot';
export {
  FieldChangeResponse,
  RevisionDiffResponse,
  TranslationOfResponse,
  TranslationOfSummaryResponse,
  WordChangeResponse,
} from './article-translation.response';
export { loadCreditsAndTags } from './article-snapshot';

export type ArticleResponseConfig = SnapshotConfig;

/** The byline and dateline rules live in article-rules; re-exported here for existing importers. */
export { deriveByline, renderDateline } from './article-rules';

/**
 * The Newsroom API shape of an article, mapped from its snapshot; `articleResponse` (article-response-loader)
 * adds what other rows say (the translation's source).
 */
export function responseFromSnapshot(s: ArticleSnapshot): ArticleSnapshotResponse {
  return {
    id: s.id,
    translationGroupId: s.translationGroupId,
    language: s.language,
    slug: s.slug,
    genre: s.genre,
    headline: s.headline,
    subheadline: s.subheadline,
    summary: s.summary,
    dateline: { ...s.dateline, text: renderDateline(s.dateline.place, s.dateline.agency) },
    body: s.bodyHtml,
    bodyText: s.bodyText,
    wordCount: s.wordCount,
    source: s.source,
    featuredMedia: s.featuredMedia ? { ...s.featuredMedia } : null,
    authors: s.authors.map((a) => ({ ...a })),
    byline: bylineOf(
      s.bylineOverride,
      s.authors.map((a) => ({ author: a, role: a.role })),
    ),
    bylineOverride: s.bylineOverride,
    tags: s.tags.map((t) => ({ ...t })),
    urgency: s.urgency,
    timezone: s.timezone,
    status: s.status,
    version: s.version,
    originalPublishedAt: s.originalPublishedAt,
    publication: publicationStateOf(s),
    createdBy: s.createdBy,
    updatedBy: s.updatedBy,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** The Newsroom API shape of an article row (see toArticleSnapshot for what it must carry). */
export function toArticleResponse(
  article: Article,
  authors: readonly AuthorCredit[],
  tags: readonly Tag[],
  config: ArticleResponseConfig,
): ArticleSnapshotResponse {
  return responseFromSnapshot(toArticleSnapshot(article, authors, tags, config));
}

/** Adds the actions `actor` may take now, from the workflow table (`actionsFor`). */
export function withAllowedActions<T extends Pick<ArticleResponse, 'status' | 'createdBy' | 'publication'>>(
  actor: Actor,
  article: T,
): T & { allowedActions: WorkflowAction[] } {
  const { embargoUntil } = article.publication;
  const state = {
    status: article.status,
    createdById: article.createdBy.id,
    embargoUntil: embargoUntil === null ? null : new Date(embargoUntil),
  };
  return { ...article, allowedActions: actionsFor(actor, state, new Date()) };
}

export function toArticleSummary(
  full: ArticleSnapshotResponse,
  translationOf: TranslationOfSummaryResponse | null,
): ArticleSummaryResponse {
  const { body: _body, bodyText: _bodyText, ...summary } = full;
  return { ...summary, translationOf };
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
  return { ...toRevisionSummary(r), snapshot: responseFromSnapshot(readSnapshot(r.snapshot)) };
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
