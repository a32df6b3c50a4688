import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WORKFLOW_ACTIONS, type WorkflowAction } from '../src/publishing/article-workflow';
import { type Client, bootApp, staff, uniq } from './helpers';

interface ArticleBody {
  id: string;
  version: number;
  status: string;
  allowedActions: string[];
}

const ifMatch = (v: number) => ({ 'if-match': `"${v}"` });
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

/** A body each action accepts (its required input), from the state the article is in. */
function bodyFor(action: WorkflowAction, status: string): Record<string, unknown> {
  switch (action) {
    case 'return':
      return { action, comment: 'Please add the other side' };
    case 'schedule':
      return { action, at: inDays(2) };
    case 'publish':
      return status === 'published' ? { action, change: 'update' } : { action };
    case 'kill':
      return { action, reason: 'Legal asked us to withdraw it' };
    case 'lift_embargo':
      return { action, reason: 'The ministry released it early' };
    case 'submit':
    case 'approve':
    case 'unschedule':
    case 'unpublish':
    case 'spike':
    case 'unspike':
      return { action };
  }
}

// How an editor brings a writer's new draft into each state (published under a future embargo, so that
// lifting it is a real action there).
const SETUP: Record<string, Record<string, unknown>[]> = {
  draft: [],
  in_review: [{ action: 'submit' }],
  approved: [{ action: 'submit' }, { action: 'approve' }],
  scheduled: [{ action: 'schedule', at: inDays(3) }],
  published: [{ action: 'publish', embargoUntil: inDays(3) }],
  unpublished: [{ action: 'publish' }, { action: 'unpublish' }],
  killed: [{ action: 'publish' }, { action: 'kill', reason: 'Withdrawn' }],
  spiked: [{ action: 'spike' }],
};

