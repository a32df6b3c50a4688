import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type Page, type PageQueryDto, keysetPage } from '../common/pagination';
import type { RequestMeta } from '../common/request-context';
import { AuditEntry, type AuditEntityType } from './audit-entry.entity';

export interface AuditRecord {
  action: string;
  entityType: AuditEntityType;
  entityId: string;
  details?: AuditEntry['details'];
  /** Who acts, always named by the caller: a staff member, or 'system' (the scheduler, start-up, CLI without an operator). */
  actor: AuditActor;
  /** The request a 'system' actor acts for (a staff actor carries its own, `request`). */
  request?: RequestMeta;
}

/** The acting user of an audit row (a staff `Actor` fits), or 'system', recorded as a null actor. */
export type AuditActor = { id: string; email: string; request?: RequestMeta } | 'system';

export interface AuditQuery extends PageQueryDto {
  entityType?: AuditEntityType;
  entityId?: string;
  actorId?: string;
  action?: string;
}

/**
 * Appends an audit row inside the caller's transaction (so the change and its record commit together).
 * The actor is the caller's argument only; client IP and request id are the request's the actor acts through
 * (none for jobs and the CLI).
 */
export async function recordAudit(em: EntityManager, entry: AuditRecord): Promise<void> {
  const actor = entry.actor === 'system' ? null : entry.actor;
  const ctx = entry.request ?? actor?.request;
  await em.insert(
    AuditEntry,
    em.create(AuditEntry, {
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      details: entry.details ?? {},
      actorId: actor?.id ?? null,
      actorEmail: actor?.email ?? null,
      ip: ctx?.ip ?? null,
      requestId: ctx?.requestId ?? null,
    }),
  );
}

/** The audit log. Every newsroom change records itself inside its own transaction. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const qb = this.dataSource.getRepository(AuditEntry).createQueryBuilder('l');
    if (query.entityType) qb.andWhere('l.entity_type = :entityType', { entityType: query.entityType });
    if (query.entityId) qb.andWhere('l.entity_id = :entityId', { entityId: query.entityId });
    if (query.actorId) qb.andWhere('l.actor_id = :actorId', { actorId: query.actorId });
    if (query.action) qb.andWhere('l.action = :action', { action: query.action });
    return keysetPage(
      qb,
      {
        scope: 'audit',
        column: 'l.seq',
        id: 'l.id',
        direction: 'DESC',
        type: 'bigint',
      },
      query,
    );
  }
}
