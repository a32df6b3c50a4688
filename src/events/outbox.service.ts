import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type EventType, OutboxEvent } from './event.entity';

export interface NewEvent {
  type: EventType;
  articleId: string | null;
  version: number | null;
  actorId: string | null;
  payload: Record<string, unknown>;
}

/**
 * Appends outbox events inside the caller's transaction. An event some webhook receives is queued for
 * dispatch by a trigger on the same insert (see the webhook dispatch queue migration), so it commits or
 * rolls back with the change; an event no webhook receives queues nothing.
 */
@Injectable()
export class OutboxService {
  async append(em: EntityManager, event: NewEvent): Promise<OutboxEvent> {
    return em.getRepository(OutboxEvent).save(em.getRepository(OutboxEvent).create(event));
  }
}
