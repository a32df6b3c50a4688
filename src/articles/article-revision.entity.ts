import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';
import { Article } from './article.entity';
import type { StoredSnapshot } from './article-snapshot';

/** A full snapshot of an article after one change: numbered 1, 2, 3… per article. */
@Entity({ name: 'article_revision' })
export class ArticleRevision {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'article_id', type: 'uuid' })
  articleId: string;

  @ManyToOne(() => Article, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'article_id' })
  article?: Article;

  @Column({ type: 'integer' })
  number: number;

  /** The article version this revision snapshots */
  @Column({ type: 'integer' })
  version: number;

  /** The article after the change, authors and tags included; of any schema version (read it with readSnapshot) */
  @Column({ type: 'jsonb' })
  snapshot: StoredSnapshot;

  /** Null when the system acted (e.g. the scheduler) */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'actor_id' })
  actor?: User | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
