import type { OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Article } from '../articles/article.entity';
import { recordAudit } from '../audit/audit.service';
import { DomainError } from '../common/errors';
import { OutboxService } from '../events/outbox.service';
import { JobEngine } from '../jobs/job-engine.service';
import { PublicationProjector } from './publication.projector';
import { PUBLIC_DOCUMENT_SCHEMA } from './publication.renderer';
import { PublishingService } from './publishing.service';
import { RERENDER_QUEUE, type RerenderJob } from './queues';
import { SCHEDULED_ACTION_LIST, isCurrentJob, scheduledActionForQueue } from './scheduled-actions';

/** The scheduler acts as the system; it is named wherever it acts. */
export type SystemActor = 'system';
export const SYSTEM_ACTOR: SystemActor = 'system';

/** What the job engine runs for publishing: due scheduled actions and re-renders of live publications. */
@Injectable()
export class PublishingScheduler {
  private readonly logger = new Logger(PublishingScheduler.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publishing: PublishingService,
    private readonly projector: PublicationProjector,
    private readonly outbox: OutboxService,
  ) {}

  /** Runs a due scheduler job (publish, expire or embargo lift); a stale job does nothing. */
  async runScheduledJob(actor: SystemActor, queue: string, articleId: string, jobId: string): Promise<void> {
    const { action } = scheduledActionForQueue(queue);
    // A cheap look first; the transition checks again under the row lock.
    const article = await this.dataSource.getRepository(Article).findOneBy({ id: articleId });
    if (!article || !isCurrentJob(article, action, jobId)) {
      this.logger.log({ queue, articleId, jobId }, 'scheduler job no longer current; nothing to do');
      return;
    }
    if (action === 'publish' && article.approvedVersion !== article.version) {
      // Every edit path sends a changed article back to review: this means one did not.
      this.logger.warn(
        { queue, articleId, jobId, version: article.version, approvedVersion: article.approvedVersion },
        'scheduled article changed since it was approved; not published',
      );
      return;
    }
    try {
      await this.publishing.transition(actor, articleId, null, { action }, jobId);
    } catch (e) {
      // Another instance or an editor got there first (the transition checks again under the lock).
      if (e instanceof DomainError && (e.code === 'INVALID_TRANSITION' || e.code === 'CONFLICT')) {
        this.logger.log(
          { queue, articleId, jobId, code: e.code, why: e.message },
          'scheduler job superseded',
        );
        return;
      }
      throw e;
    }
  }

  /**
   * Re-renders the live publications that show a tag, an author or a picture (after a rename, merge or
   * deactivation, or a change of the picture's metadata or renditions), or whose document is of an older schema,
   * or one article's (a translation whose base moved without a change of its text).
   */
  async rerender(actor: SystemActor, ref: RerenderJob): Promise<number> {
    const column = ref.tagId ? 'tag_ids' : ref.authorId ? 'author_ids' : 'media_ids';
    const rows =
      ref.articleId !== undefined
        ? await this.dataSource.query<{ article_id: string }[]>(
            `SELECT article_id FROM publication WHERE status = 'live' AND article_id = $1`,
            [ref.articleId],
          )
        : ref.documentSchemaBelow !== undefined
          ? await this.dataSource.query<{ article_id: string }[]>(
              `SELECT article_id FROM publication WHERE status = 'live' AND document_schema < $1`,
              [ref.documentSchemaBelow],
            )
          : await this.dataSource.query<{ article_id: string }[]>(
              `SELECT article_id FROM publication WHERE status = 'live' AND $1::uuid = ANY(${column})`,
              [ref.tagId ?? ref.authorId ?? ref.mediaId],
            );
    const actorId = actor === SYSTEM_ACTOR ? null : actor;
    for (const { article_id } of rows) {
      await this.dataSource.transaction(async (em) => {
        const a = await em.findOne(Article, {
          where: { id: article_id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!a || a.status !== 'published') return;
        const now = new Date();
        const snapshot = await this.projector.publishedSnapshot(em, a);
        const document = await this.projector.project(em, a, snapshot, 'live', 'rerender', now);
        await this.outbox.append(em, {
          type: 'article.updated',
          articleId: a.id,
          version: a.version,
          actorId,
          payload: { slug: a.slug, language: a.language, rerender: true, document },
        });
        await recordAudit(em, {
          action: 'article.rerender',
          entityType: 'article',
          entityId: a.id,
          actor,
          details: {
            tagId: ref.tagId ?? null,
            authorId: ref.authorId ?? null,
            mediaId: ref.mediaId ?? null,
            documentSchemaBelow: ref.documentSchemaBelow ?? null,
            articleId: ref.articleId ?? null,
            publicVersion: document.version,
          },
        });
      });
    }
    return rows.length;
  }
}

/**
 * Whether a live document is stored in a schema older than $1: one probe of publication_live_schema_idx
 * (checked by every instance after start-up, however many stories there are).
 */
export const OUTDATED_DOCUMENTS_SQL = `SELECT EXISTS (
    SELECT 1 FROM publication WHERE status = 'live' AND document_schema < $1) AS outdated`;

/**
 * Registers the scheduler's queues: scheduled publish, expiry, embargo lift and re-rendering; after start-up,
 * queues a re-render of live documents stored in an older schema, if there are any.
 */
@Injectable()
export class PublishingJobs implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobEngine,
    private readonly scheduler: PublishingScheduler,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Sends the re-render job when live documents of an older schema exist; the job id of the send, else null. */
  async onApplicationBootstrap(): Promise<string | null> {
    const [{ outdated }] = await this.dataSource.query<{ outdated: boolean }[]>(OUTDATED_DOCUMENTS_SQL, [
      PUBLIC_DOCUMENT_SCHEMA,
    ]);
    if (!outdated) return null;
    return this.jobs.send<RerenderJob>(
      RERENDER_QUEUE,
      { documentSchemaBelow: PUBLIC_DOCUMENT_SCHEMA },
      { singletonKey: `document-schema-${PUBLIC_DOCUMENT_SCHEMA}` },
    );
  }

  onModuleInit(): void {
    for (const { queue: name } of SCHEDULED_ACTION_LIST) {
      this.jobs.register<{ articleId: string }>({
        // A handler is one short transaction: a job left active by a crashed instance is retried after 30 s
        // (pg-boss's default is 15 minutes).
        queue: { name, retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 30 },
        concurrency: 2,
        handler: (data, job) => this.scheduler.runScheduledJob(SYSTEM_ACTOR, name, data.articleId, job.id),
      });
    }
    this.jobs.register<RerenderJob>({
      queue: { name: RERENDER_QUEUE, retryLimit: 5, retryDelay: 5, retryBackoff: true },
      handler: async (data) => {
        await this.scheduler.rerender(SYSTEM_ACTOR, data);
      },
    });
  }
}
