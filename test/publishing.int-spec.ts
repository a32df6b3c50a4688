import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Article } from '../src/articles/article.entity';
import { ArticlesService } from '../src/articles/articles.service';
import type { Actor } from '../src/common/auth.decorators';
import { DomainError } from '../src/common/errors';
import { WORKFLOW_ACTIONS, type WorkflowAction } from '../src/publishing/article-workflow';
import { Tag } from '../src/tags/tag.entity';
import { PublicationProjector } from '../src/publishing/publication.projector';
import { PUBLIC_DOCUMENT_SCHEMA } from '../src/publishing/publication.renderer';
import {
  OUTDATED_DOCUMENTS_SQL,
  PublishingJobs,
  PublishingScheduler,
} from '../src/publishing/publishing.jobs';
import { PublishingService } from '../src/publishing/publishing.service';
import { EMBARGO_QUEUE, EXPIRE_QUEUE, PUBLISH_QUEUE } from '../src/publishing/queues';
import type { TransitionDto } from '../src/publishing/transition.dto';
import { ADMIN, bootApp, uniq, waitFor } from './helpers';

/**
 * Service tier: the transition, its effects and the publication projector called directly on the app's
 * services against real PostgreSQL, without HTTP. Every action of the workflow table is exercised and its
 * effects read back from the database.
 */
/** The parts of a stored public document these tests read. */
interface Doc {
  [field: string]: unknown;
  headline?: string;
  status?: string;
  version?: number;
  notices?: { kind: string }[];
}

