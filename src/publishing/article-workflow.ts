import type { ArticleStatus } from '../articles/article.constants';
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

/** The workflow, as data (DESIGN.md §3). `system` (the scheduler) may do whatever an editor may. */
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
  if (actor === 'system' || hasRole(actor.role, rule.role)) return { ok: true, to: rule.to };
  if (rule.ownWriter && actor.role === 'writer' && actor.id === createdById) return { ok: true, to: rule.to };
  return { ok: false, reason: 'forbidden', needs: rule.role };
}
