import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ArticleResponse } from '../src/articles/article.response';
import { type Client, bootApp, staff } from './helpers';
import { requireConcurrentPostgres } from './race-guard';

interface ErrorJson {
  code: string;
  details?: { currentVersion?: number; changedFields?: string[] };
}

const ROUNDS = 20;

describe('articles: concurrent edits (e2e)', () => {
  let app: NestFastifyApplication;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    app = await bootApp();
    await requireConcurrentPostgres(app);
    [alice, bob] = [await staff(app, 'editor'), await staff(app, 'editor')];
  });
  afterAll(async () => {
    await app.close();
  });

  const createArticle = async (): Promise<ArticleResponse> => {
    const res = await alice.post('/api/v1/articles', { headline: 'Race', body: '<p>Start</p>' });
    expect(res.statusCode).toBe(201);
    return res.json<ArticleResponse>();
  };
  const revisionCount = async (id: string): Promise<number> => {
    const res = await alice.get(`/api/v1/articles/${id}/revisions?limit=100`);
    return res.json<{ data: unknown[] }>().data.length;
  };

  it('should let exactly one of two PATCHes on the same version win when they race, every round', async () => {
    const article = await createArticle();
    let version = 1;
    for (let round = 0; round < ROUNDS; round++) {
      const ifMatch = { 'if-match': `"${version}"` };
      const [a, b] = await Promise.all([
        alice.patch(`/api/v1/articles/${article.id}`, { headline: `Alice ${round}` }, ifMatch),
        bob.patch(`/api/v1/articles/${article.id}`, { headline: `Bob ${round}` }, ifMatch),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 412]);
      const [winner, loser] = a.statusCode === 200 ? [a, b] : [b, a];
      expect(winner.headers.etag).toBe(`"${version + 1}"`);
      expect(loser.json<ErrorJson>()).toMatchObject({
        code: 'PRECONDITION_FAILED',
        details: { currentVersion: version + 1, changedFields: ['headline'] },
      });
      const current = (await alice.get(`/api/v1/articles/${article.id}`)).json<ArticleResponse>();
      expect(current.headline).toBe(winner.json<ArticleResponse>().headline);
      version += 1;
    }
    // One winner per round, so the article moved exactly ROUNDS versions with one revision each.
    const final = (await alice.get(`/api/v1/articles/${article.id}`)).json<ArticleResponse>();
    expect(final.version).toBe(1 + ROUNDS);
    expect(await revisionCount(article.id)).toBe(1 + ROUNDS);
  });

  it('should let exactly one of a PATCH and a restore win when they race on the same version', async () => {
    const article = await createArticle();
    const first = await alice.patch(
      `/api/v1/articles/${article.id}`,
      { headline: 'Edited' },
      { 'if-match': '"1"' },
    );
    expect(first.statusCode).toBe(200);
    let version = 2;
    for (let round = 0; round < 5; round++) {
      const ifMatch = { 'if-match': `"${version}"` };
      const [edit, restore] = await Promise.all([
        alice.patch(`/api/v1/articles/${article.id}`, { headline: `Edit ${round}` }, ifMatch),
        bob.post(`/api/v1/articles/${article.id}/revisions/1/restore`, undefined, ifMatch),
      ]);
      expect([edit.statusCode, restore.statusCode].sort()).toEqual([200, 412]);
      version += 1;
    }
    expect(await revisionCount(article.id)).toBe(version);
  });

  it('should let only one of a PATCH and a DELETE on the same version succeed when they race', async () => {
    for (let round = 0; round < 5; round++) {
      const article = await createArticle();
      const ifMatch = { 'if-match': '"1"' };
      const [edit, del] = await Promise.all([
        alice.patch(`/api/v1/articles/${article.id}`, { headline: 'Edit' }, ifMatch),
        bob.delete(`/api/v1/articles/${article.id}`, ifMatch),
      ]);
      const outcome = [edit.statusCode, del.statusCode];
      // Either the edit wins (the delete then sees version 2) or the delete wins (the edit then finds nothing).
      expect([
        [200, 412],
        [404, 204],
      ]).toContainEqual(outcome);
    }
  });
});
