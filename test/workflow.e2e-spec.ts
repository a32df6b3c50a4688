import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type Client, asAdmin, bootApp, staff, uniq, waitFor } from './helpers';

interface ArticleBody {
  id: string;
  version: number;
  status: string;
  slug: string;
}

const ifMatch = (v: number) => ({ 'if-match': `"${v}"` });

async function draft(c: Client, extra: Record<string, unknown> = {}): Promise<ArticleBody> {
  const res = await c.post('/api/v1/articles', {
    headline: `Workflow ${uniq()} consultations held in Astana`,
    body: '<p>The third round of consultations took place.</p><p>Second paragraph.</p>',
    dateline: { place: 'ASTANA' },
    ...extra,
  });
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode} ${res.body}`);
  return res.json<ArticleBody>();
}

async function act(c: Client, a: { id: string; version: number }, body: Record<string, unknown>) {
  return c.post(`/api/v1/articles/${a.id}/transitions`, body, ifMatch(a.version));
}

describe('workflow (e2e)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let writer: Client & { user: { id: string } };
  let editor: Client & { user: { id: string } };

  const publication = async (id: string) =>
    (
      await ds.query<
        { status: string; version: number; document: Record<string, unknown>; embargo_until: Date | null }[]
      >('SELECT status, version, document, embargo_until FROM publication WHERE article_id = $1', [id])
    )[0];
  const events = async (id: string) =>
    (
      await ds.query<{ type: string }[]>('SELECT type FROM event WHERE article_id = $1 ORDER BY seq', [id])
    ).map((e) => e.type);

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    writer = await staff(app, 'writer');
    editor = await staff(app, 'editor');
  });
  afterAll(async () => {
    await app.close();
  });

  it('should take a story from draft through review, return, approval, schedule and publication by the job', async () => {
    let a = await draft(writer);
    let res = await act(writer, a, { action: 'submit' });
    expect(res.statusCode).toBe(200);
    a = res.json<ArticleBody>();
    expect(a.status).toBe('in_review');
    expect(res.headers.etag).toBe(`"${a.version}"`);

    // A writer may not approve; returning needs a comment.
    expect((await act(writer, a, { action: 'approve' })).statusCode).toBe(403);
    const noComment = await act(editor, a, { action: 'return' });
    expect(noComment.statusCode).toBe(400);
    expect(noComment.json<{ message: string }>().message).toMatch(/comment/);

    a = (await act(editor, a, { action: 'return', comment: 'Add the Canadian side' })).json<ArticleBody>();
    expect(a.status).toBe('draft');
    a = (await act(writer, a, { action: 'submit' })).json<ArticleBody>();
    a = (await act(editor, a, { action: 'approve' })).json<ArticleBody>();
    expect(a.status).toBe('approved');

    const past = await act(editor, a, {
      action: 'schedule',
      at: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past.statusCode).toBe(400);
    // A lead that a slow request on a busy machine cannot eat before the checks below run.
    res = await act(editor, a, { action: 'schedule', at: new Date(Date.now() + 4000).toISOString() });
    expect(res.statusCode).toBe(200);
    a = res.json<ArticleBody>();
    expect(a.status).toBe('scheduled');
    expect(await publication(a.id)).toBeUndefined();

    const published = await waitFor(
      async () => {
        const r = await editor.get(`/api/v1/articles/${a.id}`);
        return r.json<ArticleBody>().status === 'published' ? r.json<ArticleBody>() : undefined;
      },
      20000,
      'the scheduled publication',
    );
    expect(published.status).toBe('published');
    const pub = await publication(a.id);
    expect(pub.status).toBe('live');
    expect(pub.document).toMatchObject({
      slug: a.slug,
      status: 'live',
      dateline: { place: 'ASTANA', agency: 'KAZINFORM' },
    });
    expect(String(pub.document.bodyHtml)).toContain(
      '<span class="dateline">ASTANA. KAZINFORM –</span> The third round',
    );

    const history = (await editor.get(`/api/v1/articles/${a.id}/history`)).json<
      { action: string; actor: unknown }[]
    >();
    expect(history.map((h) => h.action)).toEqual([
      'submit',
      'return',
      'submit',
      'approve',
      'schedule',
      'publish',
    ]);
    expect(history.at(-1)!.actor).toBeNull();
    // The scheduler records how late it ran (never early).
    expect((history.at(-1) as unknown as { data: { lateMs?: number } }).data.lateMs).toBeGreaterThanOrEqual(
      0,
    );
    expect(await events(a.id)).toEqual(['article.scheduled', 'article.published']);
  });

  it('should answer 409 naming the allowed actions when the table does not allow the action', async () => {
    const a = await draft(writer);
    const res = await act(editor, a, { action: 'unpublish' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { status: 'draft', allowedActions: ['submit', 'schedule', 'publish', 'spike'] },
    });
  });

  it('should require If-Match and refuse a stale one when a transition is posted', async () => {
    const a = await draft(writer);
    expect(
      (await editor.post(`/api/v1/articles/${a.id}/transitions`, { action: 'publish' })).statusCode,
    ).toBe(428);
    expect((await act(editor, { id: a.id, version: a.version + 5 }, { action: 'publish' })).statusCode).toBe(
      412,
    );
    expect((await act(editor, a, { action: 'publish' })).statusCode).toBe(200);
  });

  it('should publish an update and a correction with notices, then unpublish and kill', async () => {
    let a = await draft(writer);
    a = (await act(editor, a, { action: 'publish' })).json<ArticleBody>();
    expect((await publication(a.id)).version).toBe(1);

    // Editing a published article changes only the working copy.
    const edited = await editor.patch(
      `/api/v1/articles/${a.id}`,
      { summary: 'Now with a summary' },
      ifMatch(a.version),
    );
    expect(edited.statusCode).toBe(200);
    a = edited.json<ArticleBody>();
    expect(edited.json<{ publication: { state: string } }>().publication.state).toBe('changed');
    expect((await publication(a.id)).document.summary).toBeNull();

    const noChange = await act(editor, a, { action: 'publish' });
    expect(noChange.statusCode).toBe(400);
    const noNotice = await act(editor, a, { action: 'publish', change: 'correction' });
    expect(noNotice.statusCode).toBe(400);
    const updated = await act(editor, a, { action: 'publish', change: 'update' });
    a = updated.json<ArticleBody>();
    expect(updated.json<{ publication: { state: string } }>().publication.state).toBe('published');
    let pub = await publication(a.id);
    expect(pub.version).toBe(2);
    expect(pub.document.summary).toBe('Now with a summary');

    a = (
      await act(editor, a, {
        action: 'publish',
        change: 'correction',
        notice: 'An earlier version misspelled the minister.',
      })
    ).json<ArticleBody>();
    pub = await publication(a.id);
    expect(pub.document.notices).toEqual([
      expect.objectContaining({ kind: 'correction', text: 'An earlier version misspelled the minister.' }),
    ]);

    a = (await act(editor, a, { action: 'unpublish' })).json<ArticleBody>();
    expect((await publication(a.id)).status).toBe('unpublished');
    expect((await act(editor, a, { action: 'kill' })).statusCode).toBe(400);
    a = (
      await act(editor, a, { action: 'kill', reason: 'Legal: withdrawn at the source’s request.' })
    ).json<ArticleBody>();
    expect(a.status).toBe('killed');
    pub = await publication(a.id);
    expect(pub.status).toBe('killed');
    expect(pub.document).toMatchObject({
      status: 'killed',
      notice: { kind: 'kill', text: 'Legal: withdrawn at the source’s request.' },
    });
    expect(pub.document).not.toHaveProperty('bodyHtml');
    expect((await act(editor, a, { action: 'publish' })).statusCode).toBe(409);
    expect(await events(a.id)).toEqual([
      'article.published',
      'article.updated',
      'article.corrected',
      'article.unpublished',
      'article.killed',
    ]);
    const versions = await ds.query<{ version: number; change: string }[]>(
      'SELECT version, change FROM publication_version WHERE article_id = $1 ORDER BY version',
      [a.id],
    );
    expect(versions.map((v) => v.change)).toEqual(['publish', 'update', 'correction', 'unpublish', 'kill']);
  });

  it('should hide an embargoed item until the embargo passes, then fire embargo_lifted', async () => {
    let a = await draft(writer);
    const until = new Date(Date.now() + 4000);
    a = (await act(editor, a, { action: 'publish', embargoUntil: until.toISOString() })).json<ArticleBody>();
    const pub = await publication(a.id);
    expect(pub.embargo_until?.getTime()).toBe(until.getTime());
    expect(await events(a.id)).toEqual(['article.published']);
    await waitFor(
      async () => (await events(a.id)).includes('article.embargo_lifted'),
      20000,
      'the embargo lift',
    );
    expect(await events(a.id)).toEqual(['article.published', 'article.embargo_lifted']);
  });

  it('should lift an embargo early with a reason, audited in the history', async () => {
    let a = await draft(writer);
    a = (
      await act(editor, a, {
        action: 'publish',
        embargoUntil: new Date(Date.now() + 3_600_000).toISOString(),
      })
    ).json<ArticleBody>();
    expect((await act(editor, a, { action: 'lift_embargo' })).statusCode).toBe(400);
    a = (
      await act(editor, a, { action: 'lift_embargo', reason: 'Minister spoke early' })
    ).json<ArticleBody>();
    const pub = await publication(a.id);
    expect(pub.embargo_until!.getTime()).toBeLessThanOrEqual(Date.now());
    const history = (await editor.get(`/api/v1/articles/${a.id}/history`)).json<
      { action: string; comment: string }[]
    >();
    expect(history.at(-1)).toMatchObject({ action: 'lift_embargo', comment: 'Minister spoke early' });
    expect((await act(editor, a, { action: 'lift_embargo', reason: 'again' })).statusCode).toBe(409);
  });

  it('should cancel the job when a scheduled item is unscheduled', async () => {
    let a = await draft(writer);
    const dueAt = Date.now() + 4000;
    a = (await act(editor, a, { action: 'schedule', at: new Date(dueAt).toISOString() })).json<ArticleBody>();
    const [{ schedule_job_id: jobId }] = await ds.query<{ schedule_job_id: string }[]>(
      'SELECT schedule_job_id FROM article WHERE id = $1',
      [a.id],
    );
    expect(jobId).toEqual(expect.any(String));
    a = (await act(editor, a, { action: 'unschedule' })).json<ArticleBody>();
    expect(a.status).toBe('approved');
    const [job] = await ds.query<{ state: string }[]>('SELECT state FROM pgboss.job WHERE id = $1', [jobId]);
    expect(job.state).toBe('cancelled');
    // Wait past the time the cancelled job was due.
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now()) + 1500));
    expect((await editor.get(`/api/v1/articles/${a.id}`)).json<ArticleBody>().status).toBe('approved');
    expect(await publication(a.id)).toBeUndefined();
  });

  it('should unpublish at expiresAt through the job', async () => {
    let a = await draft(writer);
    a = (
      await act(editor, a, { action: 'publish', expiresAt: new Date(Date.now() + 3000).toISOString() })
    ).json<ArticleBody>();
    await waitFor(async () => (await publication(a.id)).status === 'unpublished', 20000, 'the expiry');
    expect((await editor.get(`/api/v1/articles/${a.id}`)).json<ArticleBody>().status).toBe('unpublished');
  });

  it('should let writers spike and unspike their own drafts but not others', async () => {
    const other = await staff(app, 'writer');
    let a = await draft(writer);
    expect((await act(other, a, { action: 'spike' })).statusCode).toBe(403);
    a = (await act(writer, a, { action: 'spike' })).json<ArticleBody>();
    expect(a.status).toBe('spiked');
    a = (await act(writer, a, { action: 'unspike' })).json<ArticleBody>();
    expect(a.status).toBe('draft');
    expect((await act(writer, a, { action: 'publish' })).statusCode).toBe(403);
  });

  it('should re-render live publications when a tag is renamed', async () => {
    const admin = await asAdmin(app);
    const tag = (await admin.post('/api/v1/tags', { name: `Energy ${uniq()}`, kind: 'topic' })).json<{
      id: string;
    }>();
    let a = await draft(writer, { tags: [tag.id] });
    a = (await act(editor, a, { action: 'publish' })).json<ArticleBody>();
    const renamed = `Energy policy ${uniq()}`;
    expect((await admin.patch(`/api/v1/tags/${tag.id}`, { name: renamed })).statusCode).toBe(200);
    await waitFor(
      async () => ((await publication(a.id)).document.tags as { name: string }[])[0]?.name === renamed,
      20000,
      'the re-render',
    );
  });
});
