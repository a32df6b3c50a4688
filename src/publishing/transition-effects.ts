import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Article } from '../articles/article.entity';
import { badRequest } from '../common/errors';
import type { EventType } from '../events/event.entity';
import type { AdvisoryKind } from '../partners/partner.constants';
import type { WorkflowAction } from './article-workflow';
import { type NoticeKind, Publication, type PublicationStatus } from './publishing.entities';
import { SCHEDULED_ACTIONS, SCHEDULED_ACTION_LIST, ScheduledJobs } from './scheduled-actions';
import type { TransitionDto } from './transition.dto';

/** What an action did beyond the state change, for the transition to record. */
export interface Applied {
  eventType?: EventType;
  /** How the public read model changes: rendered anew with this status, or left alone. */
  publication?: { status: PublicationStatus; change: string };
  /** Extra event payload */
  eventData?: Record<string, unknown>;
  notice?: { kind: NoticeKind; text: string; public: boolean };
  /** The change touches no content: a working copy that was public stays "published". */
  contentNeutral?: boolean;
  /** Partners that received the story must acknowledge this change (an advisory each). */
  advisory?: AdvisoryKind;
  /** A correction's notice for the article's published translations (TranslationNotices) */
  translationNotice?: string;
}

const MAX_FUTURE_MS = 5 * 365 * 24 * 3600 * 1000;

/**
 * Each workflow action's own effects on the locked article (times, scheduler jobs) and what it asks the
 * transition to record. Validates the action's input first, so a refused action changes nothing.
 */
@Injectable()
export class TransitionEffects {
  constructor(private readonly scheduled: ScheduledJobs) {}

  /** `jobId` is the scheduler job acting (already checked to be current), if any. */
  async apply(
    em: EntityManager,
    a: Article,
    dto: TransitionDto,
    now: Date,
    jobId?: string,
  ): Promise<Applied> {
    const action: WorkflowAction = dto.action;
    if (dto.change && action !== 'publish') throw badRequest('change applies only to publish');
    if ((dto.noticeTranslations || dto.translationNotice) && dto.change !== 'correction') {
      throw badRequest('Notices on translations go with a correction (change: correction)', [
        { field: 'noticeTranslations', messages: ['only with change: correction'] },
      ]);
    }
    if (dto.translationNotice && !dto.noticeTranslations) {
      throw badRequest('translationNotice needs noticeTranslations: true', [
        { field: 'translationNotice', messages: ['only with noticeTranslations: true'] },
      ]);
    }
    switch (action) {
      case 'submit':
      case 'approve':
      case 'spike':
      case 'unspike':
        return {};
      case 'return':
        if (!dto.comment)
          throw badRequest('return needs a comment saying what to change', [
            { field: 'comment', messages: ['required for return'] },
          ]);
        return {};
      case 'schedule':
        return this.schedule(em, a, dto, now);
      case 'unschedule':
        await this.scheduled.cancel(em, a, SCHEDULED_ACTIONS.publish);
        a.scheduledAt = null;
        return { eventType: 'article.unscheduled' };
      case 'publish':
        return this.publish(em, a, dto, now, jobId);
      case 'unpublish':
        await this.scheduled.cancel(em, a, SCHEDULED_ACTIONS.expire, jobId);
        await this.scheduled.cancel(em, a, SCHEDULED_ACTIONS.embargoLift);
        // An editor's unpublish drops the expiry; the expiry job's own run keeps it on record.
        a.expiresAt = jobId ? a.expiresAt : null;
        return {
          eventType: 'article.unpublished',
          publication: { status: 'unpublished', change: 'unpublish' },
          contentNeutral: true,
          advisory: 'unpublish',
        };
      case 'kill':
        return this.kill(em, a, dto, now);
      case 'lift_embargo':
        return this.liftEmbargo(em, a, dto, now, jobId);
    }
  }

  private async schedule(em: EntityManager, a: Article, dto: TransitionDto, now: Date): Promise<Applied> {
    if (!dto.at)
      throw badRequest('schedule needs at', [{ field: 'at', messages: ['required for schedule'] }]);
    inFuture(dto.at, 'at', now);
    inFuture(dto.embargoUntil, 'embargoUntil', now);
    inFuture(dto.expiresAt, 'expiresAt', now);
    if (dto.expiresAt && dto.expiresAt <= dto.at) throw badRequest('expiresAt must be after at');
    a.scheduledAt = dto.at;
    a.embargoUntil = dto.embargoUntil ?? null;
    a.expiresAt = dto.expiresAt ?? null;
    await this.scheduled.reschedule(em, a, SCHEDULED_ACTIONS.publish);
    return { eventType: 'article.scheduled', eventData: { scheduledAt: dto.at.toISOString() } };
  }

