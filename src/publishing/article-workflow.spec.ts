import { ARTICLE_STATUSES, type ArticleStatus } from '../articles/article.constants';
import { ROLES, type Role } from '../common/roles';
import {
  WORKFLOW_ACTIONS,
  type WorkflowAction,
  allowedActions,
  checkTransition,
  editOutcome,
  mayApprove,
} from './article-workflow';

// The expected table, written out independently of WORKFLOW: [action, from-states, to, who].
type Who = 'editor' | 'own-writer';
const EXPECTED: [WorkflowAction, ArticleStatus[], ArticleStatus, Who][] = [
  ['submit', ['draft'], 'in_review', 'own-writer'],
  ['return', ['in_review', 'approved'], 'draft', 'editor'],
  ['approve', ['in_review'], 'approved', 'editor'],
  ['schedule', ['draft', 'in_review', 'approved'], 'scheduled', 'editor'],
  ['unschedule', ['scheduled'], 'approved', 'editor'],
  [
    'publish',
    ['draft', 'in_review', 'approved', 'scheduled', 'unpublished', 'published'],
    'published',
    'editor',
  ],
  ['unpublish', ['published'], 'unpublished', 'editor'],
  ['kill', ['published', 'unpublished', 'scheduled'], 'killed', 'editor'],
  ['spike', ['draft', 'in_review', 'approved'], 'spiked', 'own-writer'],
  ['unspike', ['spiked'], 'draft', 'own-writer'],
  ['lift_embargo', ['published'], 'published', 'editor'],
];

const OWNER = 'owner-id';
const actorsFor = (role: Role) => [
  { label: `${role} (own)`, actor: { role, id: OWNER } },
  { label: `${role} (other's)`, actor: { role, id: 'someone-else' } },
];

describe('checkTransition', () => {
  const cases: [ArticleStatus, WorkflowAction, Role, boolean][] = [];
  for (const status of ARTICLE_STATUSES)
    for (const action of WORKFLOW_ACTIONS) for (const role of ROLES) cases.push([status, action, role, true]);

  it.each(cases)('should decide %s + %s for %s exactly as the table says', (status, action, role) => {
    const [, from, to, who] = EXPECTED.find(([a]) => a === action)!;
    for (const { actor } of actorsFor(role)) {
      const result = checkTransition(status, action, actor, OWNER);
      if (!from.includes(status)) {
        expect(result).toEqual({ ok: false, reason: 'invalid', allowed: allowedActions(status) });
        continue;
      }
      const mayAct = role !== 'writer' || (who === 'own-writer' && actor.id === OWNER);
      if (mayAct) expect(result).toEqual({ ok: true, to });
      else expect(result).toEqual({ ok: false, reason: 'forbidden', needs: 'editor' });
    }
  });

  it('should let the system actor do anything the table allows when the scheduler acts', () => {
    expect(checkTransition('scheduled', 'publish', 'system', OWNER)).toEqual({ ok: true, to: 'published' });
    expect(checkTransition('published', 'unpublish', 'system', OWNER)).toEqual({
      ok: true,
      to: 'unpublished',
    });
    expect(checkTransition('killed', 'publish', 'system', OWNER)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
  });

  it('should leave killed as a terminal state when any action is tried', () => {
    expect(allowedActions('killed')).toEqual([]);
    for (const action of WORKFLOW_ACTIONS) {
      expect(checkTransition('killed', action, { role: 'admin', id: OWNER }, OWNER)).toMatchObject({
        ok: false,
      });
    }
  });

  it('should name the allowed actions when a transition is invalid', () => {
    expect(checkTransition('draft', 'unpublish', { role: 'editor', id: 'e' }, OWNER)).toEqual({
      ok: false,
      reason: 'invalid',
      allowed: ['submit', 'schedule', 'publish', 'spike'],
    });
  });
});

describe('editOutcome', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const later = new Date('2026-01-01T13:00:00Z');
  const earlier = new Date('2026-01-01T11:00:00Z');
  const writer = { role: 'writer' as const, id: OWNER };
  const approvers = [
    { role: 'editor' as const, id: 'e' },
    { role: 'admin' as const, id: 'a' },
  ];
  const article = (status: ArticleStatus, embargoUntil: Date | null = null) => ({
    status,
    createdById: OWNER,
    embargoUntil,
  });

  it.each(['approved', 'scheduled'] as const)(
    'should send the article back to review when its writer edits it while %s',
    (status) => {
      expect(editOutcome(article(status), writer, now)).toEqual({ kind: 'review', to: 'in_review' });
    },
  );

  it('should refuse a writer’s edit when the article is published under an embargo that has not passed', () => {
    expect(editOutcome(article('published', later), writer, now)).toEqual({
      kind: 'refuse',
      status: 'published',
      embargoUntil: later,
    });
    expect(editOutcome(article('published', earlier), writer, now)).toEqual({
      kind: 'keep',
      approved: false,
    });
  });

  it.each(['draft', 'in_review', 'published', 'unpublished', 'spiked'] as const)(
    'should keep the state when a writer edits an article that is %s without a pending embargo',
    (status) => {
      expect(editOutcome(article(status), writer, now)).toEqual({ kind: 'keep', approved: false });
    },
  );

  it('should keep the state and count the edit as approved when an editor or admin edits', () => {
    for (const actor of approvers) {
      expect(editOutcome(article('scheduled'), actor, now)).toEqual({ kind: 'keep', approved: true });
      expect(editOutcome(article('approved'), actor, now)).toEqual({ kind: 'keep', approved: true });
      expect(editOutcome(article('published', later), actor, now)).toEqual({ kind: 'keep', approved: false });
    }
  });

  it('should take who may approve from the approve rule of the table', () => {
    expect(mayApprove(writer, OWNER)).toBe(false);
    expect(mayApprove({ role: 'writer', id: 'someone-else' }, OWNER)).toBe(false);
    for (const actor of approvers) expect(mayApprove(actor, OWNER)).toBe(true);
    expect(mayApprove('system', OWNER)).toBe(true);
  });
});
