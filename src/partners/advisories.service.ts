import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuditActor, recordAudit } from '../audit/audit.service';
import { notFound } from '../common/errors';
import type { RequestMeta } from '../common/request-context';
import { type Page, keysetPage } from '../common/pagination';
import { partnersConfig, type PartnersConfig } from '../config/configuration';
import { JobEngine } from '../jobs/job-engine.service';
import { pendingDeliveriesOf } from '../webhooks/webhook-directory';
import { ADVISORY_RESEND_QUEUE, type AckMethod, type AdvisoryKind } from './partner.constants';
import type { AdvisoryQueryDto, StaffAdvisoryQueryDto } from './partner.dto';
import { type AdvisoryDetails, PartnerAdvisory } from './partner.entity';

/** A change of a story that partners who received it must acknowledge, as the transition hands it over. */
export interface AdvisoryChange {
  articleId: string;
  /** The outbox event of the change. */
  eventId: string;
  kind: AdvisoryKind;
  /** The public version the change made. */
  version: number;
  details: AdvisoryDetails;
}

/** The re-send job's data: which advisory, and which step of the schedule it stands for. */
export interface ResendJob {
  advisoryId: string;
  step: number;
}

/** Who acknowledged: the partner's key on the Content API, or its webhook receiver's answer to a delivery. */
export type AckSource =
  | { method: Extract<AckMethod, 'api'>; apiKeyId: string; request: RequestMeta }
  | { method: Extract<AckMethod, 'receiver'>; webhookId: string; deliveryId: string };

/** Opens, acknowledges and lists advisories. The re-sends are AdvisoryResends'. */
@Injectable()
export class AdvisoriesService {
  private readonly logger = new Logger(AdvisoriesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(partnersConfig.KEY) private readonly config: PartnersConfig,
    private readonly jobs: JobEngine,
  ) {}

  /**
   * Opens an advisory for every partner that received the story (a recorded push or pull of any version, or
   * a push of it still being tried), inside the transaction of the change: it exists if and only if the change
   * commits. Queues each one's first re-send in the same transaction. Returns how many were opened.
   */
  async openIn(em: EntityManager, actor: AuditActor, change: AdvisoryChange): Promise<number> {
    const pending = await pendingDeliveriesOf(em, change.articleId);
    const first = this.config.resendScheduleSeconds[0];
    const opened = await em.query<
      { id: string; partner_id: string; received_version: number | null; opened_at: Date }[]
    >(
      `WITH had AS (
         SELECT partner_id, max(version) AS v FROM partner_delivery WHERE article_id = $1 GROUP BY partner_id
         UNION ALL
         SELECT pw.partner_id, p.v FROM unnest($2::uuid[], $3::int[]) AS p(webhook_id, v)
           JOIN partner_webhook pw ON pw.webhook_id = p.webhook_id)
       INSERT INTO partner_advisory (partner_id, article_id, event_id, kind, version, received_version, details,
         opened_at, next_resend_at)
       SELECT partner_id, $1, $4, $5, $6, max(v), $7::jsonb, now(), now() + $8 * interval '1 second'
         FROM had GROUP BY partner_id ORDER BY partner_id
       ON CONFLICT (partner_id, event_id) DO NOTHING
       RETURNING id, partner_id, received_version, opened_at`,
      [
        change.articleId,
        pending.map((p) => p.webhookId),
        pending.map((p) => p.version),
        change.eventId,
        change.kind,
        change.version,
        JSON.stringify(change.details),
        first,
      ],
    );
    for (const a of opened) {
      await recordAudit(em, {
        action: 'advisory.open',
        entityType: 'advisory',
        entityId: a.id,
        actor,
        details: {
          partnerId: a.partner_id,
          articleId: change.articleId,
          kind: change.kind,
          version: change.version,
          receivedVersion: a.received_version,
        },
      });
      const job: ResendJob = { advisoryId: a.id, step: 0 };
      await this.jobs.send(ADVISORY_RESEND_QUEUE, job, {
        em,
        startAfter: new Date(new Date(a.opened_at).getTime() + first * 1000),
      });
    }
    if (opened.length > 0) {
      this.logger.log(
        `${opened.length} advisor${opened.length === 1 ? 'y' : 'ies'} opened for ${change.articleId}`,
      );
    }
    return opened.length;
  }

