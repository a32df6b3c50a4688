import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type Client, asAdmin, bootApp, client, login, staff, waitFor } from './helpers';
import { CONTENT, type Story, createTag, eventually, published } from './content-api.helpers';
import { createKey, createPartner } from './partners.helpers';
import { requireConcurrentPostgres } from './race-guard';

// An advisory is opened in the transaction of the kill: after a crash, it exists if and only if the kill
// committed. Checked with a server process killed in the middle of a kill, and with a kill whose
// transaction fails right after the advisory row was written; then the application restarts.

const STAFF_PASSWORD = 'staff-password-123';

/** The application in a child process on the same database, listening on a free port. */
async function startServer(): Promise<{ proc: ChildProcessWithoutNullStreams; url: string }> {
  const proc = spawn(process.execPath, [path.join(__dirname, 'app-process.cjs')], { env: process.env });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /^LISTENING (\d+)$/m.exec(out);
      if (m) resolve(m[1]);
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
  });
  return { proc, url: `http://127.0.0.1:${port}` };
}

describe('partners: a crash during a kill (e2e)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let editor: Client;
  let editorEmail: string;
  let partnerId: string;

  /** A fresh application on the same database, as after a restart. */
  async function restart(): Promise<void> {
    await app.close();
    app = await bootApp();
    ds = app.get(DataSource);
    editor = await login(app, editorEmail, STAFF_PASSWORD);
  }

  /** A story the partner received (fetched with its key), published and on record. */
  async function receivedStory(): Promise<Story> {
    const tag = await createTag(await asAdmin(app));
    const s = await published(editor, { tags: [tag.id] });
    const key = await createKey(await asAdmin(app));
    const admin = await asAdmin(app);
    const res = await admin.get(`/api/v1/partners/${partnerId}`);
    const partner = res.json<{ version: number; apiKeyIds: string[] }>();
    const linked = await admin.patch(
      `/api/v1/partners/${partnerId}`,
      { apiKeyIds: [...partner.apiKeyIds, key.id] },
      { 'if-match': `"${partner.version}"` },
    );
    expect(linked.statusCode).toBe(200);
    expect(
      (await client(app).get(`${CONTENT}/articles/${s.slug}`, { 'x-api-key': key.key })).statusCode,
    ).toBe(200);
    await waitFor(
      async () =>
        (
          await ds.query('SELECT 1 FROM partner_delivery WHERE partner_id = $1 AND article_id = $2', [
            partnerId,
            s.id,
          ])
        ).length > 0,
      30_000,
      'the pull on record',
    );
    return s;
  }

  /** What the database holds about the story's kill. */
  /**
   * The story's rows and what the Content API answers for it. `read` is the answer once it is `settled`
   * (or after 5 s): the test's app hears of a kill by the change notification, a few milliseconds after
   * the commit, and may answer from its read cache until then.
   */
  async function killState(articleId: string, settled: 200 | 410) {
    const [article] = await ds.query<{ status: string }[]>('SELECT status FROM article WHERE id = $1', [
      articleId,
    ]);
    const [{ events }] = await ds.query<{ events: number }[]>(
      `SELECT count(*)::int AS events FROM event WHERE article_id = $1 AND type = 'article.killed'`,
      [articleId],
    );
    const advisories = await ds.query<{ id: string; partner_id: string }[]>(
      // This file's partner only: partners left by other files in the run's database may have received it too.
      'SELECT id, partner_id FROM partner_advisory WHERE article_id = $1 AND partner_id = $2',
      [articleId, partnerId],
    );
    const [{ jobs }] = await ds.query<{ jobs: number }[]>(
      `SELECT count(*)::int AS jobs FROM pgboss.job WHERE name = 'partner-advisory-resend'
          AND data ->> 'advisoryId' = ANY($1::text[])`,
      [advisories.map((a) => a.id)],
    );
    const url = `${CONTENT}/articles/${(await editor.get(`/api/v1/articles/${articleId}`)).json<{ slug: string }>().slug}`;
    const read = await eventually(
      () => client(app).get(url),
      (r) => r.statusCode === settled,
      5_000,
    );
    return {
      status: article.status,
      events,
      advisories: advisories.map((a) => a.partner_id),
      jobs,
      read: read.statusCode,
    };
  }

  const kill = (s: Story) =>
    editor.post(
      `/api/v1/articles/${s.id}/transitions`,
      { action: 'kill', reason: 'Withdrawn' },
      {
        'if-match': `"${s.version}"`,
      },
    );

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    await requireConcurrentPostgres(app);
    const e = await staff(app, 'editor');
    editor = e;
    editorEmail = e.user.email;
    partnerId = (await createPartner(await asAdmin(app))).id;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('should leave no advisory after the server dies in the middle of a kill, and open it when a kill commits', async () => {
    const s = await receivedStory();
    const server = await startServer();
    const blocker = ds.createQueryRunner();
    await blocker.connect();
    try {
      // Holding the partner's row makes the kill's advisory insert (its foreign key) wait: by then the kill
      // has changed the article, the publication and the outbox in its transaction.
      await blocker.startTransaction();
      await blocker.query('SELECT 1 FROM partner WHERE id = $1 FOR UPDATE', [partnerId]);
      const pending = fetch(`${server.url}/api/v1/articles/${s.id}/transitions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${editor.token}`,
          'content-type': 'application/json',
          'if-match': `"${s.version}"`,
        },
        body: JSON.stringify({ action: 'kill', reason: 'Withdrawn' }),
      }).catch(() => null);
      const [{ pid }] = await waitFor(
        async () => {
          const rows = await ds.query<{ pid: number }[]>(
            `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO partner_advisory%'`,
          );
          return rows.length > 0 ? rows : undefined;
        },
        60_000,
        'the kill to wait at the advisory insert',
      );
      const exited = new Promise((resolve) => server.proc.once('exit', resolve));
      server.proc.kill('SIGKILL');
      await exited;
      await blocker.rollbackTransaction();
      // The dead server's session ends without a commit.
      await waitFor(
        async () => (await ds.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length === 0,
        30_000,
        'the dead session to end',
      );
      expect(await pending).toBeNull();
    } finally {
      if (blocker.isTransactionActive) await blocker.rollbackTransaction();
      await blocker.release();
      if (server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill('SIGKILL');
    }

    await restart();
    expect(await killState(s.id, 200)).toEqual({
      status: 'published',
      events: 0,
      advisories: [],
      jobs: 0,
      read: 200,
    });

    expect((await kill(s)).statusCode).toBe(200);
    await restart();
    expect(await killState(s.id, 410)).toEqual({
      status: 'killed',
      events: 1,
      advisories: [partnerId],
      jobs: 1,
      read: 410,
    });
  });

  it('should leave no advisory when the kill’s transaction fails after writing it', async () => {
    const s = await receivedStory();
    await ds.query(`
      CREATE FUNCTION test_fail_after_advisory() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.article_id = '${s.id}' THEN RAISE EXCEPTION 'injected failure after the advisory insert'; END IF;
        RETURN NULL;
      END $$`);
    await ds.query(`CREATE TRIGGER test_fail_after_advisory AFTER INSERT ON partner_advisory
      FOR EACH ROW EXECUTE FUNCTION test_fail_after_advisory()`);
    try {
      expect((await kill(s)).statusCode).toBe(500);
    } finally {
      await ds.query('DROP TRIGGER test_fail_after_advisory ON partner_advisory');
      await ds.query('DROP FUNCTION test_fail_after_advisory()');
    }
    await restart();
    expect(await killState(s.id, 200)).toEqual({
      status: 'published',
      events: 0,
      advisories: [],
      jobs: 0,
      read: 200,
    });
    expect((await kill(s)).statusCode).toBe(200);
    expect(await killState(s.id, 410)).toEqual({
      status: 'killed',
      events: 1,
      advisories: [partnerId],
      jobs: 1,
      read: 410,
    });
  });
});