  private async publish(
    em: EntityManager,
    a: Article,
    dto: TransitionDto,
    now: Date,
    jobId?: string,
  ): Promise<Applied> {
    const republish = a.status === 'published';
    if (republish && !dto.change) {
      throw badRequest(
        'Publishing a published article again needs change: update, correction or clarification',
        [{ field: 'change', messages: ['required when the article is already published'] }],
      );
    }
    if (!republish && dto.change)
      throw badRequest('change applies only when the article is already published');
    if ((dto.change === 'correction' || dto.change === 'clarification') && !dto.notice) {
      throw badRequest(`A ${dto.change} needs a public notice`, [
        { field: 'notice', messages: [`required for a ${dto.change}`] },
      ]);
    }
    if (a.status === 'scheduled') {
      // The times were set when it was scheduled.
      await this.scheduled.cancel(em, a, SCHEDULED_ACTIONS.publish, jobId);
      a.scheduledAt = null;
    } else {
      inFuture(dto.embargoUntil, 'embargoUntil', now);
      inFuture(dto.expiresAt, 'expiresAt', now);
      if (dto.embargoUntil) a.embargoUntil = dto.embargoUntil;
      else if (!republish) a.embargoUntil = null;
      if (dto.expiresAt) a.expiresAt = dto.expiresAt;
      else if (!republish) a.expiresAt = null;
    }
    if (a.embargoUntil && a.embargoUntil <= now) a.embargoUntil = null;
    if (a.expiresAt && a.expiresAt <= now) throw badRequest('expiresAt must be in the future');
    if (a.expiresAt && a.embargoUntil && a.expiresAt <= a.embargoUntil)
      throw badRequest('expiresAt must be after embargoUntil');

    // Jobs for the embargo lift and the expiry, replacing any earlier ones.
    await this.scheduled.reschedule(em, a, SCHEDULED_ACTIONS.embargoLift);
    await this.scheduled.reschedule(em, a, SCHEDULED_ACTIONS.expire);

    a.firstPublishedAt ??= a.originalPublishedAt ?? now;
    a.publishedAt = now;
    const change = dto.change ?? 'publish';
    const eventType: EventType =
      dto.change === 'correction'
        ? 'article.corrected'
        : dto.change === 'clarification'
          ? 'article.clarified'
          : dto.change === 'update'
            ? 'article.updated'
            : 'article.published';
    const notice = dto.notice
      ? { kind: (dto.change ?? 'update') as NoticeKind, text: dto.notice, public: true }
      : undefined;
    const translationNotice = dto.noticeTranslations ? (dto.translationNotice ?? dto.notice) : undefined;
    return {
      eventType,
      publication: { status: 'live', change },
      notice,
      translationNotice,
      advisory: dto.change === 'correction' ? 'correction' : undefined,
    };
  }

  private async kill(em: EntityManager, a: Article, dto: TransitionDto, now: Date): Promise<Applied> {
    if (!dto.reason)
      throw badRequest('kill needs a reason: it becomes the public kill notice', [
        { field: 'reason', messages: ['required for kill'] },
      ]);
    for (const s of SCHEDULED_ACTION_LIST) await this.scheduled.cancel(em, a, s);
    a.scheduledAt = null;
    const hasPublication = await em.exists(Publication, { where: { articleId: a.id } });
    return {
      eventType: 'article.killed',
      notice: { kind: 'kill', text: dto.reason, public: true },
      publication: hasPublication ? { status: 'killed', change: 'kill' } : undefined,
      eventData: { notice: { kind: 'kill', text: dto.reason, at: now.toISOString() } },
      contentNeutral: true,
      advisory: 'kill',
    };
  }

  private async liftEmbargo(
    em: EntityManager,
    a: Article,
    dto: TransitionDto,
    now: Date,
    jobId?: string,
  ): Promise<Applied> {
    if (jobId) {
      // The scheduled lift (the transition checked the job is current): only the event changes.
      await this.scheduled.cancel(em, a, SCHEDULED_ACTIONS.embargoLift, jobId);
      return {
        eventType: 'article.embargo_lifted',
        eventData: { embargoUntil: a.embargoUntil?.toISOString(), early: false },
        contentNeutral: true,
      };
    }
    if (!dto.reason)
      throw badRequest('Lifting an embargo early needs a reason', [
        { field: 'reason', messages: ['required for lift_embargo'] },
      ]);
    // The workflow table's condition (checked before) holds: the embargo is in the future.
    const was = a.embargoUntil as Date;
    await this.scheduled.cancel(em, a, SCHEDULED_ACTIONS.embargoLift);
    a.embargoUntil = now;
    return {
      eventType: 'article.embargo_lifted',
      eventData: { embargoUntil: was.toISOString(), early: true },
      notice: { kind: 'embargo_lift', text: dto.reason, public: false },
      publication: { status: 'live', change: 'embargo_lift' },
      contentNeutral: true,
    };
  }
}

/** A time given for the future must be in the future, and not absurdly far. */
function inFuture(d: Date | undefined, field: string, now: Date): void {
  if (d === undefined) return;
  if (d.getTime() <= now.getTime())
    throw badRequest(`${field} must be in the future`, [{ field, messages: ['must be in the future'] }]);
  if (d.getTime() - now.getTime() > MAX_FUTURE_MS)
    throw badRequest(`${field} is too far in the future`, [{ field, messages: ['at most 5 years ahead'] }]);
}
