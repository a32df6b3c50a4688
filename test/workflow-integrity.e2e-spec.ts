import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PublishingScheduler } from '../src/publishing/publishing.jobs';
import { PublishingService } from '../src/publishing/publishing.service';
import { PUBLISH_QUEUE } from '../src/publishing/queues';
import { type Client, asAdmin, bootApp, client, staff, uniq, waitFor } from './helpers';

// Nothing reaches the public that an editor has not approved: an edit by a writer after approval,
// scheduling or an embargo, through every path that changes an article's content.

interface ArticleBody {
  id: string;
  version: number;
  status: string;
  slug: string;
  headline: string;
  publication: { state: string; publishedVersion: number | null; scheduledAt: string | null };
}
interface HistoryEntry {
  action: string;
  from: string;
  to: string;
  actor: { id: string } | null;
  comment: string | null;
  data: Record<string, unknown>;
}
interface Delivered {
  type: string;
  articleId: string;
  data: { document?: { headline?: string } } & Record<string, unknown>;
}

const ifMatch = (v: number) => ({ 'if-match': `"${v}"` });
const soon = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('workflow integrity (e2e)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let writer: Client & { user: { id: string } };
  let editor: Client & { user: { id: string } };
  let server: http.Server;
  const delivered: Delivered[] = [];
  let webhookId: string;

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    writer = await staff(app, 'writer');
    editor = await staff(app, 'editor');
    // A partner's webhook on a local receiver: what it is sent is what left the building.
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        delivered.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivered);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const hook = await (await asAdmin(app)).post('/api/v1/webhooks', { url, events: ['*'] });
    expect(hook.statusCode).toBe(201);
    webhookId = hook.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await (await asAdmin(app)).delete(`/api/v1/webhooks/${webhookId}`);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await app.close();
  });

  async function draft(c: Client, extra: Record<string, unknown> = {}): Promise<ArticleBody> {
    const res = await c.post('/api/v1/articles', {
      headline: `Integrity ${uniq()} talks held in Astana`,
      body: '<p>The approved first paragraph.</p>',
      dateline: { place: 'ASTANA' },
      ...extra,
    });
    expect(res.statusCode).toBe(201);
    return res.json<ArticleBody>();
  }
  async function act(c: Client, a: ArticleBody, body: Record<string, unknown>): Promise<ArticleBody> {
    const res = await c.post(`/api/v1/articles/${a.id}/transitions`, body, ifMatch(a.version));
    if (res.statusCode !== 200) throw new Error(`${String(body.action)}: ${res.statusCode} ${res.body}`);
    return res.json<ArticleBody>();
  }
  /** Drafted by the writer, submitted, approved by the editor. */
  async function approvedStory(extra: Record<string, unknown> = {}): Promise<ArticleBody> {
    let a = await draft(writer, extra);
    a = await act(writer, a, { action: 'submit' });
    return act(editor, a, { action: 'approve' });
  }
  const history = async (id: string) =>
    (await editor.get(`/api/v1/articles/${id}/history`)).json<HistoryEntry[]>();
  const outbox = async (id: string) =>
    ds.query<{ type: string; version: number; payload: Record<string, unknown> }[]>(
      'SELECT type, version, payload FROM event WHERE article_id = $1 ORDER BY seq',
      [id],
    );
  const publication = async (id: string) =>
    (
      await ds.query<{ status: string; document: { headline: string; bodyHtml: string } }[]>(
        'SELECT status, document FROM publication WHERE article_id = $1',
        [id],
      )
    )[0];
  const row = async (id: string) =>
    (
      await ds.query<
        { status: string; version: number; schedule_job_id: string | null; scheduled_at: Date | null }[]
      >('SELECT status, version, schedule_job_id, scheduled_at FROM article WHERE id = $1', [id])
    )[0];
  const jobState = async (jobId: string) =>
    (await ds.query<{ state: string }[]>('SELECT state FROM pgboss.job WHERE id = $1', [jobId]))[0]?.state;
  const deliveredFor = (id: string) => delivered.filter((d) => d.articleId === id);
  const anonymous = () => client(app);
  const rss = async () => (await anonymous().get('/feeds/rss.xml')).body;

  /** Waits for the scheduler to publish, then returns the publish entry of the history. */
  async function waitForScheduledPublish(id: string): Promise<HistoryEntry> {
    await waitFor(async () => (await row(id)).status === 'published', 20000, 'the scheduled publication');
    return (await history(id)).at(-1)!;
  }

  it('should send a scheduled story back to review and publish nothing when its writer edits it after scheduling', async () => {
    // Arrange: the writer's story, approved and scheduled by the editor.
    let a = await approvedStory();
    const approvedHeadline = a.headline;
    a = await act(editor, a, { action: 'schedule', at: soon(3000) });
    const { schedule_job_id: jobId } = await row(a.id);
    expect(jobId).toEqual(expect.any(String));

    // Act: the writer edits headline and body with a valid If-Match.
    const editedHeadline = `Edited ${uniq()} by the writer after approval`;
    const res = await writer.patch(
      `/api/v1/articles/${a.id}`,
      { headline: editedHeadline, body: '<p>An unreviewed paragraph.</p>' },
      ifMatch(a.version),
    );

    // Assert: back in review, the schedule and its job cancelled, the history says why.
    expect(res.statusCode).toBe(200);
    const edited = res.json<ArticleBody>();
    expect(edited).toMatchObject({ status: 'in_review', headline: editedHeadline, version: a.version + 1 });
    expect(res.headers.etag).toBe(`"${a.version + 1}"`);
    expect(edited.publication.scheduledAt).toBeNull();
    expect(await row(a.id)).toMatchObject({ status: 'in_review', schedule_job_id: null, scheduled_at: null });
    expect(await jobState(jobId!)).toBe('cancelled');
    expect((await history(a.id)).at(-1)).toMatchObject({
      action: 'edit',
      from: 'scheduled',
      to: 'in_review',
      actor: { id: writer.user.id },
      comment: expect.stringMatching(/^Edited by a writer after scheduling: back to review; .*cancelled/),
      data: { reason: 'edited_after_approval', cancelledScheduledAt: expect.any(String) },
    });
    expect((await outbox(a.id)).map((e) => e.type)).toEqual(['article.scheduled', 'article.unscheduled']);

    // The job runs anyway (as if a worker had fetched it before the cancel): it does nothing.
    await app.get(PublishingScheduler).runScheduledJob('system', PUBLISH_QUEUE, a.id, jobId!);
    // And the time passes with the workers running.
    await new Promise((r) => setTimeout(r, 4000));
    expect((await row(a.id)).status).toBe('in_review');
    expect(await publication(a.id)).toBeUndefined();
    expect((await outbox(a.id)).map((e) => e.type)).toEqual(['article.scheduled', 'article.unscheduled']);
    expect((await anonymous().get(`/api/v1/content/articles/${a.slug}`)).statusCode).toBe(404);
    const feed = await rss();
    expect(feed).not.toContain(editedHeadline);
    expect(feed).not.toContain(approvedHeadline);
    // Partners were told the schedule is off, and were sent no publication.
    await waitFor(
      () => Promise.resolve(deliveredFor(a.id).some((d) => d.type === 'article.unscheduled')),
      20000,
      'the unscheduled delivery',
    );
    expect(deliveredFor(a.id).map((d) => d.type)).toEqual(['article.scheduled', 'article.unscheduled']);

    // The editor reviews the edited copy, approves and schedules it: the job publishes that copy and says which.
    let b = await act(editor, edited, { action: 'approve' });
    b = await act(editor, b, { action: 'schedule', at: soon(1500) });
    const published = await waitForScheduledPublish(a.id);
    const now = (await editor.get(`/api/v1/articles/${a.id}`)).json<ArticleBody>();
    expect(published).toMatchObject({
      action: 'publish',
      actor: null,
      data: { approvedVersion: b.version, publishedVersion: now.version },
    });
    expect(now.publication.publishedVersion).toBe(now.version);
    const pub = await publication(a.id);
    expect(pub.document.headline).toBe(editedHeadline);
    expect(pub.document.bodyHtml).toContain('An unreviewed paragraph.');
    const [version] = await ds.query<{ article_version: number }[]>(
      'SELECT article_version FROM publication_version WHERE article_id = $1 ORDER BY version',
      [a.id],
    );
    expect(version.article_version).toBe(now.version);
    await waitFor(
      () => Promise.resolve(deliveredFor(a.id).find((d) => d.type === 'article.published')),
      20000,
      'the published delivery',
    );
    expect(deliveredFor(a.id).find((d) => d.type === 'article.published')!.data.document!.headline).toBe(
      editedHeadline,
    );
  });

  it('should keep the schedule and publish the edited copy when an editor edits a scheduled story', async () => {
    let a = await approvedStory();
    a = await act(editor, a, { action: 'schedule', at: soon(2000) });
    const { schedule_job_id: jobId } = await row(a.id);

    const editedHeadline = `Editor ${uniq()} tightened the headline`;
    const res = await editor.patch(
      `/api/v1/articles/${a.id}`,
      { headline: editedHeadline },
      ifMatch(a.version),
    );
    expect(res.statusCode).toBe(200);
    const edited = res.json<ArticleBody>();
    expect(edited.status).toBe('scheduled');
    expect(await row(a.id)).toMatchObject({ status: 'scheduled', schedule_job_id: jobId });
    expect((await history(a.id)).map((h) => h.action)).toEqual(['submit', 'approve', 'schedule']);

    const published = await waitForScheduledPublish(a.id);
    expect(published).toMatchObject({
      action: 'publish',
      actor: null,
      data: { approvedVersion: edited.version, publishedVersion: edited.version + 1 },
    });
    expect((await publication(a.id)).document.headline).toBe(editedHeadline);
  });

  it('should send an approved story back to review when its writer edits it before it is scheduled', async () => {
    const a = await approvedStory();
    const res = await writer.patch(
      `/api/v1/articles/${a.id}`,
      { summary: 'A new summary' },
      ifMatch(a.version),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json<ArticleBody>().status).toBe('in_review');
    expect((await history(a.id)).at(-1)).toMatchObject({
      action: 'edit',
      from: 'approved',
      to: 'in_review',
      comment: 'Edited by a writer after approval: back to review',
      data: { reason: 'edited_after_approval' },
    });
    // Nothing had been sent for the approval, so there is nothing to take back.
    expect(await outbox(a.id)).toEqual([]);
  });

  it('should send a scheduled story back to review when its writer changes only its tags or authors', async () => {
    const admin = await asAdmin(app);
    const tag = (await admin.post('/api/v1/tags', { name: `Integrity ${uniq()}`, kind: 'topic' })).json<{
      id: string;
    }>();
    const author = (
      await admin.post('/api/v1/authors', { name: `Integrity Author ${uniq()}`, title: 'correspondent' })
    ).json<{ id: string }>();

    let a = await act(editor, await approvedStory(), { action: 'schedule', at: soon(60_000) });
    let res = await writer.patch(`/api/v1/articles/${a.id}`, { tags: [tag.id] }, ifMatch(a.version));
    expect(res.statusCode).toBe(200);
    expect(res.json<ArticleBody>().status).toBe('in_review');
    expect((await row(a.id)).schedule_job_id).toBeNull();

    a = await act(editor, await approvedStory(), { action: 'schedule', at: soon(60_000) });
    const { schedule_job_id: jobId } = await row(a.id);
    res = await writer.patch(
      `/api/v1/articles/${a.id}`,
      { authors: [{ id: author.id }] },
      ifMatch(a.version),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json<ArticleBody>().status).toBe('in_review');
    expect(await jobState(jobId!)).toBe('cancelled');
  });

  it('should send a scheduled story back to review when its writer restores an earlier revision', async () => {
    let a = await draft(writer);
    const res1 = await writer.patch(
      `/api/v1/articles/${a.id}`,
      { body: '<p>The reviewed second draft.</p>' },
      ifMatch(a.version),
    );
    a = res1.json<ArticleBody>();
    a = await act(writer, a, { action: 'submit' });
    a = await act(editor, a, { action: 'approve' });
    a = await act(editor, a, { action: 'schedule', at: soon(60_000) });
    const { schedule_job_id: jobId } = await row(a.id);

    const res = await writer.post(
      `/api/v1/articles/${a.id}/revisions/1/restore`,
      undefined,
      ifMatch(a.version),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json<ArticleBody>().status).toBe('in_review');
    expect(await jobState(jobId!)).toBe('cancelled');
    expect((await history(a.id)).at(-1)).toMatchObject({
      action: 'edit',
      from: 'scheduled',
      to: 'in_review',
    });
  });

  it('should refuse with 409 a writer’s edit of a story published under embargo, and lift the approved copy', async () => {
    let a = await draft(writer);
    const approvedHeadline = a.headline;
    a = await act(editor, a, { action: 'publish', embargoUntil: soon(2500) });
    const before = await ds.query<unknown[]>('SELECT * FROM article_revision WHERE article_id = $1', [a.id]);

    const res = await writer.patch(
      `/api/v1/articles/${a.id}`,
      { headline: `Writer ${uniq()} changed the embargoed story` },
      ifMatch(a.version),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/published under embargo until .*only an editor/),
      details: { status: 'published', embargoUntil: expect.any(String) },
    });
    expect((await row(a.id)).version).toBe(a.version);
    expect(await ds.query('SELECT * FROM article_revision WHERE article_id = $1', [a.id])).toEqual(before);
    const restored = await writer.post(
      `/api/v1/articles/${a.id}/revisions/1/restore`,
      undefined,
      ifMatch(a.version),
    );
    expect(restored.statusCode).toBe(409);

    // An editor may change the working copy; the lift shows the copy that was approved, not the working copy.
    const editorHeadline = `Editor ${uniq()} working copy`;
    const byEditor = await editor.patch(
      `/api/v1/articles/${a.id}`,
      { headline: editorHeadline },
      ifMatch(a.version),
    );
    expect(byEditor.statusCode).toBe(200);
    await waitFor(
      async () => (await outbox(a.id)).some((e) => e.type === 'article.embargo_lifted'),
      20000,
      'the embargo lift',
    );
    expect((await publication(a.id)).document.headline).toBe(approvedHeadline);
    const read = await anonymous().get(`/api/v1/content/articles/${a.slug}`);
    expect(read.statusCode).toBe(200);
    expect(read.json<{ headline: string }>().headline).toBe(approvedHeadline);

    // Once it is public, the writer's edit changes only the working copy, as for any published story.
    const current = (await editor.get(`/api/v1/articles/${a.id}`)).json<ArticleBody>();
    const after = await writer.patch(
      `/api/v1/articles/${a.id}`,
      { summary: 'Later summary' },
      ifMatch(current.version),
    );
    expect(after.statusCode).toBe(200);
    expect(after.json<ArticleBody>()).toMatchObject({
      status: 'published',
      publication: { state: 'changed' },
    });
    expect((await publication(a.id)).document.headline).toBe(approvedHeadline);
  });

  it('should show the approved copy when an embargo is lifted early after an editor changed the working copy', async () => {
    let a = await draft(writer);
    const approvedHeadline = a.headline;
    a = await act(editor, a, { action: 'publish', embargoUntil: soon(3_600_000) });
    const res = await editor.patch(
      `/api/v1/articles/${a.id}`,
      { headline: `Editor ${uniq()} unpublished change` },
      ifMatch(a.version),
    );
    a = res.json<ArticleBody>();

    a = await act(editor, a, { action: 'lift_embargo', reason: 'Released early by the ministry' });

    expect((await publication(a.id)).document.headline).toBe(approvedHeadline);
    expect(a.publication.state).toBe('changed');
  });

  it('should re-render an embargoed story from its published copy, not the working copy, when its tag is renamed', async () => {
    const admin = await asAdmin(app);
    const tag = (await admin.post('/api/v1/tags', { name: `Embargoed ${uniq()}`, kind: 'topic' })).json<{
      id: string;
    }>();
    let a = await draft(writer, { tags: [tag.id] });
    const approvedHeadline = a.headline;
    a = await act(editor, a, { action: 'publish', embargoUntil: soon(3_600_000) });
    const [{ embargo_until: embargoUntil }] = await ds.query<{ embargo_until: Date }[]>(
      'SELECT embargo_until FROM publication WHERE article_id = $1',
      [a.id],
    );
    const res = await editor.patch(
      `/api/v1/articles/${a.id}`,
      { headline: `Unreleased ${uniq()}` },
      ifMatch(a.version),
    );
    expect(res.statusCode).toBe(200);

    const renamed = `Renamed ${uniq()}`;
    expect((await admin.patch(`/api/v1/tags/${tag.id}`, { name: renamed })).statusCode).toBe(200);
    await waitFor(
      async () =>
        ((await publication(a.id)).document as unknown as { tags: { name: string }[] }).tags[0]?.name ===
        renamed,
      20000,
      'the re-render',
    );

    expect((await publication(a.id)).document.headline).toBe(approvedHeadline);
    const [after] = await ds.query<{ embargo_until: Date }[]>(
      'SELECT embargo_until FROM publication WHERE article_id = $1',
      [a.id],
    );
    expect(after.embargo_until).toEqual(embargoUntil);
    expect((await anonymous().get(`/api/v1/content/articles/${a.slug}`)).statusCode).toBe(404);
  });

  it('should not publish when the scheduled job finds a version that is no longer the approved one', async () => {
    let a = await approvedStory();
    a = await act(editor, a, { action: 'schedule', at: soon(60_000) });
    const { schedule_job_id: jobId } = await row(a.id);
    // A change of the working copy that bypassed the edit rule (any path that forgets it).
    await ds.query(`UPDATE article SET headline = 'Bypassed', version = version + 1 WHERE id = $1`, [a.id]);

    await app.get(PublishingScheduler).runScheduledJob('system', PUBLISH_QUEUE, a.id, jobId!);
    // The check under the row lock refuses it too (a change landing between the first look and the lock).
    await expect(
      app.get(PublishingService).transition('system', a.id, null, { action: 'publish' }, jobId!),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { approvedVersion: a.version } });

    expect((await row(a.id)).status).toBe('scheduled');
    expect(await publication(a.id)).toBeUndefined();
    expect((await outbox(a.id)).map((e) => e.type)).toEqual(['article.scheduled']);
  });
});
