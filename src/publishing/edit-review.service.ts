import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Article } from '../articles/article.entity';
import type { ArticleSnapshot } from '../articles/article-snapshot';
import type { Actor } from '../common/auth.decorators';
import { conflict } from '../common/errors';
import { OutboxService } from '../events/outbox.service';
import { WORKFLOW, editOutcome } from './article-workflow';
import { ArticleEvent } from './publishing.entities';
import { SCHEDULED_ACTIONS, ScheduledJobs } from './scheduled-actions';

/** What an edit of the working copy does to the workflow, decided before it is saved. */
export interface EditReview {
  /** Columns saved with the edit (status, schedule, approved version). */
  set: Partial<Article>;
  /** Records the workflow change (history, outbox) once the edit's revision exists. */
  afterSave(em: EntityManager, snapshot: ArticleSnapshot): Promise<void>;
}

export const EDITED_AFTER_APPROVAL = 'edited_after_approval';

/**
 * Keeps an edit by someone who may not approve from reaching the public as if approved: it sends an
 * approved or scheduled article back to review (cancelling the scheduled publication), or is refused
 * while a published item waits for its embargo. Runs in the edit's transaction, under its row lock.
 */
@Injectable()
export class EditReviewService {
  constructor(
    private readonly scheduled: ScheduledJobs,
    private readonly outbox: OutboxService,
  ) {}

  async beforeEdit(em: EntityManager, actor: Actor, article: Article): Promise<EditReview> {
    const outcome = editOutcome(article, actor, new Date());
    switch (outcome.kind) {
      case 'refuse':
        throw conflict(
          `The article is ${outcome.status} under embargo until ${outcome.embargoUntil.toISOString()}: ` +
            `only an ${WORKFLOW.approve.role} may change it before the embargo passes`,
          { status: outcome.status, embargoUntil: outcome.embargoUntil.toISOString() },
        );
      case 'keep':
        // An approver's edit is approved by its author: a scheduled publication goes ahead with it.
        return {
          set: outcome.approved ? { approvedVersion: article.version + 1 } : {},
          afterSave: () => Promise.resolve(),
        };
      case 'review':
        return this.backToReview(em, actor, article, outcome.to);
    }
  }

  private async backToReview(
    em: EntityManager,
    actor: Actor,
    article: Article,
    to: Article['status'],
  ): Promise<EditReview> {
    const from = article.status;
    const cancelledAt = from === 'scheduled' ? article.scheduledAt : null;
    await this.scheduled.cancel(em, article, SCHEDULED_ACTIONS.publish);
    const comment =
      `Edited by a ${actor.role} after ${from === 'scheduled' ? 'scheduling' : 'approval'}: back to review` +
      (cancelledAt ? `; the publication scheduled for ${cancelledAt.toISOString()} was cancelled` : '');
    return {
      set: { status: to, approvedVersion: null, scheduleJobId: null, scheduledAt: null },
      afterSave: async (tx, snapshot) => {
        await tx.insert(
          ArticleEvent,
          tx.create(ArticleEvent, {
            articleId: article.id,
            actorId: actor.id,
            action: 'edit',
            fromStatus: from,
            toStatus: to,
            comment,
            data: {
              reason: EDITED_AFTER_APPROVAL,
              ...(cancelledAt ? { cancelledScheduledAt: cancelledAt.toISOString() } : {}),
            },
          }),
        );
        // Subscribers were sent the schedule (with a preview); they learn it is off. An approval alone was never sent.
        if (cancelledAt) {
          await this.outbox.append(tx, {
            type: 'article.unscheduled',
            articleId: article.id,
            version: snapshot.version,
            actorId: actor.id,
            payload: { slug: snapshot.slug, language: snapshot.language, reason: EDITED_AFTER_APPROVAL },
          });
        }
      },
    };
  }
}
