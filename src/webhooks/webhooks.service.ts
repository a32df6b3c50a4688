import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DataSource, Repository } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { ADVISORY_LOCKS } from '../common/advisory-locks';
import type { Actor } from '../common/auth.decorators';
import { conflict, notFound } from '../common/errors';
import { keysetPage, type Page } from '../common/pagination';
import { webhooksConfig, type WebhooksConfig } from '../config/configuration';
import { EVENT_TYPES } from '../events/event.entity';
import { JobEngine } from '../jobs/job-engine.service';
import {
  type CreateWebhookDto,
  type ListDeliveriesQueryDto,
  type UpdateWebhookDto,
  WILDCARD,
} from './webhook.dto';
import { WebhookDelivery } from './webhook-delivery.entity';
import { Webhook } from './webhook.entity';
import { assertDeliverableUrl } from './webhook-url-guard';
import type { PageQueryDto } from '../common/pagination';
import { DELIVER_QUEUE, type DeliverJob, JOBS_PER_WEBHOOK, generateSecret } from './webhooks.constants';

/** Whether a webhook subscribed to `current` already receives every type in `next`. */
function covers(current: string[], next: string[]): boolean {
  return current.includes(WILDCARD) || next.every((t) => t !== WILDCARD && current.includes(t));
}

/**
 * Called in a transaction that makes a webhook receive events it did not: waits for the transactions
 * writing events now (the trigger on `event` holds the receivers lock shared) and keeps later ones waiting
 * until this one commits. So every event either committed before this change (and the webhook does not
 * receive it) or reads the webhook's new state when it is queued for dispatch (and does).
 */
async function addingReceiver(em: EntityManager): Promise<void> {
  await em.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.webhookReceivers]);
}

/** ['*'] when it is asked for, otherwise the distinct types in EVENT_TYPES order. */
export function normalizeEvents(events: string[]): string[] {
  if (events.includes(WILDCARD)) return [WILDCARD];
  return EVENT_TYPES.filter((t) => events.includes(t));
}

export interface WebhookWithSecret {
  webhook: Webhook;
  secret: string;
}

