import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootApp, client } from './helpers';
import {
  CONTENT,
  type Newsroom,
  act,
  createApiKey,
  createTag,
  draft,
  edit,
  eventually,
  newsroom,
  published,
} from './content-api.helpers';

describe('Content API read cache (e2e, two instances)', () => {
  let writer: NestFastifyApplication;
  let reader: NestFastifyApplication;
  let room: Newsroom;

  beforeAll(async () => {
    // Two instances on one database, as behind a load balancer: one publishes, the other reads.
    writer = await bootApp();
    reader = await bootApp();
    room = await newsroom(writer);
  });
  afterAll(async () => {
    await reader?.close();
    await writer?.close();
  });

  const read = (url: string, headers: Record<string, string> = {}) =>
    client(reader).get(`${CONTENT}${url}`, headers);

  it('should stop serving a cached article and list on another instance as soon as the article is killed', async () => {
    const tag = await createTag(room.admin);
    let a = await published(room.editor, { tags: [tag.id] });
    const first = await read(`/articles/${a.slug}`);
    expect([first.statusCode, first.headers['x-content-cache']]).toEqual([200, 'miss']);
    // Stored once the publication's own change notification has passed.
    const isHit = (r: { headers: Record<string, unknown> }) => r.headers['x-content-cache'] === 'hit';
    const second = await eventually(() => read(`/articles/${a.slug}`), isHit);
    expect([second.statusCode, second.headers['x-content-cache']]).toEqual([200, 'hit']);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.body).toBe(first.body);
    expect(
      (await eventually(() => read(`/articles?tag=${tag.slug}`), isHit)).headers['x-content-cache'],
    ).toBe('hit');

    a = await act(room.editor, a, { action: 'kill', reason: 'Withdrawn.' });
    // Gone well before the 10 s the entry would live: the kill's change notification dropped it.
    const gone = await eventually(
      () => read(`/articles/${a.slug}`),
      (r) => r.statusCode === 410,
      8_000,
    );
    expect(gone.statusCode).toBe(410);
    const list = await eventually(
      () => read(`/articles?tag=${tag.slug}`),
      (r) => !r.body.includes(a.id),
    );
    expect(list.json()).toMatchObject({ data: [] });
    // Nothing stale comes back afterwards.
    for (let i = 0; i < 5; i++) expect((await read(`/articles/${a.slug}`)).statusCode).toBe(410);
  });

  it("should keep other articles' cached answers when one changes, and drop the lists and the changed one's translations", async () => {
    const isHit = (r: { headers: Record<string, unknown> }) => r.headers['x-content-cache'] === 'hit';
    const a = await published(room.editor);
    const other = await published(room.editor);
    const created = await room.editor.post(`/api/v1/articles/${a.id}/translations`, { language: 'kk' });
    expect(created.statusCode).toBe(201);
    const kk = await edit(room.editor, created.json(), {
      headline: 'Kazakh headline',
      body: '<p>Kazakh text.</p>',
    });
    // Every read below is a hit first: nothing changes meanwhile (this file's instances only).
    const warm = async () => {
      for (const url of [`/articles/${a.slug}?lang=en`, `/articles/${other.slug}`, '/articles?limit=5'])
        expect((await eventually(() => read(url), isHit)).headers['x-content-cache']).toBe('hit');
    };
    await warm();

    // A change to an unrelated article: the lists go, the single answers of others stay.
    const unrelated = await act(room.editor, await draft(room.editor), { action: 'publish' });
    const listAfter = await eventually(
      () => read('/articles?limit=5'),
      (r) => r.body.includes(unrelated.id),
    );
    expect(listAfter.body).toContain(unrelated.id);
    expect((await read(`/articles/${other.slug}`)).headers['x-content-cache']).toBe('hit');
    expect((await read(`/articles/${a.slug}?lang=en`)).headers['x-content-cache']).toBe('hit');

    // Publishing a's translation changes a's document (its translations): a's cached answer goes with it.
    await act(room.editor, kk, { action: 'publish' });
    const withTranslation = await eventually(
      () => read(`/articles/${a.slug}?lang=en`),
      (r) => r.json<{ translations?: Record<string, string> }>().translations?.kk !== undefined,
    );
    expect(withTranslation.json<{ translations: Record<string, string> }>().translations.kk).toBe(kk.slug);
    expect((await read(`/articles/${other.slug}`)).headers['x-content-cache']).toBe('hit');
  });

  it('should drop cached reads when an article is unpublished, and never cache embargoed-scope reads', async () => {
    const a = await published(room.editor);
    const hit = await eventually(
      () => read(`/articles/${a.slug}`),
      (r) => r.headers['x-content-cache'] === 'hit',
    );
    expect(hit.headers['x-content-cache']).toBe('hit');
    await act(room.editor, a, { action: 'unpublish' });
    const res = await eventually(
      () => read(`/articles/${a.slug}`),
      (r) => r.statusCode === 404,
    );
    expect(res.statusCode).toBe(404);

    const key = await createApiKey(room.admin, ['content:read', 'content:embargoed']);
    const b = await published(room.editor);
    for (let i = 0; i < 2; i++) {
      const scoped = await read(`/articles/${b.slug}`, { 'x-api-key': key });
      expect(scoped.statusCode).toBe(200);
      expect(scoped.headers).not.toHaveProperty('x-content-cache');
    }
  });

  it('should read an answer once for requests that ask for it together, and give each of them the same bytes', async () => {
    const tag = await createTag(room.admin);
    const a = await published(room.editor, { tags: [tag.id] });
    // Let the publication's notice pass first, so that nothing moves the cache while the requests run.
    await eventually(
      () => read(`/articles/${a.slug}`),
      (r) => r.headers['x-content-cache'] === 'hit',
    );
    // A list nobody asked for yet: every request misses the store, and all arrive before the read returns.
    const url = `/articles?tag=${tag.slug}&limit=7`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => read(url)));
    expect(answers.map((r) => r.statusCode)).toEqual(Array<number>(8).fill(200));
    expect(answers.map((r) => r.headers['x-content-cache']).sort()).toEqual([
      'miss',
      ...Array<string>(7).fill('shared'),
    ]);
    expect(new Set(answers.map((r) => r.body)).size).toBe(1);
    expect(new Set(answers.map((r) => r.headers.etag)).size).toBe(1);
    expect(answers[0].json<{ data: { id: string }[] }>().data.map((x) => x.id)).toEqual([a.id]);
    // Stored by the one read: the next request is a hit.
    expect((await read(url)).headers['x-content-cache']).toBe('hit');
  });
});
