import { ARTICLE_STATUSES, type ArticleStatus } from '../articles/article.constants';
import { ROLES, type Role } from '../common/roles';
import {
  WORKFLOW_ACTIONS,
  type WorkflowAction,
  actionsFor,
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
const NOW = new Date('2026-01-01T12:00:00Z');
const LATER = new Date('2026-01-01T13:00:00Z');
const EARLIER = new Date('2026-01-01T11:00:00Z');
// An article created by OWNER, under an embargo in the future (so that lifting it early is possible).
const inState = (status: ArticleStatus, embargoUntil: Date | null = LATER) => ({
  status,
  createdById: OWNER,
  embargoUntil,
});
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
      const result = checkTransition(inState(status), action, actor, NOW);
      if (!from.includes(status)) {
        expect(result).toEqual({
          ok: false,
          reason: 'invalid',
          allowed: allowedActions(inState(status), NOW, actor),
        });
        continue;
      }
      const mayAct = role !== 'writer' || (who === 'own-writer' && actor.id === OWNER);
      if (mayAct) expect(result).toEqual({ ok: true, to });
      else expect(result).toEqual({ ok: false, reason: 'forbidden', needs: 'editor' });
    }
  });

  it('should let the system actor do anything the table allows when the scheduler acts', () => {
    expect(checkTransition(inState('scheduled'), 'publish', 'system', NOW)).toEqual({
      ok: true,
      to: 'published',
    });
    expect(checkTransition(inState('published'), 'unpublish', 'system', NOW)).toEqual({
      ok: true,
      to: 'unpublished',
    });
    expect(checkTransition(inState('killed'), 'publish', 'system', NOW)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
  });

  it('should leave killed as a terminal state when any action is tried', () => {
    expect(allowedActions(inState('killed'), NOW, 'system')).toEqual([]);
    for (const action of WORKFLOW_ACTIONS) {
      expect(checkTransition(inState('killed'), action, { role: 'admin', id: OWNER }, NOW)).toMatchObject({
        ok: false,
      });
    }
  });

  it('should name the allowed actions when a transition is invalid', () => {
    expect(checkTransition(inState('draft'), 'unpublish', { role: 'editor', id: 'e' }, NOW)).toEqual({
      ok: false,
      reason: 'invalid',
      allowed: ['submit', 'schedule', 'publish', 'spike'],
    });
  });

  it('should let staff lift an embargo only while it is in the future, and the scheduler once it is due', () => {
    const editor = { role: 'editor' as const, id: 'e' };
    const unmet = {
      ok: false,
      reason: 'invalid',
      allowed: ['publish', 'unpublish', 'kill'],
      unmet: 'the article has no embargo in the future',
    };
    expect(checkTransition(inState('published', LATER), 'lift_embargo', editor, NOW)).toEqual({
      ok: true,
      to: 'published',
    });
    expect(checkTransition(inState('published', EARLIER), 'lift_embargo', editor, NOW)).toEqual(unmet);
    expect(checkTransition(inState('published', null), 'lift_embargo', editor, NOW)).toEqual(unmet);
    // Due: the scheduler's job lifts it; an embargo never set is nothing to lift, for anyone.
    expect(checkTransition(inState('published', EARLIER), 'lift_embargo', 'system', NOW)).toEqual({
      ok: true,
      to: 'published',
    });
    expect(checkTransition(inState('published', null), 'lift_embargo', 'system', NOW)).toMatchObject({
      ok: false,
      reason: 'invalid',
    });
    // A writer is refused for the role first, embargo or not.
    expect(
      checkTransition(inState('published', null), 'lift_embargo', { role: 'writer', id: OWNER }, NOW),
    ).toEqual({ ok: false, reason: 'forbidden', needs: 'editor' });
  });
});

describe('actionsFor', () => {
  it('should list lift_embargo on a published article only while its embargo is in the future', () => {
    const editor = { role: 'editor' as const, id: 'e' };
    expect(actionsFor(editor, inState('published', LATER), NOW)).toContain('lift_embargo');
    expect(actionsFor(editor, inState('published', EARLIER), NOW)).not.toContain('lift_embargo');
    expect(actionsFor(editor, inState('published', null), NOW)).toEqual(['publish', 'unpublish', 'kill']);
  });

  it('should list exactly what checkTransition lets through, for every state, actor and embargo', () => {
    const actors = [...ROLES.flatMap((r) => actorsFor(r).map((a) => a.actor)), 'system' as const];
    for (const status of ARTICLE_STATUSES)
      for (const embargo of [LATER, EARLIER, null])
        for (const actor of actors) {
          const article = inState(status, embargo);
          expect(actionsFor(actor, article, NOW)).toEqual(
            WORKFLOW_ACTIONS.filter((a) => checkTransition(article, a, actor, NOW).ok),
          );
        }
  });
});

describe('editOutcome', () => {
  const [now, later, earlier] = [NOW, LATER, EARLIER];
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
