import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type Client, bootApp, client, staff, uniq } from './helpers';
import { requireConcurrentPostgres } from './race-guard';

interface Change {
  seq: string;
  type: string;
  articleId: string | null;
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
  const act = async (a: ArticleBody, body: Record<string, unknown>): Promise<ArticleBody> => {
    const res = await editor.post(`/api/v1/articles/${a.id}/transitions`, body, ifMatch(a.version));
    if (res.statusCode !== 200) throw new Error(`${String(body.action)}: ${res.statusCode} ${res.body}`);
    return res.json<ArticleBody>();
  };

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    writer = await staff(app, 'writer');
    editor = await staff(app, 'editor');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('should answer only the current position without after, then every event after it oldest first, drafts included', async () => {
    const start = await feed(writer);
    expect(start.data).toEqual([]);
    expect(start.meta.last).toMatch(/^\d+$/);

    const scheduled = await act(await draft(), { action: 'schedule', at: new Date(Date.now() + 86_400_000) });
    let published = await act(await draft(), { action: 'publish' });
    published = await act(published, { action: 'unpublish' });

    // Any staff role may read it; the scheduling of a never-published draft is there too.
    const page = await feed(writer, `?after=${start.meta.last}`);
    expect(page.data.map((c) => [c.type, c.articleId, c.version])).toEqual([
      ['article.scheduled', scheduled.id, scheduled.version],
      ['article.published', published.id, published.version - 1],
      ['article.unpublished', published.id, published.version],
    ]);
    const seqs = page.data.map((c) => BigInt(c.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(seqs[0]).toBeGreaterThan(BigInt(start.meta.last));
    expect(page.meta.last).toBe(page.data[2].seq);
    for (const c of page.data) expect(new Date(c.at).toISOString()).toBe(c.at);
    // The Content API's feed does not show the draft's scheduling.
    const content = await client(app).get(`/api/v1/content/changes?since=${start.meta.last}`);
    expect(content.json<{ data: { id: string }[] }>().data.map((c) => c.id)).not.toContain(scheduled.id);

    // Nothing new: the same position back, and the position without after has moved on to it.
    expect(await feed(editor, `?after=${page.meta.last}`)).toEqual({
      data: [],
      meta: { last: page.meta.last },
    });
    expect((await feed(editor)).meta.last).toBe(page.meta.last);
  });

  it('should page with limit: each page starts after the last one', async () => {
    const start = await feed(editor);
    let a = await act(await draft(), { action: 'publish' });
    a = await act(a, { action: 'publish', change: 'update' });
    await act(a, { action: 'unpublish' });
    const seen: string[] = [];
    let after = start.meta.last;
    for (let i = 0; i < 3; i++) {
      const page = await feed(writer, `?after=${after}&limit=1`);
      expect(page.data).toHaveLength(1);
      expect(page.meta.last).toBe(page.data[0].seq);
      seen.push(page.data[0].type);
      after = page.meta.last;
    }
    expect(seen).toEqual(['article.published', 'article.updated', 'article.unpublished']);
    const all = await feed(writer, `?after=${start.meta.last}&limit=500`);
    expect(all.data.map((c) => c.type)).toEqual(seen);
  });

  it('should stop before an event whose transaction has not committed, and deliver it once it has', async () => {
    await requireConcurrentPostgres(app);
    const start = await feed(editor);
    const open = ds.createQueryRunner();
    await open.connect();
    try {
      await open.startTransaction();
      // Takes the next seq and stays uncommitted; its time is in the future so it counts as fresh however
      // slowly this test runs.
      const [{ seq }] = (await open.query(
        `INSERT INTO event (type, article_id, version, payload, occurred_at)
         VALUES ('article.updated', NULL, NULL, '{}', now() + interval '1 hour') RETURNING seq::text AS seq`,
      )) as { seq: string }[];
      const later = await act(await draft(), { action: 'publish' });
      const held = await feed(writer, `?after=${start.meta.last}`);
      expect(held.data).toEqual([]);
      expect(held.meta.last).toBe(start.meta.last);
      expect((await feed(writer)).meta.last).toBe(start.meta.last);
      await open.commitTransaction();
      // Its time back to an ordinary one, for whoever reads the outbox after this file.
      await ds.query('UPDATE event SET occurred_at = now() WHERE seq = $1::bigint', [seq]);
      const page = await feed(writer, `?after=${start.meta.last}`);
      expect(page.data.map((c) => [c.type, c.articleId])).toEqual([
        ['article.updated', null],
        ['article.published', later.id],
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
