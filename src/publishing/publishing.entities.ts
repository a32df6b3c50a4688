import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ARTICLE_STATUSES, type ArticleStatus } from '../articles/article.constants';
import type { KillDocument, PublicDocument } from './publication.renderer';
import {
  NOTICE_KINDS,
  type NoticeKind,
  PUBLICATION_STATUSES,
  type PublicationStatus,
} from './publication.constants';

export { NOTICE_KINDS, type NoticeKind, PUBLICATION_STATUSES, type PublicationStatus };

export interface ArticleEventData {
  at?: string;
  embargoUntil?: string;
  expiresAt?: string;
  change?: string;
  notice?: string;
  /** correction: the notice put on the article's published translations */
  translationNotice?: string;
  /** How late a scheduler job ran */
  lateMs?: number;
  /** publish: the article version now public; the scheduler also names the version it was approved as */
  publishedVersion?: number;
  approvedVersion?: number;
  /** edit: why the article went back to review, and the publication time that was cancelled */
  reason?: string;
  cancelledScheduledAt?: string;
  /** publish by an archive import: the import it came with */
  importJobId?: string;
}

/** One row per workflow action on an article: who, when, from, to, why. */
@Entity({ name: 'article_event' })
export class ArticleEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId: string;

  /** null when the scheduler acted */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'from_status', type: 'enum', enum: ARTICLE_STATUSES, enumName: 'article_status' })
  fromStatus: ArticleStatus;

  @Column({ name: 'to_status', type: 'enum', enum: ARTICLE_STATUSES, enumName: 'article_status' })
  toStatus: ArticleStatus;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ type: 'jsonb', default: {} })
  data: ArticleEventData;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}

@Entity({ name: 'article_notice' })
export class ArticleNotice {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @Column({ type: 'enum', enum: NOTICE_KINDS, enumName: 'notice_kind' })
  kind: NoticeKind;

  @Column({ type: 'text' })
  text: string;

  /** Shown to readers (corrections, clarifications, kills); internal ones are audit only. */
  @Column({ type: 'boolean', default: true })
  public: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}

/** The public read model: the rendered document of an article that has been public, and what the Content API filters on. */
@Entity({ name: 'publication' })
export class Publication {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @Column({ name: 'translation_group_id', type: 'uuid' })
  translationGroupId: string;

  @Column({ type: 'text' })
  language: string;

  @Column({ type: 'text' })
  slug: string;

  @Column({ type: 'text' })
  genre: string;

  @Column({ type: 'enum', enum: PUBLICATION_STATUSES, enumName: 'publication_status' })
  status: PublicationStatus;

  /** Public version number: 1 at first publication, +1 at every public change. */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'jsonb' })
  document: PublicDocument | KillDocument;

  /** The shape `document` was written in (PUBLIC_DOCUMENT_SCHEMA then); read it with readStoredDocument. */
  @Column({ name: 'document_schema', type: 'smallint' })
  documentSchema: number;

  @Column({ name: 'tag_ids', type: 'uuid', array: true, default: () => "'{}'" })
  tagIds: string[];

  @Column({ name: 'author_ids', type: 'uuid', array: true, default: () => "'{}'" })
  authorIds: string[];

  /** The pictures the document shows (what public picture delivery checks) */
  @Column({ name: 'media_ids', type: 'uuid', array: true, default: () => "'{}'" })
  mediaIds: string[];

  @Column({ name: 'first_published_at', type: 'timestamptz', precision: 3 })
  firstPublishedAt: Date;

  @Column({ name: 'published_at', type: 'timestamptz', precision: 3 })
  publishedAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Column({ name: 'embargo_until', type: 'timestamptz', precision: 3, nullable: true })
  embargoUntil: Date | null;

  @Column({ type: 'tsvector', select: false, insert: false, update: false })
  search: string;
}

@Entity({ name: 'publication_version' })
export class PublicationVersion {
  @PrimaryColumn({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @PrimaryColumn({ type: 'integer' })
  version: number;

  @Column({ type: 'enum', enum: PUBLICATION_STATUSES, enumName: 'publication_status' })
  status: PublicationStatus;

  /** publish | update | correction | clarification | unpublish | kill | embargo_lift | rerender */
  @Column({ type: 'text' })
  change: string;

  @Column({ type: 'jsonb' })
  document: PublicDocument | KillDocument;

  /** The shape `document` was written in (PUBLIC_DOCUMENT_SCHEMA then); read it with readStoredDocument. */
  @Column({ name: 'document_schema', type: 'smallint' })
  documentSchema: number;

  @Column({ name: 'valid_from', type: 'timestamptz', precision: 3 })
  validFrom: Date;

  @Column({ name: 'embargo_until', type: 'timestamptz', precision: 3, nullable: true })
  embargoUntil: Date | null;

  /** The article version whose content this document shows (null for rows written before it was recorded). */
  @Column({ name: 'article_version', type: 'integer', nullable: true })
  articleVersion: number | null;
}
