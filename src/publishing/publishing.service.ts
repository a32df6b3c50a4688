import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ArticleStatus } from '../articles/article.constants';
import { Article } from '../articles/article.entity';
import { appendRevision, staleVersionError } from '../articles/article-revisions';
import type { ArticleResponse } from '../articles/article.response';
import { articleResponse } from '../articles/article-response-loader';
import { type ArticleSnapshot, loadArticleSnapshot } from '../articles/article-snapshot';
import type { Actor } from '../common/auth.decorators';
import { DomainError, notFound } from '../common/errors';
import { newsroomConfig, type NewsroomConfig } from '../config/configuration';
import { OutboxService } from '../events/outbox.service';
import { AdvisoriesService } from '../partners/advisories.service';
import { APPROVED_STATES, checkTransition } from './article-workflow';
import type { KillDocument, PublicDocument } from './publication.renderer';
import { assertPicturesReady } from './picture-readiness';
import { PublicationProjector } from './publication.projector';
import { ArticleEvent, ArticleNotice } from './publishing.entities';
import { dueTimeOf, isCurrentJob } from './scheduled-actions';
import { type Applied, TransitionEffects } from './transition-effects';
import { TranslationNotices } from './translation-notices';
import type { TransitionDto } from './transition.dto';

export type TransitionActor = Actor | 'system';

/** What the check and the effects decided, for the recording step. */
interface Step {
  actor: TransitionActor;
  actorId: string | null;
  from: ArticleStatus;
  to: ArticleStatus;
  now: Date;
  lateMs: number | undefined;
  /** The approved version before the action, which the scheduler's publish was checked against. */
  approvedVersion: number | null;
  applied: Applied;
}

/**
 * The workflow transition: one transaction that checks the action against the workflow table
 * (article-workflow.ts), applies its effects (TransitionEffects), then records it: the article's new state,
 * its history (article_event, notice, revision), the public read model (PublicationProjector), the outbox event
 * and, for a kill, correction or unpublish, an advisory to each partner that received the story.
 */
@Injectable()
export class PublishingService {
  private readonly logger = new Logger(PublishingService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly effects: TransitionEffects,
    private readonly projector: PublicationProjector,
    private readonly outbox: OutboxService,
    private readonly advisories: AdvisoriesService,
    private readonly translationNotices: TranslationNotices,
    @Inject(newsroomConfig.KEY) private readonly config: NewsroomConfig,
  ) {}

  /**
   * Applies one workflow action. `expectedVersion` is the client's If-Match (null only for the system actor).
   * `jobId` names the scheduler job acting, which must still be the one the article waits for.
   */
  async transition(
    actor: TransitionActor,
    id: string,
    expectedVersion: number | null,
    dto: TransitionDto,
    jobId?: string,
  ): Promise<ArticleResponse> {
    return this.dataSource.transaction(async (em) => {
      const article = await em.findOne(Article, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!article) throw notFound('Article');
      const now = new Date();
      const to = await this.check(em, actor, article, expectedVersion, dto, now, jobId);
      const step: Step = {
        actor,
        actorId: actor === 'system' ? null : actor.id,
        from: article.status,
        to,
        now,
        lateMs: this.lateness(article, dto, now, jobId),
        approvedVersion: article.approvedVersion,
        applied: await this.effects.apply(em, article, dto, now, jobId),
      };
      return this.record(em, article, dto, step, jobId);
    });
  }

  /** Refuses the action (nothing written) unless the job is current, the version matches and the table allows it. */
  private async check(
    em: EntityManager,
    actor: TransitionActor,
    article: Article,
    expectedVersion: number | null,
    dto: TransitionDto,
    now: Date,
    jobId?: string,
  ): Promise<ArticleStatus> {
    // A scheduler job acts only if it is still the one the article waits for, checked under the row lock.
    if (jobId && !isCurrentJob(article, dto.action, jobId)) {
      throw new DomainError('CONFLICT', 'This scheduler job is no longer current');
    }
    // The scheduler publishes only the version an editor approved, whatever changed the working copy since.
    if (jobId && dto.action === 'publish' && article.approvedVersion !== article.version) {
      throw new DomainError(
        'CONFLICT',
        `Version ${article.version} is not the approved version (${article.approvedVersion ?? 'none'})`,
        { version: article.version, approvedVersion: article.approvedVersion },
      );
    }
    if (expectedVersion !== null && article.version !== expectedVersion) {
      throw await staleVersionError(em, this.config, article, expectedVersion);
    }
    const check = checkTransition(article, dto.action, actor, now);
    if (!check.ok && check.reason === 'invalid') {
      throw new DomainError(
        'INVALID_TRANSITION',
        check.unmet
          ? `Cannot ${dto.action}: ${check.unmet}`
          : `Cannot ${dto.action} an article that is ${article.status}`,
        {
          status: article.status,
          allowedActions: check.allowed,
        },
      );
    }
    if (!check.ok) throw new DomainError('FORBIDDEN', `${dto.action} needs the ${check.needs} role`);
    await assertPicturesReady(em, article.id, dto.action);
    return check.to;
  }

