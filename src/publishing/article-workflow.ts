import type { ArticleStatus } from '../articles/article.constants';
import { writerMayChange } from '../articles/article-rules';
import type { Role } from '../common/roles';
import { hasRole } from '../common/roles';

export const WORKFLOW_ACTIONS = [
  'submit',
  'return',
  'approve',
  'schedule',
  'unschedule',
  'publish',
  'unpublish',
  'kill',
  'spike',
  'unspike',
  'lift_embargo',
] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** What the workflow reads of an article. */
export interface WorkflowArticle {
  status: ArticleStatus;
  createdById: string;
  embargoUntil: Date | null;
}

/** A condition on the article beyond its state, and what to say when it does not hold. */
export interface ArticleCondition {
  holds(article: WorkflowArticle, now: Date, actor: WorkflowActor): boolean;
  unmet: string;
}

// An editor lifts an embargo early, while it is still in the future; the scheduler's lift runs once it falls due
// (its job is checked to be the article's current one under the row lock).
const EMBARGO_PENDING: ArticleCondition = {
  holds: (a, now, actor) => a.embargoUntil !== null && (actor === 'system' || a.embargoUntil > now),
  unmet: 'the article has no embargo in the future',
};

export interface TransitionRule {
  from: readonly ArticleStatus[];
  /** The state after the action; `publish` from `published` stays `published` (an update, correction or clarification). */
  to: ArticleStatus;
  /** The lowest role that may act on any article. */
  role: Role;
  /** Writers may also act on articles they created. */
  ownWriter?: boolean;
  /** Allowed only while this holds (checked after the state and the role). */
  when?: ArticleCondition;
}

/** The workflow, as data: one table checked by one function. `system` (the scheduler) may do whatever an editor may. */
export const WORKFLOW: Record<WorkflowAction, TransitionRule> = {
  submit: { from: ['draft'], to: 'in_review', role: 'editor', ownWriter: true },
  return: { from: ['in_review', 'approved'], to: 'draft', role: 'editor' },
  approve: { from: ['in_review'], to: 'approved', role: 'editor' },
  schedule: { from: ['draft', 'in_review', 'approved'], to: 'scheduled', role: 'editor' },
  unschedule: { from: ['scheduled'], to: 'approved', role: 'editor' },
  publish: {
    from: ['draft', 'in_review', 'approved', 'scheduled', 'unpublished', 'published'],
    to: 'published',
    role: 'editor',
  },
  unpublish: { from: ['published'], to: 'unpublished', role: 'editor' },
  kill: { from: ['published', 'unpublished', 'scheduled'], to: 'killed', role: 'editor' },
  spike: { from: ['draft', 'in_review', 'approved'], to: 'spiked', role: 'editor', ownWriter: true },
  unspike: { from: ['spiked'], to: 'draft', role: 'editor', ownWriter: true },
  lift_embargo: { from: ['published'], to: 'published', role: 'editor', when: EMBARGO_PENDING },
};

export type WorkflowActor = { role: Role; id: string } | 'system';

export type TransitionCheck =
  | { ok: true; to: ArticleStatus }
  | { ok: false; reason: 'invalid'; allowed: WorkflowAction[]; unmet?: string }
  | { ok: false; reason: 'forbidden'; needs: Role };

/** The actions the table allows on this article now (its state and each action's condition), whatever the role. */
export function allowedActions(article: WorkflowArticle, now: Date, actor: WorkflowActor): WorkflowAction[] {
  return WORKFLOW_ACTIONS.filter((a) => {
    const rule = WORKFLOW[a];
    return rule.from.includes(article.status) && (!rule.when || rule.when.holds(article, now, actor));
  });
}

/**
 * The one check of every transition: is the action allowed from the article's state, may this actor do it,
 * and does the action's condition hold now?
 */
export function checkTransition(
  article: WorkflowArticle,
  action: WorkflowAction,
  actor: WorkflowActor,
  now: Date,
): TransitionCheck {
  const rule = WORKFLOW[action];
  if (!rule.from.includes(article.status))
    return { ok: false, reason: 'invalid', allowed: allowedActions(article, now, actor) };
  if (!mayAct(rule, actor, article.createdById)) return { ok: false, reason: 'forbidden', needs: rule.role };
  if (rule.when && !rule.when.holds(article, now, actor))
    return {
      ok: false,
      reason: 'invalid',
      allowed: allowedActions(article, now, actor),
      unmet: rule.when.unmet,
    };
  return { ok: true, to: rule.to };
}

/**
 * The actions this actor may take now on the article: exactly those `checkTransition` lets through (what the
 * desk shows as buttons on every article response).
 */
export function actionsFor(actor: WorkflowActor, article: WorkflowArticle, now: Date): WorkflowAction[] {
  return WORKFLOW_ACTIONS.filter((a) => checkTransition(article, a, actor, now).ok);
}

function mayAct(rule: TransitionRule, actor: WorkflowActor, createdById: string): boolean {
  if (actor === 'system' || hasRole(actor.role, rule.role)) return true;
  return rule.ownWriter === true && actor.role === 'writer' && writerMayChange(actor, createdById);
}

/** Whether the actor may approve this article: the table's `approve` rule, whatever the article's state. */
export function mayApprove(actor: WorkflowActor, createdById: string): boolean {
  return mayAct(WORKFLOW.approve, actor, createdById);
}

/**
 * States in which an editor has approved the working copy as it is: an edit by someone who may not
 * approve sends the article back to `in_review` (a scheduled publication is cancelled).
 */
export const APPROVED_STATES: readonly ArticleStatus[] = ['approved', 'scheduled'];

export type EditOutcome =
  /** The edit changes only the working copy; the workflow state stays. */
  | { kind: 'keep'; approved: boolean }
  /** The edit is saved and the article goes back to review. */
  | { kind: 'review'; to: ArticleStatus }
  /** The edit is refused (409): a published item under embargo stays as approved until it is public. */
  | { kind: 'refuse'; status: ArticleStatus; embargoUntil: Date };

/**
 * What an edit of the working copy does to the workflow (docs/workflow.md, "Edits after approval"):
 * - an approver's edit keeps the state, and the copy it leaves is the approved one;
 * - anyone else's edit of an approved or scheduled article sends it back to review;
 * - anyone else's edit of a published article whose embargo has not passed is refused: the approved copy is
 *   already with partners, and sending it back would withdraw it.
 */
export function editOutcome(
  article: { status: ArticleStatus; createdById: string; embargoUntil: Date | null },
  actor: WorkflowActor,
  now: Date,
): EditOutcome {
  const approved = APPROVED_STATES.includes(article.status);
  if (mayApprove(actor, article.createdById)) return { kind: 'keep', approved };
  if (approved) return { kind: 'review', to: WORKFLOW.submit.to };
  if (article.status === 'published' && article.embargoUntil && article.embargoUntil > now) {
    return { kind: 'refuse', status: article.status, embargoUntil: article.embargoUntil };
  }
  return { kind: 'keep', approved: false };
}
