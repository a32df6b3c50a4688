import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotifyListener } from '../database/notify-listener';
import { JobEngine } from '../jobs/job-engine.service';
import { partnerWebhookAcceptsSql } from '../partners/partner-webhook-sql';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import {
  DELIVER_QUEUE,
  DISPATCH_BATCH_SIZE,
  type DeliverJob,
  FALLBACK_DELAY_SECONDS,
  FALLBACK_WINDOW_SECONDS,
  WEBHOOK_DISPATCH_CHANNEL,
} from './webhooks.constants';

// An earlier delivery of the event's article to the webhook: a partner's webhook gets the later changes of
// what it was sent.
const SENT_BEFORE = `EXISTS (SELECT 1 FROM webhook_delivery s
  WHERE s.webhook_id = w.id AND s.article_id = e.article_id AND s.event_seq < e.seq)`;

// A safety net for notifications missed while the listener reconnects: queued events wait at most this long.
const POLL_INTERVAL_MS = 5_000;

/**
 * Turns queued outbox events into deliveries, a batch per transaction: one `webhook_delivery` for each of
 * the event's receivers (the webhooks active and subscribed to its type when it was written) that is still
 * active and subscribed (a partner's webhook: and the partner's subscription covers it, or the partner received
 * the story before), and a backstop job per webhook; once the batch commits, this instance starts sending
 * them itself. The queue holds only events some webhook could receive (the trigger on
 * `event` decides, in the event's own transaction). Every server dispatches, woken by NOTIFY on commit and
 * by a poll; SKIP LOCKED splits the work between them.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly listener: NotifyListener;
  private pollTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wanted = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobEngine,
    private readonly adapterHost: HttpAdapterHost,
    private readonly deliveries: WebhookDeliveryWorker,
  ) {
    this.listener = new NotifyListener({
      url: (dataSource.options as { url?: string }).url,
      channel: WEBHOOK_DISPATCH_CHANNEL,
      logger: this.logger,
      lostMessage: 'Webhook dispatch listener lost; queued events are polled until it reconnects',
      onNotify: () => this.kick(),
      // Listening (again): events queued meanwhile announced nothing here.
      onReset: () => this.kick(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Servers dispatch; CLI commands (no HTTP adapter) only write events.
    if (!this.adapterHost.httpAdapter) return;
    await this.listener.start();
    this.pollTimer = setInterval(() => this.kick(), POLL_INTERVAL_MS);
    this.pollTimer.unref();
    this.kick();
  }

  // Before the database pool closes: a running batch finishes (or rolls back) with a live pool.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    await this.listener.stop();
    await this.running;
  }

  /** Asks for a dispatch run; one runs at a time per instance, and a request during a run makes it go on. */
  kick(): void {
    if (this.stopped) return;
    this.wanted = true;
    this.running ??= this.drain()
      .catch((err: unknown) =>
        this.logger.error({ err }, 'webhook dispatch failed; retried at the next poll'),
      )
      .finally(() => {
        this.running = undefined;
        if (this.wanted) this.kick();
      });
  }

  private async drain(): Promise<void> {
    while (this.wanted && !this.stopped) {
      this.wanted = false;
      // Until a pass finds nothing it may claim: an article's next event becomes claimable once the
      // previous one is dispatched, possibly by this very loop.
      while (!this.stopped && (await this.dispatchPending()) > 0);
    }
  }

  /**
   * One batch, in one transaction: claims up to DISPATCH_BATCH_SIZE queued events in seq order, creates
   * their deliveries, queues a backstop job per webhook and removes the events from the queue. A crash
   * rolls it all back, so each event is dispatched exactly once (`UNIQUE (webhook_id, event_id)` backs that
   * up). Only the oldest queued event of each article is claimable, so one article's deliveries are always
   * created in seq order, however many instances dispatch at once. Once it commits, this instance's
   * delivery runs start on the new lanes at once (the leases keep them and the backstop jobs apart).
   * Returns the number of events dispatched.
   */
  async dispatchPending(): Promise<number> {
    const { count, lanes } = await this.dataSource.transaction(async (em) => {
      const claimed = await em.query<{ eventId: string }[]>(
        `SELECT q.event_id AS "eventId" FROM webhook_dispatch_queue q
          WHERE NOT EXISTS (SELECT 1 FROM webhook_dispatch_queue p
                             WHERE p.article_id = q.article_id AND p.event_seq < q.event_seq)
            AND (q.article_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM webhook_dispatch_queue p
                             WHERE p.article_id IS NULL AND p.event_seq < q.event_seq))
          ORDER BY q.event_seq
          LIMIT $1
          FOR UPDATE OF q SKIP LOCKED`,
        [DISPATCH_BATCH_SIZE],
      );
      if (claimed.length === 0) return { count: 0, lanes: [] };
      const ids = claimed.map((c) => c.eventId);
      const created = await em.query<DeliverJob[]>(
        `INSERT INTO webhook_delivery (webhook_id, event_id, event_seq, event_type, article_id, next_attempt_at)
         SELECT w.id, e.id, e.seq, e.type, e.article_id, now()
           FROM webhook_dispatch_queue q
           JOIN event e ON e.id = q.event_id
           -- Its receivers when it was written, if still active and subscribed (disabling acts at once);
           -- an advisory reminder goes to its partner's webhooks whatever they subscribed to.
           JOIN webhook w ON w.id = ANY(q.receivers) AND w.active
                         AND (w.events @> ARRAY[e.type] OR w.events @> ARRAY['*'] OR e.type = 'advisory.reminder')
          WHERE q.event_id = ANY($1::uuid[])
            AND ${partnerWebhookAcceptsSql('e', 'w', SENT_BEFORE)}
          ORDER BY e.seq
         ON CONFLICT (webhook_id, event_id) DO NOTHING
         RETURNING webhook_id AS "webhookId", article_id AS "articleId"`,
        [ids],
      );
      await em.query(`DELETE FROM webhook_dispatch_queue WHERE event_id = ANY($1::uuid[])`, [ids]);
      const lanes = laneJobs(created);
      // The backstop, should this instance die before sending: one job per webhook and window, started
      // after the window ends (so after the dispatches that found it queued); it goes on with the webhook's
      // other due lanes, and finds nothing to do when this instance has sent them.
      for (const job of lanes) {
        await this.jobs.send(DELIVER_QUEUE, job, {
          em,
          startAfter: FALLBACK_DELAY_SECONDS,
          singletonKey: job.webhookId,
          singletonSeconds: FALLBACK_WINDOW_SECONDS,
        });
      }
      return { count: claimed.length, lanes };
    });
    this.deliveries.deliverNow(lanes);
    return count;
  }
}

/**
 * Delivery work for new deliveries: one per webhook, starting with the lane of its first new delivery
 * (each run goes on with the webhook's other due lanes).
 */
export function laneJobs(created: DeliverJob[]): DeliverJob[] {
  const lanes = new Map<string, DeliverJob>();
  for (const { webhookId, articleId } of created) {
    if (!lanes.has(webhookId)) lanes.set(webhookId, { webhookId, articleId });
  }
  return [...lanes.values()];
}
