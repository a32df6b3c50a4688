import type {
  BeforeApplicationShutdown,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { webhooksConfig, type WebhooksConfig } from '../config/configuration';
import { JobEngine } from '../jobs/job-engine.service';
import { PartnerPushes } from '../partners/partner-pushes.service';
import { deliveryAdvisorySql, webhookPartnerSql } from '../partners/partner-webhook-sql';
import { retryDelayMs } from './webhook-retry';
import { type Outcome, type Sendable, WebhookSender } from './webhook-sender';
import {
  DELIVER_CONCURRENCY,
  DELIVER_QUEUE,
  type DeliverJob,
  LOCAL_DELIVER_CONCURRENCY,
  MAX_IN_FLIGHT_PER_WEBHOOK,
  MAX_ROUNDS_PER_WEBHOOK,
} from './webhooks.constants';

/** A delivery this worker holds the lease of, with what it needs to send it. */
interface Claimed extends Sendable {
  webhookId: string;
  attempts: number;
  leaseToken: string;
}

// One job serves a webhook for at most this long, then hands the rest to a fresh job.
const JOB_BUDGET_MS = 120_000;
const SWEEP_INTERVAL_MS = 30_000;
// Only deliveries overdue by this much are swept: younger ones are still with their own job.
const SWEEP_STALE_SECONDS = 30;
const SWEEP_LIMIT = 200;
const ERROR_MAX = 500;

// The head of a lane: no earlier pending delivery of the same article to the same webhook. Plain equality
// (and the article-less lane apart) rather than IS NOT DISTINCT FROM, which no index or hash join can use:
// that made every claim compare each pending delivery with every other (115 ms per claim with 2,300
// pending, 3 ms with this form).
const IS_LANE_HEAD = `NOT EXISTS (
  SELECT 1 FROM webhook_delivery e
   WHERE e.webhook_id = d.webhook_id AND e.article_id = d.article_id
     AND e.status = 'pending' AND e.event_seq < d.event_seq)
  AND (d.article_id IS NOT NULL OR NOT EXISTS (
  SELECT 1 FROM webhook_delivery e
   WHERE e.webhook_id = d.webhook_id AND e.article_id IS NULL
     AND e.status = 'pending' AND e.event_seq < d.event_seq))`;

/** This instance's in-process delivery runs of one webhook. */
interface LocalRuns {
  running: number;
  /** New deliveries came while MAX_ROUNDS_PER_WEBHOOK runs were going: a finishing run looks again. */
  again: boolean;
}

/**
 * Sends deliveries. Each webhook's deliveries form lanes, one per article, sent strictly in event seq
 * order: only a lane's head is ever sent, and only under a lease, so a delivery is never sent twice at
 * once and a later one waits while an earlier one is retrying. At most MAX_IN_FLIGHT_PER_WEBHOOK leases
 * per webhook, so a slow or dead receiver holds only a few of the worker slots.
 *
 * New deliveries are sent by in-process runs the dispatch starts right after its commit (deliverNow); the
 * job engine's workers run the retries, the backstop jobs (what a crashed instance did not send) and the
 * sweep's work. Both go through the same leases, so neither can send what the other holds.
 */
@Injectable()
export class WebhookDeliveryWorker
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  private serving = false;
  private closing = false;
  private readonly local = new Map<string, LocalRuns>();
  private readonly localRunning = new Set<Promise<void>>();
  /** Webhooks waiting for a free in-process run, with the lane to start on. */
  private readonly localWaiting = new Map<string, DeliverJob>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
    private readonly jobs: JobEngine,
    private readonly adapterHost: HttpAdapterHost,
    private readonly partnerPushes: PartnerPushes,
    private readonly sender: WebhookSender,
  ) {}

  onModuleInit(): void {
    this.jobs.register<DeliverJob>({
      queue: { name: DELIVER_QUEUE, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 600 },
      concurrency: DELIVER_CONCURRENCY,
      handler: (job) => this.work(job),
    });
  }

  onApplicationBootstrap(): void {
    // The sweep runs in servers only (not in CLI commands, which have no HTTP adapter).
    if (!this.adapterHost.httpAdapter) return;
    this.serving = true;
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((err: unknown) => {
          this.logger.error({ err }, 'webhook sweep failed');
          return 0;
        })
        .finally(() => (this.sweeping = undefined));
    }, SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  // Before the database pool closes: running in-process rounds record their outcomes with a live pool.
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    this.localWaiting.clear();
    await Promise.all(this.localRunning);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.sweeping;
  }

  /**
   * The handler of a delivery job: sends what is due for the webhook, its own article's lane first. Each
   * round leases the due heads of several lanes, one per lane, sends them at once (one per lane, so no
   * order within a lane is at stake) and records the outcomes; then the next round, until none is due.
   */
  async work(job: DeliverJob): Promise<void> {
    if (!(await this.rounds(job))) await this.jobs.send(DELIVER_QUEUE, job);
  }

  /** Rounds until none is due (true) or the budget is spent (false: the caller hands the rest on). */
  private async rounds(job: DeliverJob): Promise<boolean> {
    const deadline = Date.now() + JOB_BUDGET_MS;
    for (;;) {
      const claimed = await this.claim(job.webhookId, job.articleId);
      if (claimed.length === 0) return true;
      const outcomes = await Promise.all(claimed.map((d) => this.sender.send(d)));
      await this.record(claimed, outcomes);
      if (Date.now() > deadline) return false;
    }
  }

  /**
   * Starts sending new deliveries in this process, for a dispatch that has just committed them (one lane
   * per webhook: each run goes on with the webhook's other due lanes). A webhook gets another run while it
   * has fewer than MAX_ROUNDS_PER_WEBHOOK here, so new deliveries need not wait for a round in flight; past
   * LOCAL_DELIVER_CONCURRENCY runs, webhooks wait for a free one. Nothing here is needed for safety: the
   * dispatch's backstop jobs send whatever this does not.
   */
  deliverNow(lanes: DeliverJob[]): void {
    if (!this.serving || this.closing) return;
    for (const lane of lanes) this.startLocal(lane);
  }

  private startLocal(lane: DeliverJob): void {
    let runs = this.local.get(lane.webhookId);
    if (runs && runs.running >= MAX_ROUNDS_PER_WEBHOOK) {
      runs.again = true;
      return;
    }
    if (this.localRunning.size >= LOCAL_DELIVER_CONCURRENCY) {
      if (!this.localWaiting.has(lane.webhookId)) this.localWaiting.set(lane.webhookId, lane);
      return;
    }
    if (!runs) this.local.set(lane.webhookId, (runs = { running: 0, again: false }));
    runs.running += 1;
    const run = this.runLocal(lane, runs).finally(() => {
      this.localRunning.delete(run);
      runs.running -= 1;
      if (runs.running === 0) this.local.delete(lane.webhookId);
      // Asked again after this run's last look: another run looks.
      if (runs.again && !this.closing) {
        runs.again = false;
        this.startLocal(lane);
      }
      this.startWaiting();
    });
    this.localRunning.add(run);
  }

  private async runLocal(lane: DeliverJob, runs: LocalRuns): Promise<void> {
    try {
      do {
        runs.again = false;
        if (!(await this.rounds(lane))) {
          await this.jobs.send(DELIVER_QUEUE, lane);
          return;
        }
      } while (runs.again && !this.closing);
    } catch (err) {
      this.logger.error({ err }, 'in-process webhook delivery failed; its backstop job sends it');
    }
  }

  private startWaiting(): void {
    if (this.closing) return;
    for (const [webhookId, lane] of this.localWaiting) {
      if (this.localRunning.size >= LOCAL_DELIVER_CONCURRENCY) return;
      this.localWaiting.delete(webhookId);
      this.startLocal(lane);
    }
  }

  /**
   * Queues work for pending deliveries that are due but have no job (a worker died holding a lease, a
   * job was lost): idempotent, run every 30 s by each server. Returns the number of jobs queued.
   */
  async sweep(staleSeconds = SWEEP_STALE_SECONDS): Promise<number> {
    const lanes = await this.dataSource.query<DeliverJob[]>(
      `SELECT d.webhook_id AS "webhookId", d.article_id AS "articleId"
         FROM webhook_delivery d
         JOIN webhook w ON w.id = d.webhook_id AND w.active
        WHERE d.status = 'pending'
          AND d.next_attempt_at <= now() - $1 * interval '1 second'
          AND (d.lease_until IS NULL OR d.lease_until <= now())
          AND ${IS_LANE_HEAD}
        ORDER BY d.next_attempt_at
        LIMIT $2`,
      [staleSeconds, SWEEP_LIMIT],
    );
    for (const lane of lanes) await this.jobs.send(DELIVER_QUEUE, lane);
    if (lanes.length > 0) this.logger.warn(`webhook sweep queued ${lanes.length} stranded lane(s)`);
    return lanes.length;
  }

  /**
   * Leases due lane heads of the webhook, one per lane (its `articleId` lane first, then the oldest), as
   * one round (one lease token): none when MAX_ROUNDS_PER_WEBHOOK rounds of it are running, and never more
   * than MAX_IN_FLIGHT_PER_WEBHOOK of its deliveries leased at once.
   */
  private claim(webhookId: string, articleId: string | null): Promise<Claimed[]> {
    return this.dataSource.transaction(async (em) => {
      // The webhook's row lock serializes claims, so the counts below cannot be overtaken.
      const active = await em.query<unknown[]>(
        `SELECT 1 FROM webhook WHERE id = $1 AND active FOR NO KEY UPDATE`,
        [webhookId],
      );
      if (active.length === 0) return [];
      // The leased deliveries come back with what sending them needs (one statement, no second read).
      const [leased] = await em.query<[(Claimed & { eventSeq: string })[], number]>(
        `WITH heads AS (
           -- Each lane's head: its lowest pending seq (all deliveries with no article are one lane).
           SELECT DISTINCT ON (d.article_id) d.id, d.article_id, d.event_seq, d.next_attempt_at, d.lease_until
             FROM webhook_delivery d
            WHERE d.webhook_id = $1 AND d.status = 'pending'
            ORDER BY d.article_id, d.event_seq),
         candidate AS (
           SELECT h.id FROM heads h
            WHERE h.next_attempt_at <= now() AND (h.lease_until IS NULL OR h.lease_until <= now())
            ORDER BY (h.article_id IS NOT DISTINCT FROM $2::uuid) DESC, h.event_seq
            -- At most $5 rounds (workers) and $3 deliveries of the webhook in flight at once.
            LIMIT (SELECT CASE WHEN count(DISTINCT f.lease_token) >= $5 THEN 0
                               ELSE greatest(0, $3 - count(*)) END
                     FROM webhook_delivery f
                    WHERE f.webhook_id = $1 AND f.status = 'pending' AND f.lease_until > now())),
         round AS (SELECT gen_random_uuid() AS token)
         UPDATE webhook_delivery d
            SET lease_until = now() + $4 * interval '1 millisecond', lease_token = round.token
           FROM candidate, round, webhook w, event e
          WHERE d.id = candidate.id AND w.id = d.webhook_id AND e.id = d.event_id
         RETURNING d.id, d.webhook_id AS "webhookId", d.article_id AS "articleId", d.attempts,
                   d.lease_token AS "leaseToken", d.event_seq AS "eventSeq", w.url, w.secret,
                   e.id AS "eventId", e.type, e.occurred_at AS "occurredAt", e.version, e.payload,
                   ${webhookPartnerSql('w')} AS "partnerId", ${deliveryAdvisorySql('e', 'w')} AS "advisoryId"`,
        [webhookId, articleId, MAX_IN_FLIGHT_PER_WEBHOOK, this.leaseMs(), MAX_ROUNDS_PER_WEBHOOK],
      );
      return leased
        .sort((a, b) => (BigInt(a.eventSeq) < BigInt(b.eventSeq) ? -1 : 1))
        .map(({ eventSeq: _seq, ...claimed }) => claimed);
    });
  }

  // Longer than any attempt can take (DNS check, connect, response), so a live lease is never taken over.
  private leaseMs(): number {
    return this.config.timeoutMs * 2 + 60_000;
  }

  /**
   * Records a round's attempts, each under the lease it was made with: the successes at once (one
   * statement, or one transaction when a partner's delivery record is written with them), each failure in
   * its own transaction, which schedules its retry.
   */
  private async record(claimed: Claimed[], outcomes: Outcome[]): Promise<void> {
    const done = claimed.flatMap((d, i) => (outcomes[i].ok ? [{ d, outcome: outcomes[i] }] : []));
    if (done.some(({ d }) => d.partnerId)) {
      await this.dataSource.transaction(async (em) => {
        for (const { d, outcome } of done) await this.recordSuccess(em, d, outcome);
      });
    } else if (done.length > 0) {
      // Nothing else to write with them: one statement records them all.
      await this.dataSource.query(
        `UPDATE webhook_delivery d
            SET status = 'succeeded', attempts = u.attempts, last_status_code = u.code, last_error = NULL,
                delivered_at = now(), next_attempt_at = NULL, lease_until = NULL, lease_token = NULL,
                updated_at = now()
           FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[]) AS u(id, token, attempts, code)
          WHERE d.id = u.id AND d.lease_token = u.token`,
        [
          done.map(({ d }) => d.id),
          done.map(({ d }) => d.leaseToken),
          done.map(({ d }) => d.attempts + 1),
          done.map(({ outcome }) => outcome.statusCode),
        ],
      );
    }
    for (const [i, d] of claimed.entries()) {
      if (!outcomes[i].ok) await this.recordFailure(d, outcomes[i]);
    }
  }

  /** A success, and with it (in its transaction) what reached a partner and a receiver's acknowledgement. */
  private async recordSuccess(em: EntityManager, d: Claimed, outcome: Outcome): Promise<void> {
    const [rows] = await em.query<[unknown[], number]>(
      `UPDATE webhook_delivery
          SET status = 'succeeded', attempts = $3, last_status_code = $4, last_error = NULL,
              delivered_at = now(), next_attempt_at = NULL, lease_until = NULL, lease_token = NULL,
              updated_at = now()
        WHERE id = $1 AND lease_token = $2
        RETURNING id`,
      [d.id, d.leaseToken, d.attempts + 1, outcome.statusCode],
    );
    if (rows.length === 0 || !d.partnerId) return;
    await this.partnerPushes.deliveredIn(em, {
      partnerId: d.partnerId,
      webhookId: d.webhookId,
      deliveryId: d.id,
      eventId: d.eventId,
      eventType: d.type,
      articleId: d.articleId,
      payload: d.payload,
      secret: d.secret,
      ackHeader: outcome.ack,
    });
  }

  /** A failed attempt; the retry is scheduled in the same transaction. */
  private async recordFailure(d: Claimed, outcome: Outcome): Promise<void> {
    const attempts = d.attempts + 1;
    const final = attempts >= this.config.maxAttempts;
    const delay = retryDelayMs(attempts, this.config.retryBaseMs);
    await this.dataSource.transaction(async (em) => {
      const [rows] = await em.query<[{ nextAttemptAt: Date | null }[], number]>(
        `UPDATE webhook_delivery
            SET status = $3, attempts = $4, last_status_code = $5, last_error = $6,
                next_attempt_at = CASE WHEN $3 = 'failed' THEN NULL ELSE now() + $7 * interval '1 millisecond' END,
                lease_until = NULL, lease_token = NULL, updated_at = now()
          WHERE id = $1 AND lease_token = $2
          RETURNING next_attempt_at AS "nextAttemptAt"`,
        [
          d.id,
          d.leaseToken,
          final ? 'failed' : 'pending',
          attempts,
          outcome.statusCode,
          (outcome.error ?? 'failed').slice(0, ERROR_MAX),
          delay,
        ],
      );
      const next = rows[0]?.nextAttemptAt;
      if (next) {
        const job: DeliverJob = { webhookId: d.webhookId, articleId: d.articleId };
        await this.jobs.send(DELIVER_QUEUE, job, { em, startAfter: new Date(next) });
      }
    });
    if (final) {
      this.logger.warn(`webhook ${d.webhookId} delivery ${d.id} failed after ${attempts} attempts`);
    }
  }
}