/** Admin management of webhooks and their delivery log. */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    @InjectRepository(Webhook) private readonly webhooks: Repository<Webhook>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
    private readonly jobs: JobEngine,
  ) {}

  async create(actor: Actor, dto: CreateWebhookDto): Promise<WebhookWithSecret> {
    // DNS is checked before the transaction so no connection waits on it.
    await assertDeliverableUrl(dto.url, this.config.allowPrivate);
    const secret = generateSecret();
    const webhook = await this.dataSource.transaction(async (em) => {
      await addingReceiver(em);
      const repo = em.getRepository(Webhook);
      const saved = await repo.save(
        repo.create({
          url: dto.url,
          events: normalizeEvents(dto.events),
          description: dto.description ?? null,
          active: true,
          secret,
          createdBy: actor.id,
        }),
      );
      await recordAudit(em, {
        action: 'webhook.create',
        entityType: 'webhook',
        entityId: saved.id,
        actor,
        details: { url: saved.url, events: saved.events },
      });
      return this.load(em, saved.id);
    });
    this.logger.log(`webhook ${webhook.id} created by ${actor.id}`);
    return { webhook, secret };
  }

  list(query: PageQueryDto): Promise<Page<Webhook>> {
    return keysetPage(
      this.webhooks.createQueryBuilder('w'),
      {
        scope: 'webhooks',
        column: 'w.created_at',
        id: 'w.id',
        direction: 'ASC',
        type: 'timestamptz',
      },
      query,
    );
  }

  async get(id: string): Promise<Webhook> {
    const webhook = await this.webhooks.findOneBy({ id });
    if (!webhook) throw notFound('Webhook');
    return webhook;
  }

  async update(actor: Actor, id: string, dto: UpdateWebhookDto): Promise<Webhook> {
    if (dto.url !== undefined) await assertDeliverableUrl(dto.url, this.config.allowPrivate);
    const webhook = await this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(Webhook);
      const webhook = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!webhook) throw notFound('Webhook');
      const resumed = dto.active === true && !webhook.active;
      // Enabling it, or subscribing it to more types, makes it a receiver of events it did not receive.
      const widened =
        webhook.active && dto.events !== undefined && !covers(webhook.events, normalizeEvents(dto.events));
      if (resumed || widened) await addingReceiver(em);
      if (dto.url !== undefined) webhook.url = dto.url;
      if (dto.events !== undefined) webhook.events = normalizeEvents(dto.events);
      if (dto.description !== undefined) webhook.description = dto.description;
      if (dto.active !== undefined) webhook.active = dto.active;
      await repo.save(webhook);
      // Deliveries left pending while it was disabled go out again, in their order.
      if (resumed) await this.queuePending(em, id);
      await recordAudit(em, {
        action: dto.active === false ? 'webhook.disable' : 'webhook.update',
        entityType: 'webhook',
        entityId: id,
        actor,
        details: { ...dto },
      });
      return this.load(em, id);
    });
    this.logger.log(`webhook ${id} updated by ${actor.id}`);
    return webhook;
  }

  async disable(actor: Actor, id: string): Promise<Webhook> {
    return this.update(actor, id, { active: false });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const result = await em.getRepository(Webhook).delete({ id });
      if (!result.affected) throw notFound('Webhook');
      await recordAudit(em, { action: 'webhook.delete', entityType: 'webhook', entityId: id, actor });
    });
    this.logger.log(`webhook ${id} deleted by ${actor.id}`);
  }

  async rotateSecret(actor: Actor, id: string): Promise<WebhookWithSecret> {
    const secret = generateSecret();
    const webhook = await this.dataSource.transaction(async (em) => {
      const result = await em
        .getRepository(Webhook)
        .createQueryBuilder()
        .update(Webhook)
        .set({ secret, secretRotatedAt: () => 'now()' })
        .where('id = :id', { id })
        .execute();
      if (!result.affected) throw notFound('Webhook');
      await recordAudit(em, {
        action: 'webhook.rotate_secret',
        entityType: 'webhook',
        entityId: id,
        actor,
      });
      return this.load(em, id);
    });
    this.logger.log(`webhook ${id} secret rotated by ${actor.id}`);
    return { webhook, secret };
  }

  async listDeliveries(webhookId: string, query: ListDeliveriesQueryDto): Promise<Page<WebhookDelivery>> {
    await this.get(webhookId);
    const qb = this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .where('d.webhook_id = :webhookId', { webhookId });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    return keysetPage(
      qb,
      {
        scope: `deliveries ${webhookId}`,
        column: 'd.created_at',
        id: 'd.id',
        direction: 'DESC',
        type: 'timestamptz',
      },
      query,
    );
  }

  /**
   * Sends a delivery again with the same id and body: attempts start over. It still waits for any earlier
   * pending delivery of the same article to the same webhook.
   */
  async redeliver(actor: Actor, webhookId: string, deliveryId: string): Promise<WebhookDelivery> {
    const delivery = await this.dataSource.transaction(async (em) => {
      const webhook = await em.getRepository(Webhook).findOneBy({ id: webhookId });
      if (!webhook) throw notFound('Webhook');
      const rows = await em.query<{ inFlight: boolean }[]>(
        `SELECT (lease_until IS NOT NULL AND lease_until > now()) AS "inFlight"
           FROM webhook_delivery WHERE id = $1 AND webhook_id = $2 FOR UPDATE`,
        [deliveryId, webhookId],
      );
      if (rows.length === 0) throw notFound('Delivery');
      if (!webhook.active) throw conflict('The webhook is disabled: enable it before redelivering');
      if (rows[0].inFlight) throw conflict('This delivery is being sent right now');
      await em
        .getRepository(WebhookDelivery)
        .createQueryBuilder()
        .update(WebhookDelivery)
        .set({
          status: 'pending',
          attempts: 0,
          lastStatusCode: null,
          lastError: null,
          deliveredAt: null,
          nextAttemptAt: () => 'now()',
          leaseUntil: null,
          leaseToken: null,
        })
        .where('id = :deliveryId', { deliveryId })
        .execute();
      const delivery = await em.getRepository(WebhookDelivery).findOneByOrFail({ id: deliveryId });
      const job: DeliverJob = { webhookId, articleId: delivery.articleId };
      await this.jobs.send(DELIVER_QUEUE, job, { em });
      await recordAudit(em, {
        action: 'webhook.redeliver',
        entityType: 'webhook',
        entityId: webhookId,
        actor,
        details: { deliveryId },
      });
      return delivery;
    });
    this.logger.log(`webhook delivery ${deliveryId} requeued by ${actor.id}`);
    return delivery;
  }

  /** Queues delivery work for a webhook's lanes with pending deliveries (JOBS_PER_WEBHOOK of them). */
  private async queuePending(em: EntityManager, webhookId: string): Promise<void> {
    const lanes = await em.query<{ articleId: string | null }[]>(
      `SELECT DISTINCT article_id AS "articleId" FROM webhook_delivery
        WHERE webhook_id = $1 AND status = 'pending' LIMIT $2`,
      [webhookId, JOBS_PER_WEBHOOK],
    );
    for (const lane of lanes) {
      const job: DeliverJob = { webhookId, articleId: lane.articleId };
      await this.jobs.send(DELIVER_QUEUE, job, { em });
    }
  }

  private async load(em: EntityManager, id: string): Promise<Webhook> {
    return em.getRepository(Webhook).findOneByOrFail({ id });
  }
}
