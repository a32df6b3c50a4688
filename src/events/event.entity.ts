import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const EVENT_TYPES = [
  'article.published',
  'article.updated',
  'article.corrected',
  'article.clarified',
  'article.unpublished',
  'article.killed',
  'article.scheduled',
  'article.unscheduled',
  'article.embargo_lifted',
  // One per committed batch of an archive import (no article; the payload lists the stories).
  'archive.imported',
  // A partner's unacknowledged advisory, sent again to the partner's webhooks (theirs only).
  'advisory.reminder',
  // An advisory still unacknowledged when its re-send schedule ran out (for the agency's own webhooks).
  'advisory.overdue',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The outbox: one row per public-facing change, written in the transaction of the change.
 * `seq` gives the global order (the changes feed and per-article delivery order follow it).
 */
@Entity({ name: 'event' })
export class OutboxEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'bigint', generated: 'increment', insert: false, update: false })
  seq: string;

  @Column({ type: 'text' })
  type: EventType;

  @Column({ name: 'article_id', type: 'uuid', nullable: true })
  articleId: string | null;

  @Column({ type: 'integer', nullable: true })
  version: number | null;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
