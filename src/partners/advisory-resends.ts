import type { OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { partnersConfig, type PartnersConfig } from '../config/configuration';
import { OutboxService } from '../events/outbox.service';
import { JobEngine } from '../jobs/job-engine.service';
import type { ResendJob } from './advisories.service';
import { ADVISORY_RESEND_QUEUE } from './partner.constants';
import { PartnerAdvisory } from './partner.entity';

/** What a reminder and an overdue event say about an advisory. */
function advisoryPayload(a: PartnerAdvisory): Record<string, unknown> {
  return {
    advisoryId: a.id,
    partnerId: a.partnerId,
    kind: a.kind,
    articleId: a.articleId,
    version: a.version,
    receivedVersion: a.receivedVersion,
    eventId: a.eventId,
    openedAt: a.openedAt.toISOString(),
    ...a.details,
  };
}

/**
 * Re-sends unacknowledged advisories on the configured schedule (ADVISORY_RESEND_SCHEDULE, times after the
 * advisory opened) through the job engine: each step is one job that, under the advisory's row lock, does
 * nothing unless the advisory is still open and still at that step, so a job run twice, late or after the
 * acknowledgement never sends twice nor re-opens anything. A step appends an `advisory.reminder` event (the
 * partner's webhooks get it) and queues the next step; the last step also marks the advisory overdue and
 * appends `advisory.overdue` (for the agency's own webhooks). Every step is audited.
 */
@Injectable()
export class AdvisoryResends implements OnModuleInit {
  private readonly logger = new Logger(AdvisoryResends.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(partnersConfig.KEY) private readonly config: PartnersConfig,
    private readonly jobs: JobEngine,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<ResendJob>({
      queue: {
        name: ADVISORY_RESEND_QUEUE,
        retryLimit: 10,
        retryDelay: 5,
        retryBackoff: true,
        expireInSeconds: 120,
      },
      // Each step is one short transaction: one worker per instance keeps up with many partners.
      concurrency: 1,
      handler: async (job) => {
        await this.resend(job);
      },
    });
  }

  /** One step of the schedule; returns whether it re-sent (false: acknowledged, gone, or not at this step). */
  async resend(job: ResendJob): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const advisory = await em
        .getRepository(PartnerAdvisory)
        .findOne({ where: { id: job.advisoryId }, lock: { mode: 'pessimistic_write' } });
      if (!advisory || advisory.acknowledgedAt || advisory.resends !== job.step) return false;
      const schedule = this.config.resendScheduleSeconds;
      const last = job.step >= schedule.length - 1;
      const next = last ? null : schedule[job.step + 1];
      const [rows] = await em.query<[{ next_resend_at: Date | null }[], number]>(
        `UPDATE partner_advisory
            SET resends = resends + 1, last_resent_at = now(),
                next_resend_at = CASE WHEN $3::int IS NULL THEN NULL ELSE opened_at + $3 * interval '1 second' END,
                overdue_at = CASE WHEN $3::int IS NULL THEN now() ELSE overdue_at END
          WHERE id = $1 AND resends = $2 AND acknowledged_at IS NULL
          RETURNING next_resend_at`,
        [advisory.id, job.step, next],
      );
      if (rows.length === 0) return false;
      const resend = job.step + 1;
      await this.outbox.append(em, {
        type: 'advisory.reminder',
        articleId: advisory.articleId,
        version: null,
        actorId: null,
        payload: { ...advisoryPayload(advisory), resend, of: schedule.length },
      });
      await recordAudit(em, {
        action: 'advisory.resend',
        entityType: 'advisory',
        entityId: advisory.id,
        actor: 'system',
        details: {
          partnerId: advisory.partnerId,
          articleId: advisory.articleId,
          resend,
          of: schedule.length,
        },
      });
      if (last) await this.overdue(em, advisory, resend);
      else {
        const nextJob: ResendJob = { advisoryId: advisory.id, step: resend };
        await this.jobs.send(ADVISORY_RESEND_QUEUE, nextJob, {
          em,
          startAfter: new Date(rows[0].next_resend_at!),
        });
      }
      return true;
    });
  }

  private async overdue(em: EntityManager, advisory: PartnerAdvisory, resends: number): Promise<void> {
    const [partner] = await em.query<{ name: string }[]>(`SELECT name FROM partner WHERE id = $1`, [
      advisory.partnerId,
    ]);
    await this.outbox.append(em, {
      type: 'advisory.overdue',
      articleId: advisory.articleId,
      version: null,
      actorId: null,
      payload: { ...advisoryPayload(advisory), partnerName: partner?.name ?? null, resends },
    });
    await recordAudit(em, {
      action: 'advisory.overdue',
      entityType: 'advisory',
      entityId: advisory.id,
      actor: 'system',
      details: { partnerId: advisory.partnerId, articleId: advisory.articleId, resends },
    });
    this.logger.warn(
      `advisory ${advisory.id} to partner ${advisory.partnerId} is overdue after ${resends} re-sends`,
    );
  }
}