describe('allowedActions on article responses (e2e)', () => {
  let app: NestFastifyApplication;
  let owner: Client & { user: { id: string } };
  let otherWriter: Client & { user: { id: string } };
  let editor: Client & { user: { id: string } };

  const act = (c: Client, a: { id: string; version: number }, body: Record<string, unknown>) =>
    c.post(`/api/v1/articles/${a.id}/transitions`, body, ifMatch(a.version));

  async function articleIn(state: string): Promise<ArticleBody> {
    const res = await owner.post('/api/v1/articles', {
      headline: `Actions ${uniq()} consultations held in Astana`,
      body: '<p>The third round of consultations took place.</p>',
      dateline: { place: 'ASTANA' },
    });
    if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
    let a = res.json<ArticleBody>();
    for (const step of SETUP[state]) {
      const r = await act(editor, a, step);
      if (r.statusCode !== 200)
        throw new Error(`${state} via ${JSON.stringify(step)}: ${r.statusCode} ${r.body}`);
      a = r.json<ArticleBody>();
    }
    expect(a.status).toBe(state);
    return a;
  }
  const seenBy = async (c: Client, id: string) => {
    const res = await c.get(`/api/v1/articles/${id}`);
    expect(res.statusCode).toBe(200);
    return res.json<ArticleBody>();
  };

  beforeAll(async () => {
    app = await bootApp();
    owner = await staff(app, 'writer');
    otherWriter = await staff(app, 'writer');
    editor = await staff(app, 'editor');
  });
  afterAll(async () => {
    await app?.close();
  });

  it("should offer a writer submit and spike on their own draft, nothing on someone else's, and an editor the editor's actions", async () => {
    const token = uniq('ownership');
    const created = await owner.post('/api/v1/articles', { headline: `Own draft ${token}` });
    expect(created.statusCode).toBe(201);
    const a = created.json<ArticleBody>();
    expect(a.allowedActions).toEqual(['submit', 'spike']);
    expect((await seenBy(owner, a.id)).allowedActions).toEqual(['submit', 'spike']);
    expect((await seenBy(otherWriter, a.id)).allowedActions).toEqual([]);
    expect((await seenBy(editor, a.id)).allowedActions).toEqual(['submit', 'schedule', 'publish', 'spike']);

    // The PATCH result and the list items carry them too, for the caller.
    const patched = await owner.patch(
      `/api/v1/articles/${a.id}`,
      { summary: 'A summary' },
      ifMatch(a.version),
    );
    expect(patched.statusCode).toBe(200);
    expect(patched.json<ArticleBody>().allowedActions).toEqual(['submit', 'spike']);
    const list = await otherWriter.get(`/api/v1/articles?q=${token}`);
    expect(list.statusCode).toBe(200);
    const item = list.json<{ data: ArticleBody[] }>().data.find((x) => x.id === a.id);
    expect(item?.allowedActions).toEqual([]);
    const mine = (await owner.get(`/api/v1/articles?q=${token}`)).json<{ data: ArticleBody[] }>().data;
    expect(mine.find((x) => x.id === a.id)?.allowedActions).toEqual(['submit', 'spike']);

    // The transition result: in review, the writer may only spike; the editor may decide.
    const submitted = await act(owner, patched.json<ArticleBody>(), { action: 'submit' });
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json<ArticleBody>().allowedActions).toEqual(['spike']);
    expect((await seenBy(editor, a.id)).allowedActions).toEqual([
      'return',
      'approve',
      'schedule',
      'publish',
      'spike',
    ]);
  });

  it('should list lift_embargo only while the embargo is in the future, and refuse it without one like any unlisted action', async () => {
    // Published without an embargo: not listed, and the transition refuses it as the table's decision.
    const published = await act(editor, await articleIn('draft'), { action: 'publish' });
    expect(published.statusCode).toBe(200);
    const open = published.json<ArticleBody>();
    expect(open.allowedActions).toEqual(['publish', 'unpublish', 'kill']);
    expect((await seenBy(editor, open.id)).allowedActions).not.toContain('lift_embargo');
    const refused = await act(editor, open, bodyFor('lift_embargo', 'published'));
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'INVALID_TRANSITION',
      message: 'Cannot lift_embargo: the article has no embargo in the future',
      details: { allowedActions: ['publish', 'unpublish', 'kill'] },
    });
    expect((await seenBy(editor, open.id)).version).toBe(open.version);

    // Under a future embargo: listed for the editor (not for writers), lifted, then no longer listed.
    const embargoed = await articleIn('published');
    expect((await seenBy(editor, embargoed.id)).allowedActions).toEqual([
      'publish',
      'unpublish',
      'kill',
      'lift_embargo',
    ]);
    expect((await seenBy(owner, embargoed.id)).allowedActions).toEqual([]);
    const lifted = await act(editor, embargoed, bodyFor('lift_embargo', 'published'));
    expect(lifted.statusCode).toBe(200);
    expect(lifted.json<ArticleBody>().allowedActions).toEqual(['publish', 'unpublish', 'kill']);
    expect((await seenBy(editor, embargoed.id)).allowedActions).not.toContain('lift_embargo');
  });

  it('should list exactly the actions the transitions endpoint then accepts, in every state, for every kind of actor', async () => {
    const actors = { owner: () => owner, otherWriter: () => otherWriter, editor: () => editor };
    const wrong: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (const state of Object.keys(SETUP)) {
      for (const [who, get] of Object.entries(actors)) {
        const c = get();
        const a = await articleIn(state);
        const listed = (await seenBy(c, a.id)).allowedActions;
        for (const action of WORKFLOW_ACTIONS) {
          if (listed.includes(action)) {
            // A fresh article in the same state for each listed action: it must go through.
            const fresh = await articleIn(state);
            const res = await act(c, fresh, bodyFor(action, state));
            if (res.statusCode !== 200)
              wrong.push(`${who} ${state} ${action}: listed but ${res.statusCode} ${res.body}`);
            else accepted++;
          } else {
            const res = await act(c, a, bodyFor(action, state));
            const code = res.statusCode === 200 ? null : res.json<{ code: string }>().code;
            if (!['FORBIDDEN', 'INVALID_TRANSITION'].includes(code ?? '')) {
              wrong.push(
                `${who} ${state} ${action}: not listed but ${res.statusCode} ${res.body.slice(0, 120)}`,
              );
            } else refused++;
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    // Both sides of the property were exercised.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(100);
  });
});