  /** How late a scheduler job ran after its due time. */
  private lateness(article: Article, dto: TransitionDto, now: Date, jobId?: string): number | undefined {
    const dueAt = jobId ? dueTimeOf(article, dto.action) : null;
    const lateMs = dueAt ? now.getTime() - dueAt.getTime() : undefined;
    if (lateMs !== undefined && lateMs > 5000) {
      this.logger.warn({ articleId: article.id, action: dto.action, lateMs }, 'scheduler job ran late');
    }
    return lateMs;
  }

  /** Saves the new state and records it: history, notice, revision and audit, the read model, the outbox event. */
  private async record(
    em: EntityManager,
    article: Article,
    dto: TransitionDto,
    { actor, actorId, from, to, now, lateMs, approvedVersion, applied }: Step,
    jobId?: string,
  ): Promise<ArticleResponse> {
    const id = article.id;
    article.status = to;
    const wasPublic = article.publishedVersion !== null && article.publishedVersion === article.version;
    article.version += 1;
    if (applied.publication?.status === 'live' && !applied.contentNeutral)
      article.publishedVersion = article.version;
    else if (applied.contentNeutral && wasPublic) article.publishedVersion = article.version;
    // An editor's approve, schedule or unschedule approves the copy as it is now.
    article.approvedVersion = APPROVED_STATES.includes(to) ? article.version : null;
    article.updatedById = actorId;
    await em.save(article);

    await em.insert(
      ArticleEvent,
      em.create(ArticleEvent, {
        articleId: id,
        actorId,
        action: dto.action,
        fromStatus: from,
        toStatus: to,
        comment: dto.comment ?? dto.reason ?? null,
        data: stripUndefined({
          at: dto.at?.toISOString(),
          embargoUntil: dto.embargoUntil?.toISOString(),
          expiresAt: dto.expiresAt?.toISOString(),
          change: dto.change,
          notice: dto.notice,
          translationNotice: applied.translationNotice,
          lateMs,
          // Which version went public, and (for the scheduler) the approved version it was checked against.
          publishedVersion:
            applied.publication?.status === 'live' ? (article.publishedVersion ?? undefined) : undefined,
          approvedVersion: jobId && dto.action === 'publish' ? (approvedVersion ?? undefined) : undefined,
        }),
      }),
    );
    if (applied.notice) {
      await em.insert(ArticleNotice, { articleId: id, ...applied.notice, createdBy: actorId });
    }
    const snapshot = await loadArticleSnapshot(em, id, this.config);
    await appendRevision(
      em,
      snapshot,
      actor,
      dto.comment ?? dto.reason ?? dto.notice ?? null,
      `article.${dto.action}${dto.change ? `.${dto.change}` : ''}`,
    );

    let document: PublicDocument | KillDocument | undefined;
    if (applied.publication) {
      document = await this.projector.project(
        em,
        article,
        snapshot,
        applied.publication.status,
        applied.publication.change,
        now,
      );
    }
    if (applied.eventType) {
      const event = await this.outbox.append(em, {
        type: applied.eventType,
        articleId: id,
        version: article.version,
        actorId,
        payload: stripUndefined({
          slug: article.slug,
          language: article.language,
          ...applied.eventData,
          document: document ?? (await this.eventDocument(em, article, snapshot, applied, now)),
        }),
      });
      if (applied.advisory) {
        // In this transaction: an advisory exists exactly when the change committed.
        await this.advisories.openIn(em, actor, {
          articleId: id,
          eventId: event.id,
          kind: applied.advisory,
          version: document?.version ?? 0,
          details: stripUndefined({
            slug: article.slug,
            language: article.language,
            headline: snapshot.headline,
            notice: applied.notice?.text,
          }),
        });
      }
    }
    // After the source's own event, so the changes feed lists the correction before its translations' notices.
    if (applied.translationNotice) {
      await this.translationNotices.notify(em, article, applied.translationNotice, actor, now);
    }
    return articleResponse(em, snapshot);
  }

  /**
   * The document of an event whose action rendered none: the public one for a scheduled embargo lift (a
   * partner without early access receives the story with it), the would-be one of a scheduled article.
   */
  private async eventDocument(
    em: EntityManager,
    article: Article,
    snapshot: ArticleSnapshot,
    applied: Applied,
    now: Date,
  ): Promise<PublicDocument | undefined> {
    if (applied.eventType === 'article.embargo_lifted') return this.projector.liveDocument(em, article.id);
    return this.projector.previewDocument(em, article, snapshot, now);
  }
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
