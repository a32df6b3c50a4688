import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { Author } from '../authors/author.entity';
import { Tag } from '../tags/tag.entity';
import { User } from '../users/user.entity';
import {
  ARTICLE_GENRES,
  ARTICLE_STATUSES,
  AUTHOR_ROLES,
  type ArticleGenre,
  type ArticleStatus,
  type AuthorRole,
} from './article.constants';

/** The newsroom working copy of a news item. Every change bumps `version` and appends an ArticleRevision. */
@Entity({ name: 'article' })
@Unique('article_language_slug_key', ['language', 'slug'])
@Unique('article_translation_group_language_key', ['translationGroupId', 'language'])
export class Article {
  // Set by the service (randomUUID) so the first article of a family can use it as its translation group.
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'translation_group_id', type: 'uuid' })
  translationGroupId: string;

  @Column({ type: 'text' })
  language: string;

  @Column({ type: 'text' })
  slug: string;

  @Column({ type: 'enum', enum: ARTICLE_GENRES, enumName: 'article_genre' })
  genre: ArticleGenre;

  @Column({ type: 'text' })
  headline: string;

  @Column({ type: 'text', nullable: true })
  subheadline: string | null;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Column({ name: 'dateline_place', type: 'text', nullable: true })
  datelinePlace: string | null;

  @Column({ name: 'dateline_agency', type: 'text', nullable: true })
  datelineAgency: string | null;

  /** Sanitized HTML */
  @Column({ name: 'body_html', type: 'text', default: '' })
  bodyHtml: string;

  /** Derived from body_html: paragraphs separated by blank lines */
  @Column({ name: 'body_text', type: 'text', default: '' })
  bodyText: string;

  @Column({ name: 'word_count', type: 'integer', default: 0 })
  wordCount: number;

  @Column({ type: 'text', nullable: true })
  source: string | null;

  /** Overrides the byline derived from the authors when set */
  @Column({ type: 'text', nullable: true })
  byline: string | null;

  @Column({ type: 'integer', default: 5 })
  urgency: number;

  /** IANA zone the newsroom displays times in */
  @Column({ type: 'text' })
  timezone: string;

  @Column({ type: 'enum', enum: ARTICLE_STATUSES, enumName: 'article_status', default: 'draft' })
  status: ArticleStatus;

  /** Optimistic-lock counter, exposed as the ETag; bumped on every change */
  @Column({ type: 'integer', default: 1 })
  version: number;

  /** The featured picture (a library picture) and this story's own caption for it (else the library's). */
  @Column({ name: 'featured_media_id', type: 'uuid', nullable: true })
  featuredMediaId: string | null;

  @Column({ name: 'featured_caption', type: 'text', nullable: true })
  featuredCaption: string | null;

  /**
   * The version at which the translated content (headline, subheadline, summary, dateline, body, source,
   * featured picture) last changed: a translation based on an older version of this article is stale.
   */
  @Column({ name: 'content_version', type: 'integer', default: 1 })
  contentVersion: number;

  /** A translation: the article it was made from (null for an original, or when the source was deleted). */
  @Column({ name: 'translation_source_id', type: 'uuid', nullable: true })
  translationSourceId: string | null;

  /** A translation: the source's version it matches (set at creation, moved by confirm or rebase). */
  @Column({ name: 'translation_base_version', type: 'integer', nullable: true })
  translationBaseVersion: number | null;

  @Column({ name: 'original_published_at', type: 'timestamptz', nullable: true })
  originalPublishedAt: Date | null;

  @Column({ name: 'import_hash', type: 'text', nullable: true, unique: true })
  importHash: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by' })
  createdByUser?: User;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedById: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'updated_by' })
  updatedByUser?: User | null;

  // Publication state (the workflow writes these; see src/publishing).
  @Column({ name: 'first_published_at', type: 'timestamptz', nullable: true })
  firstPublishedAt: Date | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'embargo_until', type: 'timestamptz', nullable: true })
  embargoUntil: Date | null;

  @Column({ name: 'scheduled_at', type: 'timestamptz', nullable: true })
  scheduledAt: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  /** The article version that is public now; a later version means the working copy has unpublished changes. */
  @Column({ name: 'published_version', type: 'integer', nullable: true })
  publishedVersion: number | null;

  /**
   * The version an editor approved (approve, schedule, or an approver's own edit since), while the article is
   * approved or scheduled; the scheduler publishes only this version.
   */
  @Column({ name: 'approved_version', type: 'integer', nullable: true })
  approvedVersion: number | null;

  @Column({ name: 'schedule_job_id', type: 'uuid', nullable: true })
  scheduleJobId: string | null;

  @Column({ name: 'expire_job_id', type: 'uuid', nullable: true })
  expireJobId: string | null;

  @Column({ name: 'embargo_job_id', type: 'uuid', nullable: true })
  embargoJobId: string | null;

  // Millisecond precision: what the API shows (JS dates). Keyset cursors carry the exact text either way.
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}

@Entity({ name: 'article_author' })
export class ArticleAuthor {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @PrimaryColumn({ name: 'author_id', type: 'uuid' })
  authorId: string;

  @Column({ type: 'integer' })
  position: number;

  @Column({ type: 'enum', enum: AUTHOR_ROLES, enumName: 'author_role', default: 'writer' })
  role: AuthorRole;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: Article;

  @ManyToOne(() => Author, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id' })
  author?: Author;
}

@Entity({ name: 'article_tag' })
export class ArticleTag {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @PrimaryColumn({ name: 'tag_id', type: 'uuid' })
  tagId: string;

  @Column({ type: 'integer' })
  position: number;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: Article;

  @ManyToOne(() => Tag, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tag_id' })
  tag?: Tag;
}

export const ARTICLE_MEDIA_USAGES = ['featured', 'inline'] as const;
export type ArticleMediaUsage = (typeof ARTICLE_MEDIA_USAGES)[number];

/** Which library pictures the working copy uses (the featured one and the body's figures), rewritten on every save. */
@Entity({ name: 'article_media' })
export class ArticleMediaUse {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @PrimaryColumn({ name: 'media_id', type: 'uuid' })
  mediaId: string;

  @PrimaryColumn({ type: 'enum', enum: ARTICLE_MEDIA_USAGES, enumName: 'article_media_usage' })
  usage: ArticleMediaUsage;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: Article;
}
