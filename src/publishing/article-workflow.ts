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

export interface TransitionRule {
  from: readonly ArticleStatus[];
  /** The state after the action; `publish` from `published` stays `published` (an update, correction or clarification). */
  to: ArticleStatus;
  /** The lowest role that may act on any article. */
  role: Role;
  /** Writers may also act on articles they created. */
  ownWriter?: boolean;
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
  lift_embargo: { from: ['published'], to: 'published', role: 'editor' },
};

export type WorkflowActor = { role: Role; id: string } | 'system';

export type TransitionCheck =
  | { ok: true; to: ArticleStatus }
  | { ok: false; reason: 'invalid'; allowed: WorkflowAction[] }
  | { ok: false; reason: 'forbidden'; needs: Role };

/** The actions the table allows from a state, whoever acts. */
export function allowedActions(from: ArticleStatus): WorkflowAction[] {
  return WORKFLOW_ACTIONS.filter((a) => WORKFLOW[a].from.includes(from));
}

/** The one check of every transition: is the action allowed from this state, and may this actor do it? */
export function checkTransition(
  from: ArticleStatus,
  action: WorkflowAction,
  actor: WorkflowActor,
  createdById: string,
): TransitionCheck {
  const rule = WORKFLOW[action];
  if (!rule.from.includes(from)) return { ok: false, reason: 'invalid', allowed: allowedActions(from) };
  if (mayAct(rule, actor, createdById)) return { ok: true, to: rule.to };
  return { ok: false, reason: 'forbidden', needs: rule.role };
}

/**
 * The actions this actor may take now on an article in `from` created by `createdById`: exactly those
 * `checkTransition` lets through (what the desk shows as buttons on every article response).
 */
export function actionsFor(actor: WorkflowActor, from: ArticleStatus, createdById: string): WorkflowAction[] {
  return WORKFLOW_ACTIONS.filter((a) => checkTransition(from, a, actor, createdById).ok);
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
