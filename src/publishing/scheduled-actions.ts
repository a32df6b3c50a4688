import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Article } from '../articles/article.entity';
import type { ArticleStatus } from '../articles/article.constants';
import { JobEngine } from '../jobs/job-engine.service';
import type { WorkflowAction } from './article-workflow';
import { EMBARGO_QUEUE, EXPIRE_QUEUE, PUBLISH_QUEUE } from './queues';

/** An action the scheduler takes when an article's time comes, and where the article keeps its job. */
export interface ScheduledAction {
  action: WorkflowAction;
  queue: string;
  /** The article column holding the job the article waits for. */
  jobColumn: 'scheduleJobId' | 'expireJobId' | 'embargoJobId';
  /** The article column holding when the action is due. */
  dueColumn: 'scheduledAt' | 'expiresAt' | 'embargoUntil';
  /** The state the article must be in for the job to act. */
  waitsIn: ArticleStatus;
}

/** The scheduler's actions, as data: every place that sends, cancels or checks a job reads this table. */
export const SCHEDULED_ACTIONS = {
  publish: {
    action: 'publish',
    queue: PUBLISH_QUEUE,
    jobColumn: 'scheduleJobId',
    dueColumn: 'scheduledAt',
    waitsIn: 'scheduled',
  },
  expire: {
    action: 'unpublish',
    queue: EXPIRE_QUEUE,
    jobColumn: 'expireJobId',
    dueColumn: 'expiresAt',
    waitsIn: 'published',
  },
  embargoLift: {
    action: 'lift_embargo',
    queue: EMBARGO_QUEUE,
    jobColumn: 'embargoJobId',
    dueColumn: 'embargoUntil',
    waitsIn: 'published',
  },
} as const satisfies Record<string, ScheduledAction>;

export const SCHEDULED_ACTION_LIST: readonly ScheduledAction[] = Object.values(SCHEDULED_ACTIONS);

export function scheduledActionForQueue(queue: string): ScheduledAction {
  const found = SCHEDULED_ACTION_LIST.find((s) => s.queue === queue);
  if (!found) throw new Error(`No scheduled action runs on queue ${queue}`);
  return found;
}

export function scheduledActionFor(action: WorkflowAction): ScheduledAction | undefined {
  return SCHEDULED_ACTION_LIST.find((s) => s.action === action);
}

/** Whether the job is still the one the article waits for, for the action the scheduler takes. */
export function isCurrentJob(a: Article, action: WorkflowAction, jobId: string): boolean {
  const s = scheduledActionFor(action);
  return s !== undefined && a.status === s.waitsIn && a[s.jobColumn] === jobId;
}

/** When the scheduler's action was due. */
export function dueTimeOf(a: Article, action: WorkflowAction): Date | null {
  const s = scheduledActionFor(action);
  return s ? a[s.dueColumn] : null;
}

/** Sends and cancels the article's scheduler jobs inside the caller's transaction, keeping the job columns in step. */
@Injectable()
export class ScheduledJobs {
  constructor(private readonly jobs: JobEngine) {}

  /** Cancels the article's job for the action (unless it is `except`, the job now running) and clears its column. */
  async cancel(em: EntityManager, a: Article, s: ScheduledAction, except?: string): Promise<void> {
    const jobId = a[s.jobColumn];
    if (jobId && jobId !== except) await this.jobs.cancel(s.queue, jobId, { em });
    a[s.jobColumn] = null;
  }

  /** Replaces the article's job for the action with one due at its due column (none if that is empty). */
  async reschedule(em: EntityManager, a: Article, s: ScheduledAction): Promise<void> {
    await this.cancel(em, a, s);
    const due = a[s.dueColumn];
    a[s.jobColumn] = due ? await this.jobs.send(s.queue, { articleId: a.id }, { em, startAfter: due }) : null;
  }
}
