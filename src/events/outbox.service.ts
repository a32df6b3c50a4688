import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobEngine } from '../jobs/job-engine.service';
import { type EventType, OutboxEvent } from './event.entity';

export const DISPATCH_QUEUE = 'event-dispatch';

export interface NewEvent {
  type: EventType;
  articleId: string | null;
  version: number | null;
  actorId: string | null;
  payload: Record<string, unknown>;
}

/** Appends outbox events inside the caller's transaction and queues their dispatch in the same transaction. */
@Injectable()
export class OutboxService {
  constructor(private readonly jobs: JobEngine) {}

  async append(em: EntityManager, event: NewEvent): Promise<OutboxEvent> {
    const saved = await em.getRepository(OutboxEvent).save(em.getRepository(OutboxEvent).create(event));
    await this.jobs.send(DISPATCH_QUEUE, { eventId: saved.id }, { em });
    return saved;
  }
}
