import type { OnModuleInit } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { OutboxEvent } from '../events/event.entity';
import { DISPATCH_QUEUE } from '../events/outbox.service';
import { JobEngine } from '../jobs/job-engine.service';
import { DELIVER_QUEUE, type DeliverJob } from './webhooks.constants';

// Advisory lock class for "dispatching the events of one article" (the second key is the article's hash).
const DISPATCH_LOCK_CLASS = 4_242_401;

/**
 * Turns outbox events into deliveries: one per active webhook subscribed to the event's type, exactly once
 * per event however often its dispatch job runs, and per article in event order.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit {
  private readonly logger = new Logger(WebhookDispatcher.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobEngine,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ eventId: string }>({
      queue: {
        name: DISPATCH_QUEUE,
        retryLimit: 10,
        retryDelay: 2,
        retryBackoff: true,
        // One short transaction: a job left active by a crashed instance is retried after 30 s.
        expireInSeconds: 30,
      },
      concurrency: 2,
      handler: async ({ eventId }) => {
        if (typeof eventId !== 'string') {
          this.logger.error('event-dispatch job without an eventId: dropped');
          return;
        }
        await this.dispatch(eventId);
      },
    });
  }

  /**
   * Dispatches an event (the handler of its job). Earlier events of the same article whose own jobs have
   * not run yet are dispatched first, so a lane's deliveries are always created in seq order. Returns
   * the number of deliveries created.
   */
  async dispatch(eventId: string): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const event = await em.getRepository(OutboxEvent).findOneBy({ id: eventId });
      if (!event) {
        this.logger.warn(`event ${eventId} to dispatch does not exist`);
        return 0;
      }
      // With no webhook at all there is nothing to do, nor to remember: a webhook created later only gets
      // events that occur after it.
      const [{ any }] = await em.query<{ any: boolean }[]>(`SELECT EXISTS (SELECT 1 FROM webhook) AS "any"`);
      if (!any) return 0;
      let events = [event];
      if (event.articleId !== null) {
        // Serializes dispatchers of one article; later statements see what the previous one committed.
        await em.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          DISPATCH_LOCK_CLASS,
          event.articleId,
        ]);
        events = await em
          .getRepository(OutboxEvent)
          .createQueryBuilder('e')
          .where('e.article_id = :articleId', { articleId: event.articleId })
          .andWhere('e.seq <= :seq', { seq: event.seq })
          .andWhere('NOT EXISTS (SELECT 1 FROM webhook_dispatch x WHERE x.event_id = e.id)')
          .orderBy('e.seq', 'ASC')
          .getMany();
      }
      let created = 0;
      for (const e of events) created += await this.dispatchOne(em, e);
      return created;
    });
  }

  private async dispatchOne(em: EntityManager, event: OutboxEvent): Promise<number> {
    const marked = await em.query<unknown[]>(
      `INSERT INTO webhook_dispatch (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id`,
      [event.id],
    );
    if (marked.length === 0) return 0;
    const created = await em.query<{ webhookId: string }[]>(
      `INSERT INTO webhook_delivery (webhook_id, event_id, event_seq, event_type, article_id, next_attempt_at)
       SELECT w.id, e.id, e.seq, e.type, e.article_id, now()
         FROM webhook w
         JOIN event e ON e.id = $1
        WHERE w.active AND (w.events @> ARRAY[e.type] OR w.events @> ARRAY['*'])
          -- created_at keeps milliseconds only, hence the margin
          AND e.occurred_at >= w.created_at - interval '1 millisecond'
       ON CONFLICT (webhook_id, event_id) DO NOTHING
       RETURNING webhook_id AS "webhookId"`,
      [event.id],
    );
    for (const { webhookId } of created) {
      const job: DeliverJob = { webhookId, articleId: event.articleId };
      await this.jobs.send(DELIVER_QUEUE, job, { em });
    }
    return created.length;
  }
}
