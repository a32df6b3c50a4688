import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type Client, bootApp, staff, uniq, waitFor } from './helpers';
import { requireConcurrentPostgres } from './race-guard';

interface ArticleBody {
  id: string;
  version: number;
  status: string;
}

describe('scheduler with several instances (e2e)', () => {
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;
  let editor: Client;
  let ds: DataSource;

  beforeAll(async () => {
    // Two complete app instances on one database, each running the job workers.
    first = await bootApp();
    await requireConcurrentPostgres(first);
    second = await bootApp();
    editor = await staff(first, 'editor');
    ds = first.get(DataSource);
  });
  afterAll(async () => {
    await first.close();
    await second?.close().catch(() => undefined);
  });

  // Each item is due `leadMs` after its own schedule request, not after the first one: on a busy
  // machine creating a dozen items can take longer than a fixed lead, which made `at` a past time.
  async function scheduleMany(n: number, leadMs: number): Promise<string[]> {
    const drafts: ArticleBody[] = [];
    for (let i = 0; i < n; i++) {
      const created = await editor.post('/api/v1/articles', {
        headline: `Scheduled ${uniq()}`,
        body: '<p>Due soon.</p>',
      });
      drafts.push(created.json<ArticleBody>());
    }
    for (const a of drafts) {
      const res = await editor.post(
        `/api/v1/articles/${a.id}/transitions`,
        { action: 'schedule', at: new Date(Date.now() + leadMs).toISOString() },
        { 'if-match': `"${a.version}"` },
      );
      expect(res.statusCode).toBe(200);
    }
    return drafts.map((a) => a.id);
  }

  const publishCounts = async (ids: string[]) =>
    ds.query<{ article_id: string; publishes: number; events: number }[]>(
      `SELECT a.id AS article_id,
              (SELECT count(*)::int FROM article_event e WHERE e.article_id = a.id AND e.action = 'publish') AS publishes,
              (SELECT count(*)::int FROM event o WHERE o.article_id = a.id AND o.type = 'article.published') AS events
         FROM article a WHERE a.id = ANY($1::uuid[])`,
      [ids],
    );

  it('should publish every due item exactly once when two instances run the scheduler', async () => {
    const ids = await scheduleMany(12, 3000);
    await waitFor(
      async () => (await publishCounts(ids)).every((r) => r.publishes >= 1),
      30000,
      'all scheduled items',
    );
    // Give any duplicate a chance to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));
    const counts = await publishCounts(ids);
    expect(counts).toHaveLength(12);
    for (const c of counts) expect(c).toMatchObject({ publishes: 1, events: 1 });
    const live = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM publication WHERE article_id = ANY($1::uuid[]) AND status = 'live' AND version = 1`,
      [ids],
    );
    expect(live[0].n).toBe(12);
  });

  it('should still publish everything when one instance stops mid-run', async () => {
    const ids = await scheduleMany(8, 3000);
    await second.close();
    await waitFor(
      async () => (await publishCounts(ids)).every((r) => r.publishes >= 1),
      30000,
      'all scheduled items',
    );
    await new Promise((r) => setTimeout(r, 1000));
    for (const c of await publishCounts(ids)) expect(c).toMatchObject({ publishes: 1, events: 1 });
  });
});
