import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DbDigest, changedTables } from './hostile';
import { type Client, bootApp, client, staff, uniq } from './helpers';

type Doc = Record<string, unknown>;
const ifMatch = (v: number) => ({ 'if-match': `"${v}"` });
// What depends on when and how often it was published, not on the copy (and the translation links the
// Content API adds when it serves).
const copyOf = (d: Doc) => {
  const { version: _v, publishedAt: _p, firstPublishedAt: _f, updatedAt: _u, translations: _t, ...rest } = d;
  return rest;
};

describe('article preview (e2e)', () => {
  let app: NestFastifyApplication;
  let writer: Client;
  let editor: Client;

  beforeAll(async () => {
    app = await bootApp();
    writer = await staff(app, 'writer');
    editor = await staff(app, 'editor');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('should render the working copy as the public document publication then serves, writing nothing', async () => {
    const created = await writer.post('/api/v1/articles', {
      headline: `Preview ${uniq()} consultations held in Astana`,
      body: '<p>The third round of consultations took place.</p><p>Second paragraph.</p>',
      dateline: { place: 'ASTANA' },
    });
    expect(created.statusCode).toBe(201);
    const a = created.json<{ id: string; version: number; slug: string; headline: string }>();

    const digest = await DbDigest.create(app, []);
    const before = await digest.take();
    const res = await writer.get(`/api/v1/articles/${a.id}/preview`);
    expect(changedTables(before, await digest.take())).toEqual([]);
    expect(res.statusCode).toBe(200);
    const preview = res.json<Doc>();
    expect(preview).toMatchObject({ headline: a.headline });
    expect(JSON.stringify(preview)).toContain('ASTANA. KAZINFORM');

    // Not public: the Content API does not have it.
    expect((await client(app).get(`/api/v1/content/articles/${a.slug}`)).statusCode).toBe(404);

    const published = await editor.post(
      `/api/v1/articles/${a.id}/transitions`,
      { action: 'publish' },
      ifMatch(a.version),
    );
    expect(published.statusCode).toBe(200);
    const served = await client(app).get(`/api/v1/content/articles/${a.slug}`);
    expect(served.statusCode).toBe(200);
    expect(copyOf(served.json<Doc>())).toEqual(copyOf(preview));

    // An edit shows in the preview at once, before it is published again.
    const edited = await editor.patch(
      `/api/v1/articles/${a.id}`,
      { headline: `${a.headline} (updated)` },
      ifMatch(published.json<{ version: number }>().version),
    );
    expect(edited.statusCode).toBe(200);
    expect((await writer.get(`/api/v1/articles/${a.id}/preview`)).json<Doc>().headline).toBe(
      `${a.headline} (updated)`,
    );
    expect((await client(app).get(`/api/v1/content/articles/${a.slug}`)).json<Doc>().headline).toBe(
      a.headline,
    );
  });

  it('should answer 404 for an unknown article and 400 for a malformed id', async () => {
    expect((await writer.get(`/api/v1/articles/${crypto.randomUUID()}/preview`)).statusCode).toBe(404);
    expect((await writer.get('/api/v1/articles/nope/preview')).statusCode).toBe(400);
  });
});