  /**
   * Acknowledges a partner's advisory, once: the first acknowledgement is recorded and audited, a later one
   * answers the advisory as it is. 404 for an advisory of another partner.
   */
  async acknowledge(partnerId: string, advisoryId: string, source: AckSource): Promise<PartnerAdvisory> {
    return this.dataSource.transaction((em) => this.acknowledgeIn(em, partnerId, advisoryId, source));
  }

  async acknowledgeIn(
    em: EntityManager,
    partnerId: string,
    advisoryId: string,
    source: AckSource,
  ): Promise<PartnerAdvisory> {
    // Conditional on still being open: a re-send holding the row commits first, and never after this.
    const [rows] = await em.query<[{ id: string }[], number]>(
      `UPDATE partner_advisory
          SET acknowledged_at = now(), ack_method = $3, ack_api_key_id = $4, ack_webhook_id = $5,
              ack_delivery_id = $6, next_resend_at = NULL
        WHERE id = $1 AND partner_id = $2 AND acknowledged_at IS NULL
        RETURNING id`,
      [
        advisoryId,
        partnerId,
        source.method,
        source.method === 'api' ? source.apiKeyId : null,
        source.method === 'receiver' ? source.webhookId : null,
        source.method === 'receiver' ? source.deliveryId : null,
      ],
    );
    const advisory = await em.getRepository(PartnerAdvisory).findOneBy({ id: advisoryId, partnerId });
    if (!advisory) throw notFound('Advisory');
    if (rows.length > 0) {
      await recordAudit(em, {
        action: 'advisory.acknowledge',
        entityType: 'advisory',
        entityId: advisoryId,
        actor: 'system',
        request: source.method === 'api' ? source.request : undefined,
        details: {
          partnerId,
          articleId: advisory.articleId,
          kind: advisory.kind,
          method: source.method,
          ...(source.method === 'api'
            ? { apiKeyId: source.apiKeyId }
            : { webhookId: source.webhookId, deliveryId: source.deliveryId }),
          resends: advisory.resends,
        },
      });
    }
    return advisory;
  }

  /** The newsroom's list: newest first, by status, overdue, article and partner. */
  listAll(query: StaffAdvisoryQueryDto): Promise<Page<PartnerAdvisory>> {
    return this.page(query, { articleId: query.articleId, partnerId: query.partnerId }, 'advisories');
  }

  /** A partner's own advisories, newest first. */
  listOwn(partnerId: string, query: AdvisoryQueryDto): Promise<Page<PartnerAdvisory>> {
    return this.page(query, { partnerId }, `advisories ${partnerId}`);
  }

  private page(
    query: AdvisoryQueryDto,
    where: { articleId?: string; partnerId?: string },
    scope: string,
  ): Promise<Page<PartnerAdvisory>> {
    const qb = this.dataSource.getRepository(PartnerAdvisory).createQueryBuilder('a');
    if (query.status === 'open') qb.andWhere('a.acknowledged_at IS NULL');
    if (query.status === 'acknowledged') qb.andWhere('a.acknowledged_at IS NOT NULL');
    if (query.overdue !== undefined) qb.andWhere(`a.overdue_at IS ${query.overdue ? 'NOT ' : ''}NULL`);
    if (where.articleId) qb.andWhere('a.article_id = :articleId', { articleId: where.articleId });
    if (where.partnerId) qb.andWhere('a.partner_id = :partnerId', { partnerId: where.partnerId });
    return keysetPage(
      qb,
      { scope, column: 'a.opened_at', id: 'a.id', direction: 'DESC', type: 'timestamptz' },
      query,
    );
  }
}
