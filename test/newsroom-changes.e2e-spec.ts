import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type Client, asAdmin, bootApp, client, staff, uniq, waitFor } from './helpers';
import { requireConcurrentPostgres } from './race-guard';

interface Change {
  seq: string;
  action: string;
  entityType: string;
  entityId: string;
  version: number | null;
  at: string;
}
interface Feed {
  data: Change[];
  meta: { last: string };
}
interface ArticleBody {
  id: string;
  version: number;
}

const ifMatch = (v: number) => ({ 'if-match': `"${v}"` });
const ascending = (seqs: bigint[]) => seqs.every((s, i) => i === 0 || seqs[i - 1] < s);

describe('newsroom changes feed (e2e)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let writer: Client;
  let editor: Client;

  const feed = async (c: Client, query = ''): Promise<Feed> => {
    const res = await c.get(`/api/v1/newsroom/changes${query}`);
    if (res.statusCode !== 200) throw new Error(`changes${query}: ${res.statusCode} ${res.body}`);
    return res.json<Feed>();
  };
  const draft = async (): Promise<ArticleBody> => {
    const res = await writer.post('/api/v1/articles', {
      headline: `Changes ${uniq()}`,
      body: '<p>Text.</p>',
    });
    if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`);
    return res.json<ArticleBody>();
  };
  const act = async (c: Client, a: ArticleBody, body: Record<string, unknown>): Promise<ArticleBody> => {
    const res = await c.post(`/api/v1/articles/${a.id}/transitions`, body, ifMatch(a.version));
    if (res.statusCode !== 200) throw new Error(`${String(body.action)}: ${res.statusCode} ${res.body}`);
    return res.json<ArticleBody>();
  };
  const edit = async (c: Client, a: ArticleBody, body: Record<string, unknown>): Promise<ArticleBody> => {
    const res = await c.patch(`/api/v1/articles/${a.id}`, body, ifMatch(a.version));
    if (res.statusCode !== 200) throw new Error(`edit: ${res.statusCode} ${res.body}`);
    return res.json<ArticleBody>();
  };
  const about = (page: Feed, ...ids: string[]) => page.data.filter((c) => ids.includes(c.entityId));
  // The feed holds back positions past a gap younger than GAP_SETTLE_SECONDS (a transaction elsewhere in
  // the shared database, e.g. one an earlier file rolled back, may still commit into it): read it as a
  // client does, again until what this test wrote has come through.
  const settled = (c: Client, query: string, ready: (page: Feed) => boolean) =>
    waitFor(
      async () => {
        const page = await feed(c, query);
        return ready(page) && page;
      },
      20_000,
      `the changes feed to show ${query}`,
    );

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    writer = await staff(app, 'writer');
    editor = await staff(app, 'editor');
  });
  afterAll(async () => {
    await app?.close();
  });

  it("should list a draft's edit, submit, approve and return in order, each to the other user, with the version it left", async () => {
    const start = await feed(writer);
    expect(start.data).toEqual([]);
    expect(start.meta.last).toMatch(/^\d+$/);

    // None of these is public: the outbox has no event for any of them.
    const created = await draft();
    const edited = await edit(writer, created, { headline: `Edited ${uniq()}` });
    const submitted = await act(writer, edited, { action: 'submit' });
    const approved = await act(editor, submitted, { action: 'approve' });
    const returned = await act(editor, approved, { action: 'return', comment: 'Add the other side' });

    // The editor sees the writer's work, the writer the editor's decisions: one feed, any staff role.
    const seenByEditor = await settled(
      editor,
      `?after=${start.meta.last}`,
      (p) => about(p, created.id).length >= 5,
    );
    const seenByWriter = await feed(writer, `?after=${start.meta.last}`);
    expect(seenByWriter).toEqual(seenByEditor);
    expect(about(seenByEditor, created.id).map((c) => [c.action, c.entityType, c.version])).toEqual([
      ['article.create', 'article', created.version],
      ['article.update', 'article', edited.version],
      ['article.submit', 'article', submitted.version],
      ['article.approve', 'article', approved.version],
      ['article.return', 'article', returned.version],
    ]);
    const seqs = seenByEditor.data.map((c) => BigInt(c.seq));
    expect(ascending(seqs)).toBe(true);
    expect(seqs[0]).toBeGreaterThan(BigInt(start.meta.last));
    expect(seenByEditor.meta.last).toBe(seenByEditor.data.at(-1)!.seq);
    for (const c of seenByEditor.data) expect(new Date(c.at).toISOString()).toBe(c.at);
    const outbox = await ds.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM event WHERE article_id = $1',
      [created.id],
    );
    expect(outbox[0].n).toBe(0);

    // Nothing new: the same position back, and the position without after has moved on to it.
    expect(await feed(editor, `?after=${seenByEditor.meta.last}`)).toEqual({
      data: [],
      meta: { last: seenByEditor.meta.last },
    });
    expect((await feed(editor)).meta.last).toBe(seenByEditor.meta.last);
  });

  it('should list publishing too, and tags, but pass over the admins’ changes to users and API keys', async () => {
    const admin = await asAdmin(app);
    const start = await feed(editor);
    const user = await admin.post('/api/v1/users', {
      email: `${uniq('hidden')}@dateline.test`,
      name: 'Hidden change',
      role: 'writer',
      password: 'staff-password-123',
    });
    expect(user.statusCode).toBe(201);
    const key = await admin.post('/api/v1/api-keys', { name: `Hidden ${uniq()}`, scopes: ['content:read'] });
    expect(key.statusCode).toBe(201);
    const tag = await editor.post('/api/v1/tags', { name: `Changes tag ${uniq()}`, kind: 'topic' });
    expect(tag.statusCode).toBe(201);
    const published = await act(editor, await draft(), { action: 'publish' });

    const page = await settled(
      writer,
      `?after=${start.meta.last}`,
      (p) => about(p, tag.json<{ id: string }>().id, published.id).length >= 3,
    );
    const ids = [user.json<{ id: string }>().id, key.json<{ id: string }>().id];
    expect(page.data.filter((c) => ids.includes(c.entityId))).toEqual([]);
    expect(page.data.map((c) => c.entityType)).not.toContain('user');
    expect(page.data.map((c) => c.entityType)).not.toContain('api_key');
    expect(about(page, tag.json<{ id: string }>().id, published.id).map((c) => c.action)).toEqual([
      'tag.create',
      'article.create',
      'article.publish',
    ]);
    // The hidden rows came first, yet the first page starts with the tag: paging walks over them.
    const first = await feed(writer, `?after=${start.meta.last}&limit=1`);
    expect(first.data.map((c) => c.action)).toEqual(['tag.create']);
    expect(BigInt(first.meta.last)).toBeGreaterThan(BigInt(start.meta.last) + 2n);
  });

  it('should page with limit: each page starts after the last one', async () => {
    const start = await feed(editor);
    let a = await act(editor, await draft(), { action: 'publish' });
    a = await act(editor, a, { action: 'publish', change: 'update' });
    await act(editor, a, { action: 'unpublish' });
    await settled(writer, `?after=${start.meta.last}&limit=500`, (p) => about(p, a.id).length >= 4);
    const seen: string[] = [];
    let after = start.meta.last;
    for (let i = 0; i < 4; i++) {
      const page = await feed(writer, `?after=${after}&limit=1`);
      expect(page.data).toHaveLength(1);
      // The position is the row shown or, past it, hidden rows written meanwhile (other files' background
      // work in the shared database, e.g. a job changing a user): never before the row shown.
      expect(BigInt(page.meta.last)).toBeGreaterThanOrEqual(BigInt(page.data[0].seq));
      seen.push(page.data[0].action);
      after = page.meta.last;
    }
    expect(seen).toEqual([
      'article.create',
      'article.publish',
      'article.publish.update',
      'article.unpublish',
    ]);
    const all = await feed(writer, `?after=${start.meta.last}&limit=500`);
    expect(all.data.map((c) => c.action)).toEqual(seen);
  });

  it('should keep positions in numeric order where they gain a digit (…998, 999, 1000…)', async () => {
    const start = await feed(editor);
    // The next positions cross to one more digit; the numbers skipped form a gap, dated back below so that it
    // counts as settled.
    const next = 10n ** BigInt(start.meta.last.length + 1) - 1n;
    await ds.query(`SELECT setval(pg_get_serial_sequence('audit_log', 'seq'), $1::bigint)`, [
      (next - 1n).toString(),
    ]);
    let a = await draft();
    a = await edit(writer, a, { summary: 'One' });
    await edit(writer, a, { summary: 'Two' });
    await ds.query(`UPDATE audit_log SET at = at - interval '1 minute' WHERE seq > $1::bigint`, [
      start.meta.last,
    ]);
    const page = await feed(writer, `?after=${start.meta.last}`);
    expect(page.data.map((c) => [c.seq, c.action])).toEqual([
      [next.toString(), 'article.create'],
      [(next + 1n).toString(), 'article.update'],
      [(next + 2n).toString(), 'article.update'],
    ]);
    expect((await feed(writer, `?after=${next.toString()}&limit=1`)).data[0].seq).toBe(
      (next + 1n).toString(),
    );
  });

  it('should stop before a change whose transaction has not committed, and deliver it once it has', async () => {
    await requireConcurrentPostgres(app);
    const start = await feed(editor);
    const open = ds.createQueryRunner();
    await open.connect();
    try {
      await open.startTransaction();
      // Takes the next seq and stays uncommitted; its time is in the future so it counts as fresh however
      // slowly this test runs.
      const [{ seq, entity_id: held }] = (await open.query(
        `INSERT INTO audit_log (action, entity_type, entity_id, details, at)
         VALUES ('tag.update', 'tag', gen_random_uuid()::text, '{}', now() + interval '1 hour')
         RETURNING seq::text AS seq, entity_id`,
      )) as { seq: string; entity_id: string }[];
      const later = await draft();
      const waiting = await feed(writer, `?after=${start.meta.last}`);
      expect(waiting.data).toEqual([]);
      expect(waiting.meta.last).toBe(start.meta.last);
      expect((await feed(writer)).meta.last).toBe(start.meta.last);
      await open.commitTransaction();
      // Its time back to an ordinary one, for whoever reads the audit log after this file.
      await ds.query('UPDATE audit_log SET at = now() WHERE seq = $1::bigint', [seq]);
      const page = await feed(writer, `?after=${start.meta.last}`);
      expect(page.data.map((c) => [c.action, c.entityId])).toEqual([
        ['tag.update', held],
        ['article.create', later.id],
      ]);
    } finally {
      if (open.isTransactionActive) await open.rollbackTransaction();
      await open.release();
    }
  });

  it('should refuse bad positions and limits with 400 in the one error shape, and anonymous callers with 401', async () => {
    for (const q of [
      '?after=abc',
      '?after=-1',
      '?after=1.5',
      '?limit=0',
      '?limit=501',
      '?limit=x',
      '?after=1&limit=-3',
    ]) {
      const res = await writer.get(`/api/v1/newsroom/changes${q}`);
      expect({ q, status: res.statusCode }).toEqual({ q, status: 400 });
      expect(res.json()).toMatchObject({
        statusCode: 400,
        code: expect.any(String),
        message: expect.any(String),
      });
    }
    expect((await writer.get('/api/v1/newsroom/changes?after=0&limit=500')).statusCode).toBe(200);
    expect((await client(app).get('/api/v1/newsroom/changes')).statusCode).toBe(401);
  });
});
