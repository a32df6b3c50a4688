import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const AUDIT_ENTITY_TYPES = [
  'user',
  'author',
  'tag',
  'article',
  'api_key',
  'webhook',
  'media',
  'import_job',
  'partner',
  'advisory',
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/** One row per change in the newsroom: who did what to which thing, from where. Written in the change's transaction. */
@Entity({ name: 'audit_log' })
export class AuditEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'bigint', generated: 'increment', insert: false, update: false })
  seq: string;

  /** null: the system (scheduler, CLI without a signed-in user) */
  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_email', type: 'text', nullable: true })
  actorEmail: string | null;

  /** e.g. user.create, tag.merge, article.update, article.publish, api_key.revoke */
  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: AuditEntityType;

  @Column({ name: 'entity_id', type: 'text' })
  entityId: string;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ type: 'jsonb', default: {} })
  details: Record<string, string | number | boolean | null | string[]>;

  @CreateDateColumn({ name: 'at', type: 'timestamptz', precision: 3 })
  at: Date;
}