describe('publishing services (int)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let publishing: PublishingService;
  let editor: Actor;
  const exercised = new Set<WorkflowAction>();
  const HOUR = 3600_000;
  const later = (ms: number) => new Date(Date.now() + ms);

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    publishing = app.get(PublishingService);
    const [admin] = await ds.query<{ id: string; name: string }[]>(
      'SELECT id, name FROM "user" WHERE email = $1',
      [ADMIN.email],
    );
    editor = { id: admin.id, email: ADMIN.email, name: admin.name, role: 'admin' };
  });
  afterAll(() => app.close());

  const draft = async (): Promise<string> =>
    (
      await app.get(ArticlesService).create(editor, {
        headline: `Service tier ${uniq()} consultations held in Astana`,
        body: '<p>The third round of consultations took place.</p>',
        dateline: { place: 'ASTANA' },
      })
    ).id;
  const row = (id: string) => ds.getRepository(Article).findOneByOrFail({ id });
  /** Applies the action at the article's current version, as an editor would with If-Match. */
  const act = async (id: string, dto: TransitionDto, actor: Actor = editor) => {
    exercised.add(dto.action);
    return publishing.transition(actor, id, (await row(id)).version, dto);
  };
  /** Runs the action as the scheduler does, with the job the article waits for. */
  const actAsJob = (id: string, action: WorkflowAction, jobId: string | null) => {
    exercised.add(action);
    return publishing.transition('system', id, null, { action }, jobId!);
  };
  const events = (id: string) =>
    ds.query<
      {
        action: string;
        from_status: string;
        to_status: string;
        actor_id: string | null;
        data: Record<string, unknown>;
      }[]
    >(
      'SELECT action, from_status, to_status, actor_id, comment, data FROM article_event WHERE article_id = $1 ORDER BY created_at, id',
      [id],
    );
  const outbox = (id: string) =>
    ds.query<{ type: string; version: number; actor_id: string | null; payload: Record<string, unknown> }[]>(
      'SELECT type, version, actor_id, payload FROM event WHERE article_id = $1 ORDER BY seq',
      [id],
    );
  const audits = async (id: string) =>
    (
      await ds.query<{ action: string }[]>('SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq', [
        id,
      ])
    ).map((r) => r.action);
  const publication = async (id: string) =>
    (
      await ds.query<{ status: string; version: number; embargo_until: Date | null; document: Doc }[]>(
        'SELECT status, version, embargo_until, document FROM publication WHERE article_id = $1',
        [id],
      )
    )[0];
  const publicationVersions = (id: string) =>
    ds.query<{ version: number; status: string; change: string; article_version: number | null }[]>(
      'SELECT version, status, change, article_version FROM publication_version WHERE article_id = $1 ORDER BY version',
      [id],
    );
  const job = async (jobId: string | null) =>
    (
      await ds.query<{ name: string; state: string; start_after: Date }[]>(
        'SELECT name, state, start_after FROM pgboss.job WHERE id = $1',
        [jobId],
      )
    )[0];
  const notices = (id: string) =>
    ds.query<{ kind: string; text: string; public: boolean }[]>(
      'SELECT kind, text, public FROM article_notice WHERE article_id = $1 ORDER BY created_at',
      [id],
    );
  const refused = async (p: Promise<unknown>, code: string) => {
    const e: unknown = await p.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe(code);
  };

  it('submit: draft to in_review, history and revision, no outbox event, nothing public', async () => {
    const id = await draft();
    const res = await act(id, { action: 'submit' });
    expect(res.status).toBe('in_review');
    expect((await row(id)).version).toBe(2);
    expect(await events(id)).toMatchObject([
      { action: 'submit', from_status: 'draft', to_status: 'in_review', actor_id: editor.id },
    ]);
    expect(await audits(id)).toEqual(['article.create', 'article.submit']);
    expect(await outbox(id)).toEqual([]);
    expect(await publication(id)).toBeUndefined();
  });

  it('return: refused without a comment (nothing written); with one, back to draft', async () => {
    const id = await draft();
    await act(id, { action: 'submit' });
    await refused(act(id, { action: 'return' }), 'BAD_REQUEST');
    expect((await row(id)).status).toBe('in_review');
    expect(await events(id)).toHaveLength(1);

    await act(id, { action: 'return', comment: 'Add the source' });
    expect((await row(id)).status).toBe('draft');
    expect((await events(id))[1]).toMatchObject({
      action: 'return',
      to_status: 'draft',
      comment: 'Add the source',
    });
    expect(await outbox(id)).toEqual([]);
  });

  it('approve: approves the copy as it is now; a writer who did not create it is refused', async () => {
    const id = await draft();
    await act(id, { action: 'submit' });
    const writer: Actor = { id: randomUUID(), email: 'writer@dateline.test', name: 'W', role: 'writer' };
    await refused(
      publishing.transition(writer, id, (await row(id)).version, { action: 'approve' }),
      'FORBIDDEN',
    );
    expect((await row(id)).status).toBe('in_review');

    await act(id, { action: 'approve' });
    const a = await row(id);
    expect(a.status).toBe('approved');
    expect(a.approvedVersion).toBe(a.version);
    expect(await outbox(id)).toEqual([]);
  });

  it('schedule: sets the times, sends the publish job, emits a preview; unschedule cancels the job', async () => {
    const id = await draft();
    const at = later(HOUR);
    const expiresAt = later(3 * HOUR);
    await refused(act(id, { action: 'schedule', at: later(-HOUR) }), 'BAD_REQUEST');
    await act(id, { action: 'schedule', at, expiresAt });
    const a = await row(id);
    expect(a.status).toBe('scheduled');
    expect(a.scheduledAt).toEqual(at);
    expect(a.expiresAt).toEqual(expiresAt);
    expect(a.approvedVersion).toBe(a.version);
    expect(await job(a.scheduleJobId)).toMatchObject({
      name: PUBLISH_QUEUE,
      state: 'created',
      start_after: at,
    });
    const [scheduled] = await outbox(id);
    expect(scheduled).toMatchObject({ type: 'article.scheduled', version: a.version, actor_id: editor.id });
    expect(scheduled.payload.scheduledAt).toBe(at.toISOString());
    expect(scheduled.payload.document).toMatchObject({ version: 0, publishedAt: at.toISOString() });
    expect(await publication(id)).toBeUndefined();

    await act(id, { action: 'unschedule' });
    const b = await row(id);
    expect(b).toMatchObject({ status: 'approved', scheduleJobId: null, scheduledAt: null });
    expect((await job(a.scheduleJobId)).state).toBe('cancelled');
    expect((await outbox(id)).map((e) => e.type)).toEqual(['article.scheduled', 'article.unscheduled']);
    expect((await events(id)).map((e) => e.action)).toEqual(['schedule', 'unschedule']);
  });

  it('publish: the article goes live; publication, its version, embargo and expiry jobs, outbox document', async () => {
    const id = await draft();
    const embargoUntil = later(HOUR);
    const expiresAt = later(2 * HOUR);
    await act(id, { action: 'publish', embargoUntil, expiresAt });
    const a = await row(id);
    expect(a.status).toBe('published');
    expect(a.publishedVersion).toBe(a.version);
    expect(a.firstPublishedAt).not.toBeNull();
    expect(await job(a.embargoJobId)).toMatchObject({
      name: EMBARGO_QUEUE,
      state: 'created',
      start_after: embargoUntil,
    });
    expect(await job(a.expireJobId)).toMatchObject({
      name: EXPIRE_QUEUE,
      state: 'created',
      start_after: expiresAt,
    });
    const pub = await publication(id);
    expect(pub).toMatchObject({ status: 'live', version: 1, embargo_until: embargoUntil });
    expect(pub.document.headline).toMatch(/^Service tier/);
    expect(await publicationVersions(id)).toEqual([
      { version: 1, status: 'live', change: 'publish', article_version: a.version },
    ]);
    const [published] = await outbox(id);
    expect(published.type).toBe('article.published');
    expect(published.payload.document).toEqual(pub.document);
    expect((await events(id))[0].data.publishedVersion).toBe(a.version);
    expect(await audits(id)).toContain('article.publish');
  });

  it('publish again: update, correction and clarification each render a new public version and event', async () => {
    const id = await draft();
    await act(id, { action: 'publish' });
    await refused(act(id, { action: 'publish' }), 'BAD_REQUEST');
    await refused(act(id, { action: 'publish', change: 'correction' }), 'BAD_REQUEST');
    await act(id, { action: 'publish', change: 'update' });
    await act(id, { action: 'publish', change: 'correction', notice: 'The date was wrong.' });
    await act(id, { action: 'publish', change: 'clarification', notice: 'The source is the ministry.' });
    expect((await outbox(id)).map((e) => e.type)).toEqual([
      'article.published',
      'article.updated',
      'article.corrected',
      'article.clarified',
    ]);
    expect((await publicationVersions(id)).map((v) => v.change)).toEqual([
      'publish',
      'update',
      'correction',
      'clarification',
    ]);
    expect(await notices(id)).toEqual([
      { kind: 'correction', text: 'The date was wrong.', public: true },
      { kind: 'clarification', text: 'The source is the ministry.', public: true },
    ]);
    const pub = await publication(id);
    expect(pub.version).toBe(4);
    expect(pub.document.notices?.map((n) => n.kind)).toEqual(['correction', 'clarification']);
  });

  it('publish by the scheduler: only with the current job, recording the approved version it checked', async () => {
    const id = await draft();
    await act(id, { action: 'schedule', at: later(HOUR) });
    const { scheduleJobId, version } = await row(id);
    await refused(actAsJob(id, 'publish', '00000000-0000-4000-8000-000000000000'), 'CONFLICT');
    await actAsJob(id, 'publish', scheduleJobId);
    const a = await row(id);
    expect(a).toMatchObject({
      status: 'published',
      scheduleJobId: null,
      scheduledAt: null,
      updatedById: null,
    });
    // The running job is not cancelled by its own run.
    expect((await job(scheduleJobId)).state).toBe('created');
    const last = (await events(id)).at(-1)!;
    expect(last).toMatchObject({ action: 'publish', actor_id: null });
    expect(last.data.approvedVersion).toBe(version);
    expect((await publication(id)).status).toBe('live');
    expect((await outbox(id)).at(-1)).toMatchObject({ type: 'article.published', actor_id: null });
  });

  it('unpublish by an editor: cancels the expiry and embargo jobs, drops the expiry, publication unpublished', async () => {
    const id = await draft();
    await act(id, { action: 'publish', embargoUntil: later(HOUR), expiresAt: later(2 * HOUR) });
    const { embargoJobId, expireJobId, version } = await row(id);
    await act(id, { action: 'unpublish' });
    const a = await row(id);
    expect(a).toMatchObject({
      status: 'unpublished',
      expireJobId: null,
      embargoJobId: null,
      expiresAt: null,
    });
    // Content-neutral: the unpublished copy is still the one that was public.
    expect(a.publishedVersion).toBe(version + 1);
    expect((await job(embargoJobId)).state).toBe('cancelled');
    expect((await job(expireJobId)).state).toBe('cancelled');
    const pub = await publication(id);
    expect(pub).toMatchObject({ status: 'unpublished', version: 2 });
    expect(pub.document.status).toBe('unpublished');
    expect((await publicationVersions(id)).map((v) => [v.status, v.change])).toEqual([
      ['live', 'publish'],
      ['unpublished', 'unpublish'],
    ]);
    expect((await outbox(id)).at(-1)!.type).toBe('article.unpublished');
  });

  it('unpublish by the expiry job: keeps the expiry on record', async () => {
    const id = await draft();
    const expiresAt = later(HOUR);
    await act(id, { action: 'publish', expiresAt });
    const { expireJobId } = await row(id);
    await actAsJob(id, 'unpublish', expireJobId);
    const a = await row(id);
    expect(a).toMatchObject({ status: 'unpublished', expireJobId: null, expiresAt });
    expect((await job(expireJobId)).state).toBe('created');
    expect((await publication(id)).status).toBe('unpublished');
    expect((await outbox(id)).at(-1)).toMatchObject({ type: 'article.unpublished', actor_id: null });
  });

  it('kill: cancels every job, a public kill notice, the publication becomes the kill document', async () => {
    const id = await draft();
    await act(id, { action: 'publish', embargoUntil: later(HOUR), expiresAt: later(2 * HOUR) });
    const { embargoJobId, expireJobId } = await row(id);
    await refused(act(id, { action: 'kill' }), 'BAD_REQUEST');
    await act(id, { action: 'kill', reason: 'Legal' });
    const a = await row(id);
    expect(a).toMatchObject({ status: 'killed', embargoJobId: null, expireJobId: null, scheduleJobId: null });
    expect((await job(embargoJobId)).state).toBe('cancelled');
    expect((await job(expireJobId)).state).toBe('cancelled');
    expect(await notices(id)).toEqual([{ kind: 'kill', text: 'Legal', public: true }]);
    const pub = await publication(id);
    expect(pub).toMatchObject({ status: 'killed', version: 2 });
    expect(pub.document.status).toBe('killed');
    const killed = (await outbox(id)).at(-1)!;
    expect(killed.type).toBe('article.killed');
    expect(killed.payload.notice).toMatchObject({ kind: 'kill', text: 'Legal' });
  });

  it('kill of a scheduled article never public: cancels the publish job, writes no publication', async () => {
    const id = await draft();
    await act(id, { action: 'schedule', at: later(HOUR) });
    const { scheduleJobId } = await row(id);
    await act(id, { action: 'kill', reason: 'Withdrawn by the source' });
    expect(await row(id)).toMatchObject({ status: 'killed', scheduleJobId: null, scheduledAt: null });
    expect((await job(scheduleJobId)).state).toBe('cancelled');
    expect(await publication(id)).toBeUndefined();
    expect((await outbox(id)).map((e) => e.type)).toEqual(['article.scheduled', 'article.killed']);
  });

  it('spike and unspike: state and history only', async () => {
    const id = await draft();
    await act(id, { action: 'spike' });
    expect((await row(id)).status).toBe('spiked');
    await act(id, { action: 'unspike' });
    expect((await row(id)).status).toBe('draft');
    expect((await events(id)).map((e) => [e.action, e.from_status, e.to_status])).toEqual([
      ['spike', 'draft', 'spiked'],
      ['unspike', 'spiked', 'draft'],
    ]);
    expect(await outbox(id)).toEqual([]);
    expect(await audits(id)).toEqual(['article.create', 'article.spike', 'article.unspike']);
  });

  it('lift_embargo early: needs a reason, cancels the lift job, re-renders with the embargo ended now', async () => {
    const id = await draft();
    const embargoUntil = later(HOUR);
    await act(id, { action: 'publish', embargoUntil });
    const { embargoJobId } = await row(id);
    await refused(act(id, { action: 'lift_embargo' }), 'BAD_REQUEST');
    const before = Date.now();
    await act(id, { action: 'lift_embargo', reason: 'The ministry released it' });
    const a = await row(id);
    expect(a.status).toBe('published');
    expect(a.embargoJobId).toBeNull();
    expect(a.embargoUntil!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(a.embargoUntil!.getTime()).toBeLessThan(embargoUntil.getTime());
    expect((await job(embargoJobId)).state).toBe('cancelled');
    expect(await notices(id)).toEqual([
      { kind: 'embargo_lift', text: 'The ministry released it', public: false },
    ]);
    const pub = await publication(id);
    expect(pub).toMatchObject({ status: 'live', version: 2, embargo_until: a.embargoUntil });
    const lifted = (await outbox(id)).at(-1)!;
    expect(lifted.type).toBe('article.embargo_lifted');
    expect(lifted.payload).toMatchObject({ early: true, embargoUntil: embargoUntil.toISOString() });
    // No embargo left to lift: the table's condition refuses it.
    await refused(act(id, { action: 'lift_embargo', reason: 'again' }), 'INVALID_TRANSITION');
  });

  it('lift_embargo by its job: only the event, the publication is left alone', async () => {
    const id = await draft();
    const embargoUntil = later(HOUR);
    await act(id, { action: 'publish', embargoUntil });
    const { embargoJobId } = await row(id);
    await actAsJob(id, 'lift_embargo', embargoJobId);
    expect(await row(id)).toMatchObject({ status: 'published', embargoJobId: null, embargoUntil });
    expect((await publication(id)).version).toBe(1);
    const lifted = (await outbox(id)).at(-1)!;
    expect(lifted).toMatchObject({ type: 'article.embargo_lifted', actor_id: null });
    expect(lifted.payload).toMatchObject({ early: false, embargoUntil: embargoUntil.toISOString() });
  });

  it('the scheduler does nothing for a job the article no longer waits for', async () => {
    const id = await draft();
    await act(id, { action: 'schedule', at: later(HOUR) });
    const { scheduleJobId } = await row(id);
    await act(id, { action: 'unschedule' });
    const before = await row(id);
    await app.get(PublishingScheduler).runScheduledJob('system', PUBLISH_QUEUE, id, scheduleJobId!);
    expect(await row(id)).toMatchObject({ status: 'approved', version: before.version });
    expect((await events(id)).map((e) => e.action)).toEqual(['schedule', 'unschedule']);
  });

  it('projector: a re-render writes the next public version from the published snapshot', async () => {
    const id = await draft();
    await act(id, { action: 'publish' });
    const projector = app.get(PublicationProjector);
    const first = await publication(id);
    const document = await ds.transaction(async (em) => {
      const a = await em.findOneByOrFail(Article, { id });
      return projector.project(
        em,
        a,
        await projector.publishedSnapshot(em, a),
        'live',
        'rerender',
        new Date(),
      );
    });
    expect(document.version).toBe(2);
    const pub = await publication(id);
    expect(pub).toMatchObject({ status: 'live', version: 2 });
    expect(pub.document).toEqual(JSON.parse(JSON.stringify(document)));
    expect(pub.document.headline).toBe(first.document.headline);
    expect((await publicationVersions(id)).map((v) => v.change)).toEqual(['publish', 'rerender']);
    // The projector records nothing else: the transition owns history and the outbox.
    expect(await outbox(id)).toHaveLength(1);
  });

  it('projector: unpublished keeps the last live document with the new status', async () => {
    const id = await draft();
    await act(id, { action: 'publish' });
    const live = await publication(id);
    await ds.transaction(async (em) => {
      const a = await em.findOneByOrFail(Article, { id });
      await app
        .get(PublicationProjector)
        .project(
          em,
          a,
          await app.get(PublicationProjector).publishedSnapshot(em, a),
          'unpublished',
          'unpublish',
          new Date(),
        );
    });
    const pub = await publication(id);
    expect(pub.status).toBe('unpublished');
    expect({ ...pub.document, status: 'live', version: 1, updatedAt: null }).toEqual({
      ...live.document,
      updatedAt: null,
    });
  });

  it('re-render (scheduler job): the live publications showing a tag get a new version, event and audit by the system', async () => {
    const tag = await ds
      .getRepository(Tag)
      .save({ name: `Tag ${uniq()}`, slug: uniq('tag-'), kind: 'topic' });
    const shown = (
      await app.get(ArticlesService).create(editor, {
        headline: `Tagged ${uniq()} story from Astana`,
        body: '<p>Body.</p>',
        tags: [tag.id],
      })
    ).id;
    const other = await draft();
    await act(shown, { action: 'publish' });
    await act(other, { action: 'publish' });
    await ds.query('UPDATE tag SET name = $2 WHERE id = $1', [tag.id, 'Renamed tag']);

    expect(await app.get(PublishingScheduler).rerender('system', { tagId: tag.id })).toBe(1);
    const pub = await publication(shown);
    expect(pub.version).toBe(2);
    expect(pub.document.tags).toEqual([expect.objectContaining({ id: tag.id, name: 'Renamed tag' })]);
    expect((await publicationVersions(shown)).map((v) => v.change)).toEqual(['publish', 'rerender']);
    const updated = (await outbox(shown)).at(-1)!;
    expect(updated).toMatchObject({ type: 'article.updated', actor_id: null });
    expect(updated.payload).toMatchObject({ rerender: true, document: { version: 2 } });
    const [audit] = await ds.query<{ actor_id: string | null }[]>(
      `SELECT actor_id FROM audit_log WHERE entity_id = $1 AND action = 'article.rerender'`,
      [shown],
    );
    expect(audit).toEqual({ actor_id: null });
    // The article's own version does not move: a re-render is not an edit.
    expect((await row(shown)).version).toBe(2);
    expect((await publication(other)).version).toBe(1);
  });

  it('document schema: live documents stored in an older schema are re-rendered by the job sent after start-up', async () => {
    const id = await draft();
    await act(id, { action: 'publish' });
    const jobs = app.get(PublishingJobs);
    // Nothing outdated: nothing is sent.
    await ds.query('UPDATE publication SET document_schema = $1 WHERE document_schema < $1', [
      PUBLIC_DOCUMENT_SCHEMA,
    ]);
    expect(await jobs.onApplicationBootstrap()).toBeNull();
    // A document written by an older release, without a field the current shape has.
    await ds.query(
      `UPDATE publication SET document_schema = $2, document = document - 'notices' WHERE article_id = $1`,
      [id, PUBLIC_DOCUMENT_SCHEMA - 1],
    );
    expect(await jobs.onApplicationBootstrap()).toEqual(expect.any(String));
    const pub = await waitFor(
      async () => {
        const [row] = await ds.query<{ document_schema: number; version: number; document: Doc }[]>(
          'SELECT document_schema, version, document FROM publication WHERE article_id = $1',
          [id],
        );
        return row.document_schema === PUBLIC_DOCUMENT_SCHEMA && row;
      },
      30_000,
      'the re-render of the outdated document',
    );
    expect(pub.version).toBe(2);
    expect(pub.document.notices).toEqual([]);
    expect((await publicationVersions(id)).map((v) => v.change)).toEqual(['publish', 'rerender']);
  });

  it('document schema: the start-up check probes the live-schema index instead of reading every live row', async () => {
    // This database is small, so the planner would read the table anyway; with sequential scans off it shows
    // whether the query can use the index at all (a partial index serves only queries that imply its WHERE).
    const plan = await ds.transaction(async (em) => {
      await em.query('SET LOCAL enable_seqscan = off');
      const [row] = await em.query<{ 'QUERY PLAN': unknown }[]>(
        `EXPLAIN (FORMAT JSON) ${OUTDATED_DOCUMENTS_SQL}`,
        [PUBLIC_DOCUMENT_SCHEMA],
      );
      return JSON.stringify(row['QUERY PLAN']);
    });
    expect(plan).toContain('"Index Name":"publication_live_schema_idx"');
    expect(plan).not.toContain('"Node Type":"Seq Scan"');
  });

  it('every action of the workflow table was exercised above', () => {
    expect([...exercised].sort()).toEqual([...WORKFLOW_ACTIONS].sort());
  });
});
