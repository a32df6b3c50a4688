import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type {
  ArticleResponse,
  RevisionDiffResponse,
  RevisionResponse,
} from '../src/articles/article.response';
import { ArticlesService } from '../src/articles/articles.service';
import { Author } from '../src/authors/author.entity';
import { Tag, type TagKind } from '../src/tags/tag.entity';
import { type Client, asAdmin, bootApp, client, staff, tableCounts, uniq } from './helpers';

type Staff = Awaited<ReturnType<typeof staff>>;
interface ErrorJson {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

describe('articles (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: Client;
  let editor: Staff;
  let writer: Staff;
  let otherWriter: Staff;
  let adlet: Author;
  let aigerim: Author;
  let canada: Tag;
  let mfa: Tag;
  let diplomacy: Tag;

  const newAuthor = (name: string) =>
    app
      .get(DataSource)
      .getRepository(Author)
      .save({ name, slug: uniq('author-'), active: true });
  const newTag = (name: string, kind: TagKind) =>
    app
      .get(DataSource)
      .getRepository(Tag)
      .save({ name, slug: uniq('tag-'), kind });

  const create = async (c: Client, body: Record<string, unknown> = {}): Promise<ArticleResponse> => {
    const res = await c.post('/api/v1/articles', { headline: `Story ${uniq()}`, ...body });
    if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
    return res.json<ArticleResponse>();
  };
  const patch = (c: Client, id: string, version: number | string, body: Record<string, unknown>) =>
    c.patch(`/api/v1/articles/${id}`, body, {
      'if-match': typeof version === 'number' ? `"${version}"` : version,
    });

  beforeAll(async () => {
    app = await bootApp();
    admin = await asAdmin(app);
    [editor, writer, otherWriter] = [
      await staff(app, 'editor'),
      await staff(app, 'writer'),
      await staff(app, 'writer'),
    ];
    adlet = await newAuthor('Adlet Seilkhanov');
    aigerim = await newAuthor('Aigerim Seitkali');
    canada = await newTag('Kazakhstan and Canada', 'topic');
    mfa = await newTag('Ministry of Foreign Affairs', 'organisation');
    diplomacy = await newTag('Diplomacy', 'topic');
  });
  afterAll(async () => {
    await app.close();
  });

  describe('create and get', () => {
    it('should create a draft at version 1 with derived fields when a writer posts a story', async () => {
      const res = await writer.post('/api/v1/articles', {
        headline: 'Political consultations btw Kazakhstan and Canada held in Astana',
        genre: 'press_release',
        dateline: { place: 'ASTANA' },
        body:
          '<p>The third round took place<script>alert(1)</script> at the <a href="javascript:alert(1)" onclick="x()">MFA</a>.</p>' +
          '<p>Trade &amp; investment were discussed.</p>',
        source: 'press service of the Kazakh Ministry of Foreign Affairs',
        authors: [
          { id: adlet.id, role: 'writer' },
          { id: aigerim.id, role: 'writer' },
        ],
        tags: [mfa.id, canada.id],
        urgency: 3,
        reason: 'First draft',
      });
      expect(res.statusCode).toBe(201);
      expect(res.headers.etag).toBe('"1"');
      const a = res.json<ArticleResponse>();
      expect(a).toMatchObject({
        translationGroupId: a.id,
        language: 'en',
        slug: expect.stringMatching(
          /^political-consultations-btw-kazakhstan-and-canada-held-in-astana(-\d+)?$/,
        ),
        genre: 'press_release',
        status: 'draft',
        version: 1,
        dateline: { place: 'ASTANA', agency: 'KAZINFORM', text: 'ASTANA. KAZINFORM –' },
        body: '<p>The third round took place at the <a rel="noopener noreferrer">MFA</a>.</p><p>Trade &amp; investment were discussed.</p>',
        bodyText: 'The third round took place at the MFA.\n\nTrade & investment were discussed.',
        wordCount: 12,
        byline: 'Adlet Seilkhanov and Aigerim Seitkali',
        bylineOverride: null,
        urgency: 3,
        timezone: 'Asia/Almaty',
        originalPublishedAt: null,
        createdBy: { id: writer.user.id, name: 'Test writer' },
        updatedBy: { id: writer.user.id, name: 'Test writer' },
      });
      expect(a.authors.map((x) => [x.name, x.role])).toEqual([
        ['Adlet Seilkhanov', 'writer'],
        ['Aigerim Seitkali', 'writer'],
      ]);
      expect(a.tags.map((t) => t.id)).toEqual([mfa.id, canada.id]);

      const got = await writer.get(`/api/v1/articles/${a.id}`);
      expect(got.statusCode).toBe(200);
      expect(got.headers.etag).toBe('"1"');
      expect(got.json()).toEqual(a);
      const revisions = await writer.get(`/api/v1/articles/${a.id}/revisions`);
      expect(revisions.json()).toMatchObject({
        data: [{ number: 1, version: 1, reason: 'First draft', actor: { id: writer.user.id } }],
        meta: { nextCursor: null },
      });
    });

    it('should transliterate and de-duplicate the slug when two Kazakh headlines are the same', async () => {
      const headline = `Қазақстан мен Канада ${uniq()}`;
      const first = await create(writer, { headline, language: 'kk' });
      const second = await create(writer, { headline, language: 'kk' });
      expect(first.slug).toMatch(/^qazaqstan-men-kanada-/);
      expect(second.slug).toBe(`${first.slug}-2`);
      // The same slug is free in another language.
      const en = await create(writer, { headline, language: 'en' });
      expect(en.slug).toBe(first.slug);
    });

    it('should use the byline override and a given agency when they are set', async () => {
      const a = await create(writer, {
        byline: 'Kazinform staff',
        authors: [{ id: adlet.id }],
        dateline: { place: 'ALMATY', agency: 'REUTERS' },
        language: 'zh-Hans',
        timezone: 'Europe/Berlin',
      });
      expect(a).toMatchObject({
        byline: 'Kazinform staff',
        bylineOverride: 'Kazinform staff',
        dateline: { text: 'ALMATY. REUTERS –' },
        language: 'zh-Hans',
        timezone: 'Europe/Berlin',
      });
      expect(a.authors[0].role).toBe('writer');
    });

    it('should answer 404 when the article does not exist and 400 when the id is not a uuid', async () => {
      expect((await writer.get('/api/v1/articles/00000000-0000-4000-8000-000000000000')).statusCode).toBe(
        404,
      );
      expect((await writer.get('/api/v1/articles/nope')).statusCode).toBe(400);
    });

    it('should answer 401 when nobody is signed in', async () => {
      const anon = client(app);
      const a = await create(writer);
      expect((await anon.get('/api/v1/articles')).statusCode).toBe(401);
      expect((await anon.get(`/api/v1/articles/${a.id}`)).statusCode).toBe(401);
      expect((await anon.post('/api/v1/articles', { headline: 'x' })).statusCode).toBe(401);
      expect(
        (await anon.patch(`/api/v1/articles/${a.id}`, { headline: 'x' }, { 'if-match': '"1"' })).statusCode,
      ).toBe(401);
      expect((await anon.get(`/api/v1/articles/${a.id}/revisions`)).statusCode).toBe(401);
    });
  });

  describe('bad input writes nothing', () => {
    const cases: [string, () => Record<string, unknown>, number, RegExp][] = [
      ['an unknown field', () => ({ headline: 'x', status: 'published' }), 400, /status should not exist/],
      ['a wrong type', () => ({ headline: 42 }), 400, /headline/],
      ['an over-long headline', () => ({ headline: 'x'.repeat(301) }), 400, /headline/],
      ['an over-long summary', () => ({ headline: 'x', summary: 'y'.repeat(1001) }), 400, /summary/],
      ['a missing headline', () => ({ genre: 'news' }), 400, /headline/],
      ['an unknown language', () => ({ headline: 'x', language: 'xx' }), 400, /language.*"xx"/],
      ['a malformed language', () => ({ headline: 'x', language: 'EN_us' }), 400, /language/],
      ['an unknown genre', () => ({ headline: 'x', genre: 'opinion' }), 400, /genre/],
      ['an urgency out of range', () => ({ headline: 'x', urgency: 10 }), 400, /urgency/],
      ['an unknown time zone', () => ({ headline: 'x', timezone: 'Mars/Olympus' }), 400, /timezone/],
      ['a malformed slug', () => ({ headline: 'x', slug: 'Not A Slug' }), 400, /slug/],
      [
        'an unknown author role',
        () => ({ headline: 'x', authors: [{ id: adlet.id, role: 'boss' }] }),
        400,
        /role/,
      ],
      [
        'an unknown author id',
        () => ({ headline: 'x', authors: [{ id: '11111111-1111-4111-8111-111111111111' }] }),
        400,
        /Unknown author id: 11111111-1111-4111-8111-111111111111/,
      ],
      [
        'a repeated author',
        () => ({ headline: 'x', authors: [{ id: adlet.id }, { id: adlet.id, role: 'editor' }] }),
        400,
        /authors must not repeat/,
      ],
      [
        'an unknown tag id',
        () => ({ headline: 'x', tags: [canada.id, '22222222-2222-4222-8222-222222222222'] }),
        400,
        /Unknown tag id: 22222222-2222-4222-8222-222222222222/,
      ],
      [
        'a repeated tag',
        () => ({ headline: 'x', tags: [canada.id, canada.id] }),
        400,
        /tags must not repeat/,
      ],
      ['a tag that is not a uuid', () => ({ headline: 'x', tags: ['canada'] }), 400, /tags/],
    ];

    it.each(cases)('should reject %s and write nothing', async (_name, body, status, message) => {
      const before = await tableCounts(app);
      const res = await writer.post('/api/v1/articles', body());
      expect(res.statusCode).toBe(status);
      expect(res.json<ErrorJson>().message).toMatch(message);
      expect(await tableCounts(app)).toEqual(before);
    });

    it('should answer 409 naming the slug when it is taken in that language, and write nothing', async () => {
      const a = await create(writer);
      const before = await tableCounts(app);
      const res = await writer.post('/api/v1/articles', { headline: 'Other', slug: a.slug });
      expect(res.statusCode).toBe(409);
      expect(res.json<ErrorJson>()).toMatchObject({ code: 'CONFLICT', details: { field: 'slug' } });
      expect(res.json<ErrorJson>().message).toContain(a.slug);
      expect(await tableCounts(app)).toEqual(before);
    });

    it('should reject bad updates with 400 and leave the article and its revisions unchanged', async () => {
      const a = await create(writer, { subheadline: 'Sub' });
      const before = await tableCounts(app);
      for (const body of [
        { headline: null },
        { language: null },
        { tags: [diplomacy.id, '33333333-3333-4333-8333-333333333333'] },
        { authors: [{ id: '44444444-4444-4444-8444-444444444444' }] },
        { body: 7 },
        { version: 9 },
      ]) {
        const res = await patch(writer, a.id, 1, body);
        expect(res.statusCode).toBe(400);
      }
      expect(await tableCounts(app)).toEqual(before);
      expect((await writer.get(`/api/v1/articles/${a.id}`)).json()).toEqual(a);
    });
  });

  describe('list', () => {
    let mark: string;
    let first: ArticleResponse;
    let second: ArticleResponse;
    let third: ArticleResponse;

    beforeAll(async () => {
      mark = uniq('listmark');
      first = await create(writer, {
        headline: `Alpha ${mark} 100%`,
        genre: 'interview',
        authors: [{ id: adlet.id }],
        tags: [diplomacy.id],
      });
      second = await create(otherWriter, { headline: `Beta ${mark}`, language: 'ru', tags: [canada.id] });
      third = await create(editor, { headline: `Gamma ${mark}`, authors: [{ id: aigerim.id }] });
    });

    const ids = async (c: Client, query: string) => {
      const res = await c.get(`/api/v1/articles?q=${mark}&${query}`);
      expect(res.statusCode).toBe(200);
      return res.json<{ data: { id: string }[] }>().data.map((a) => a.id);
    };

    it('should list newest first without bodies when filtered by headline text', async () => {
      const res = await writer.get(`/api/v1/articles?q=${mark.toUpperCase()}`);
      const page = res.json<{ data: Record<string, unknown>[]; meta: { nextCursor: string | null } }>();
      expect(page.data.map((a) => a.id)).toEqual([third.id, second.id, first.id]);
      expect(page.data[0]).not.toHaveProperty('body');
      expect(page.data[0]).toMatchObject({
        headline: `Gamma ${mark}`,
        byline: 'Aigerim Seitkali',
        version: 1,
      });
      expect(page.meta.nextCursor).toBeNull();
    });

    it('should apply each filter when status, author, tag, language, genre or mine is given', async () => {
      expect(await ids(writer, `author=${adlet.id}`)).toEqual([first.id]);
      expect(await ids(writer, `tag=${canada.id}`)).toEqual([second.id]);
      expect(await ids(writer, 'language=ru')).toEqual([second.id]);
      expect(await ids(writer, 'genre=interview')).toEqual([first.id]);
      expect(await ids(writer, 'mine=true')).toEqual([first.id]);
      expect(await ids(otherWriter, 'mine=true')).toEqual([second.id]);
      expect(await ids(writer, 'status=draft')).toHaveLength(3);
      expect(await ids(writer, 'status=published')).toEqual([]);
    });

    it('should treat % and _ in q literally when searching', async () => {
      const search = async (q: string) =>
        (await writer.get(`/api/v1/articles?q=${encodeURIComponent(q)}`))
          .json<{ data: { id: string }[] }>()
          .data.map((a) => a.id);
      expect(await search(`${mark} 100%`)).toEqual([first.id]);
      expect(await search(`${mark} 1_0`)).toEqual([]);
      expect(await search(`${mark}%Beta`)).toEqual([]);
    });

    it('should walk every page exactly once when following nextCursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/api/v1/articles?q=${mark}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
        const page = (await writer.get(url)).json<{
          data: { id: string }[];
          meta: { nextCursor: string | null };
        }>();
        seen.push(...page.data.map((a) => a.id));
        cursor = page.meta.nextCursor;
      } while (cursor);
      expect(seen).toEqual([third.id, second.id, first.id]);
    });

    it('should reject bad filters with 400 when they are malformed', async () => {
      for (const q of ['status=live', 'author=nope', 'mine=yes', 'limit=500', 'cursor=%%%', 'extra=1']) {
        expect((await writer.get(`/api/v1/articles?${q}`)).statusCode).toBe(400);
      }
    });
  });

  describe('update under If-Match', () => {
    it('should answer 428 when If-Match is missing and 400 when it is malformed', async () => {
      const a = await create(writer);
      const missing = await writer.patch(`/api/v1/articles/${a.id}`, { headline: 'New' });
      expect(missing.statusCode).toBe(428);
      expect(missing.json()).toMatchObject({ code: 'PRECONDITION_REQUIRED' });
      expect((await patch(writer, a.id, '*', { headline: 'New' })).statusCode).toBe(400);
      expect((await patch(writer, a.id, '"abc"', { headline: 'New' })).statusCode).toBe(400);
    });

    it('should save, bump the version and return the new ETag when If-Match is current in any accepted form', async () => {
      const a = await create(writer);
      const r1 = await patch(writer, a.id, '"1"', { headline: 'Second headline', reason: 'tighter' });
      expect(r1.statusCode).toBe(200);
      expect(r1.headers.etag).toBe('"2"');
      expect(r1.json()).toMatchObject({ headline: 'Second headline', version: 2, slug: a.slug });
      const r2 = await patch(writer, a.id, 'W/"2"', { urgency: 2 });
      expect(r2.headers.etag).toBe('"3"');
      const r3 = await patch(writer, a.id, '3', { summary: 'Short' });
      expect(r3.json()).toMatchObject({ version: 4, summary: 'Short', urgency: 2 });
      const revisions = (await writer.get(`/api/v1/articles/${a.id}/revisions`)).json<{
        data: { number: number; version: number; reason: string | null }[];
      }>();
      expect(revisions.data.map((r) => [r.number, r.version, r.reason])).toEqual([
        [4, 4, null],
        [3, 3, null],
        [2, 2, 'tighter'],
        [1, 1, null],
      ]);
    });

    it('should answer 412 naming the current version, who changed it, when, and the changed fields when If-Match is stale', async () => {
      const a = await create(writer, { subheadline: 'Sub', tags: [canada.id] });
      const saved = await patch(editor, a.id, 1, { headline: 'Edited by the editor', tags: [mfa.id] });
      expect(saved.statusCode).toBe(200);
      const before = await tableCounts(app);
      const stale = await patch(writer, a.id, 1, { subheadline: 'Mine' });
      expect(stale.statusCode).toBe(412);
      expect(stale.headers.etag).toBe('"2"');
      expect(stale.json()).toMatchObject({
        code: 'PRECONDITION_FAILED',
        details: {
          currentVersion: 2,
          updatedBy: { id: editor.user.id, name: 'Test editor' },
          updatedAt: saved.json<ArticleResponse>().updatedAt,
          changedFields: ['headline', 'tags'],
        },
      });
      expect(await tableCounts(app)).toEqual(before);
      expect((await writer.get(`/api/v1/articles/${a.id}`)).json()).toMatchObject({
        subheadline: 'Sub',
        version: 2,
      });
    });

    it('should clear nullable fields with null and keep the rest when a partial update is sent', async () => {
      const a = await create(writer, {
        subheadline: 'Sub',
        byline: 'Desk',
        dateline: { place: 'ASTANA' },
        authors: [{ id: adlet.id }],
      });
      const res = await patch(writer, a.id, 1, { subheadline: null, byline: null, dateline: null });
      expect(res.json()).toMatchObject({
        subheadline: null,
        bylineOverride: null,
        byline: 'Adlet Seilkhanov',
        dateline: { place: null, text: null },
        headline: a.headline,
      });
    });

    it('should not create a revision when the update changes nothing', async () => {
      const a = await create(writer, { urgency: 4 });
      const res = await patch(writer, a.id, 1, { urgency: 4, headline: a.headline });
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      const revs = (await writer.get(`/api/v1/articles/${a.id}/revisions`)).json<{ data: unknown[] }>();
      expect(revs.data).toHaveLength(1);
    });

    it('should change the slug and language, and answer 409 when the new slug is taken', async () => {
      const taken = await create(writer);
      const a = await create(writer);
      expect((await patch(writer, a.id, 1, { slug: taken.slug })).statusCode).toBe(409);
      const res = await patch(writer, a.id, 1, { slug: `${a.slug}-new`, language: 'ru' });
      expect(res.json()).toMatchObject({ slug: `${a.slug}-new`, language: 'ru', version: 2 });
    });

    it('should refuse a slug change with 409 once the article has been published', async () => {
      const a = await create(writer);
      await app.get(DataSource).query(`UPDATE article SET status = 'published' WHERE id = $1`, [a.id]);
      const res = await patch(writer, a.id, 1, { slug: `${a.slug}-x` });
      expect(res.statusCode).toBe(409);
      expect(res.json<ErrorJson>().message).toMatch(/slug/);
      expect((await patch(writer, a.id, 1, { headline: 'Still editable' })).statusCode).toBe(200);
    });
  });

  describe('roles', () => {
    it("should forbid a writer to change or delete another writer's article but let them read it", async () => {
      const a = await create(otherWriter);
      expect((await writer.get(`/api/v1/articles/${a.id}`)).statusCode).toBe(200);
      const before = await tableCounts(app);
      expect((await patch(writer, a.id, 1, { headline: 'Hijack' })).statusCode).toBe(403);
      expect((await writer.delete(`/api/v1/articles/${a.id}`, { 'if-match': '"1"' })).statusCode).toBe(403);
      expect(
        (await writer.post(`/api/v1/articles/${a.id}/revisions/1/restore`, undefined, { 'if-match': '"1"' }))
          .statusCode,
      ).toBe(403);
      expect(await tableCounts(app)).toEqual(before);
    });

    it("should let editors and admins change anyone's article", async () => {
      const a = await create(writer);
      expect((await patch(editor, a.id, 1, { headline: 'By editor' })).statusCode).toBe(200);
      expect((await patch(admin, a.id, 2, { headline: 'By admin' })).statusCode).toBe(200);
      expect((await admin.delete(`/api/v1/articles/${a.id}`, { 'if-match': '"3"' })).statusCode).toBe(204);
    });
  });

  describe('delete', () => {
    it('should delete a never-published draft with its revisions when If-Match is current', async () => {
      const a = await create(writer, { authors: [{ id: adlet.id }], tags: [canada.id] });
      expect((await writer.delete(`/api/v1/articles/${a.id}`)).statusCode).toBe(428);
      expect((await writer.delete(`/api/v1/articles/${a.id}`, { 'if-match': '"7"' })).statusCode).toBe(412);
      const before = await tableCounts(app);
      const res = await writer.delete(`/api/v1/articles/${a.id}`, { 'if-match': '"1"' });
      expect(res.statusCode).toBe(204);
      expect((await writer.get(`/api/v1/articles/${a.id}`)).statusCode).toBe(404);
      const after = await tableCounts(app);
      expect(after.article).toBe(before.article - 1);
      expect(after.article_revision).toBe(before.article_revision - 1);
      expect(after.article_author).toBe(before.article_author - 1);
      expect(after.article_tag).toBe(before.article_tag - 1);
      expect(after.author).toBe(before.author);
    });

    it('should answer 409 when the article is not a draft or was published before', async () => {
      const published = await create(writer);
      await app
        .get(DataSource)
        .query(`UPDATE article SET status = 'in_review' WHERE id = $1`, [published.id]);
      const res = await writer.delete(`/api/v1/articles/${published.id}`, { 'if-match': '"1"' });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ details: { status: 'in_review' } });

      const actor = {
        id: writer.user.id,
        email: writer.user.email,
        name: 'Test writer',
        role: 'writer' as const,
      };
      const imported = await app
        .get(DataSource)
        .transaction((em) =>
          app
            .get(ArticlesService)
            .createIn(
              em,
              actor,
              { headline: 'Imported' },
              { originalPublishedAt: new Date('2023-06-30T15:38:00Z') },
            ),
        );
      expect(imported.originalPublishedAt).toBe('2023-06-30T15:38:00.000Z');
      expect((await writer.delete(`/api/v1/articles/${imported.id}`, { 'if-match': '"1"' })).statusCode).toBe(
        409,
      );
    });
  });

  describe('service API', () => {
    it('should join the caller transaction and store the import hash when given an EntityManager', async () => {
      const actor = {
        id: editor.user.id,
        email: editor.user.email,
        name: 'Test editor',
        role: 'editor' as const,
      };
      const service = app.get(ArticlesService);
      const hash = uniq('hash');
      const before = await tableCounts(app);
      await expect(
        app.get(DataSource).transaction(async (em) => {
          await service.createIn(em, actor, { headline: 'Rolled back' }, { importHash: hash });
          throw new Error('importer failed later');
        }),
      ).rejects.toThrow('importer failed later');
      expect(await tableCounts(app)).toEqual(before);

      const created = await app
        .get(DataSource)
        .transaction((em) =>
          service.createIn(em, actor, { headline: 'Kept' }, { importHash: hash, reason: 'Imported' }),
        );
      const [row] = await app
        .get(DataSource)
        .query<{ import_hash: string }[]>(`SELECT import_hash FROM article WHERE id = $1`, [created.id]);
      expect(row.import_hash).toBe(hash);
      const revs = (await editor.get(`/api/v1/articles/${created.id}/revisions`)).json<{
        data: { reason: string }[];
      }>();
      expect(revs.data[0].reason).toBe('Imported');
    });
  });

  describe('revisions, diff and restore', () => {
    let a: ArticleResponse;

    beforeAll(async () => {
      a = await create(writer, {
        headline: 'Talks held in Astana',
        body: '<p>The talks were held today in Astana.</p>',
        authors: [{ id: adlet.id }],
        tags: [canada.id],
      });
      await patch(writer, a.id, 1, {
        headline: 'Talks held in Ottawa',
        body: '<p>The talks were not held today in Ottawa.</p>',
        reason: 'Wrong city',
      });
      await patch(editor, a.id, 2, { tags: [canada.id, mfa.id], urgency: 2 });
    });

    it('should return one revision with its full snapshot when asked by number', async () => {
      const res = await writer.get(`/api/v1/articles/${a.id}/revisions/2`);
      expect(res.statusCode).toBe(200);
      const rev = res.json<RevisionResponse>();
      expect(rev).toMatchObject({
        number: 2,
        version: 2,
        reason: 'Wrong city',
        actor: { name: 'Test writer' },
      });
      expect(rev.snapshot).toMatchObject({
        headline: 'Talks held in Ottawa',
        version: 2,
        tags: [{ id: canada.id }],
      });
      expect(rev.snapshot.authors).toEqual([
        { id: adlet.id, name: 'Adlet Seilkhanov', slug: adlet.slug, role: 'writer' },
      ]);
      expect((await writer.get(`/api/v1/articles/${a.id}/revisions/9`)).statusCode).toBe(404);
    });

    it('should diff against the previous revision by default with field and word-level changes', async () => {
      const res = await writer.get(`/api/v1/articles/${a.id}/revisions/2/diff`);
      expect(res.statusCode).toBe(200);
      const diff = res.json<RevisionDiffResponse>();
      expect(diff.from).toBe(1);
      expect(diff.to).toBe(2);
      expect(diff.changes).toEqual([
        { field: 'headline', from: 'Talks held in Astana', to: 'Talks held in Ottawa' },
        {
          field: 'body',
          from: '<p>The talks were held today in Astana.</p>',
          to: '<p>The talks were not held today in Ottawa.</p>',
        },
      ]);
      expect(diff.body).toEqual([
        { op: 'equal', text: 'The talks were ' },
        { op: 'insert', text: 'not ' },
        { op: 'equal', text: 'held today in ' },
        { op: 'delete', text: 'Astana' },
        { op: 'insert', text: 'Ottawa' },
        { op: 'equal', text: '.' },
      ]);
    });

    it('should diff against the revision named by against, and from nothing for revision 1', async () => {
      const res = await writer.get(`/api/v1/articles/${a.id}/revisions/3/diff?against=1`);
      expect(res.json<RevisionDiffResponse>().changes.map((c) => c.field)).toEqual([
        'headline',
        'body',
        'tags',
        'urgency',
      ]);
      const first = (
        await writer.get(`/api/v1/articles/${a.id}/revisions/1/diff`)
      ).json<RevisionDiffResponse>();
      expect(first.from).toBeNull();
      expect(first.body).toEqual([{ op: 'insert', text: 'The talks were held today in Astana.' }]);
      expect((await writer.get(`/api/v1/articles/${a.id}/revisions/3/diff?against=8`)).statusCode).toBe(404);
      expect((await writer.get(`/api/v1/articles/${a.id}/revisions/3/diff?against=zero`)).statusCode).toBe(
        400,
      );
    });

    it('should restore a revision as a new revision when If-Match is current', async () => {
      expect((await writer.post(`/api/v1/articles/${a.id}/revisions/1/restore`)).statusCode).toBe(428);
      const stale = await writer.post(`/api/v1/articles/${a.id}/revisions/1/restore`, undefined, {
        'if-match': '"2"',
      });
      expect(stale.statusCode).toBe(412);
      expect(stale.json()).toMatchObject({
        details: { currentVersion: 3, changedFields: ['tags', 'urgency'] },
      });

      const res = await writer.post(`/api/v1/articles/${a.id}/revisions/1/restore`, undefined, {
        'if-match': '"3"',
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBe('"4"');
      expect(res.json()).toMatchObject({
        headline: 'Talks held in Astana',
        bodyText: 'The talks were held today in Astana.',
        tags: [{ id: canada.id }],
        urgency: 5,
        version: 4,
      });
      const revs = (await writer.get(`/api/v1/articles/${a.id}/revisions?limit=2`)).json<{
        data: { number: number; reason: string }[];
        meta: { nextCursor: string | null };
      }>();
      expect(revs.data.map((r) => [r.number, r.reason])).toEqual([
        [4, 'Restored revision 1'],
        [3, null],
      ]);
      const next = (
        await writer.get(`/api/v1/articles/${a.id}/revisions?limit=2&cursor=${revs.meta.nextCursor}`)
      ).json<{ data: { number: number }[] }>();
      expect(next.data.map((r) => r.number)).toEqual([2, 1]);
      const diff = (
        await writer.get(`/api/v1/articles/${a.id}/revisions/4/diff?against=1`)
      ).json<RevisionDiffResponse>();
      expect(diff.changes).toEqual([]);
    });

    it('should answer 409 naming the authors and tags that no longer exist when restoring', async () => {
      const gone = await newAuthor('Departed Reporter');
      const goneTag = await newTag('Retired topic', 'topic');
      const b = await create(writer, { authors: [{ id: gone.id }], tags: [goneTag.id] });
      await patch(writer, b.id, 1, { authors: [], tags: [] });
      const ds = app.get(DataSource);
      await ds.getRepository(Author).delete({ id: gone.id });
      await ds.getRepository(Tag).delete({ id: goneTag.id });
      const before = await tableCounts(app);
      const res = await writer.post(`/api/v1/articles/${b.id}/revisions/1/restore`, undefined, {
        'if-match': '"2"',
      });
      expect(res.statusCode).toBe(409);
      expect(res.json<ErrorJson>().message).toMatch(/Departed Reporter.*Retired topic/);
      expect(res.json()).toMatchObject({
        details: { authors: [{ id: gone.id, name: 'Departed Reporter' }], tags: [{ id: goneTag.id }] },
      });
      expect(await tableCounts(app)).toEqual(before);
    });

    it('should answer 404 when the revision or article does not exist', async () => {
      expect(
        (await writer.post(`/api/v1/articles/${a.id}/revisions/99/restore`, undefined, { 'if-match': '"4"' }))
          .statusCode,
      ).toBe(404);
      expect(
        (await writer.get('/api/v1/articles/00000000-0000-4000-8000-000000000000/revisions')).statusCode,
      ).toBe(404);
    });
  });

  describe('translations', () => {
    it('should create a linked draft in another language with dateline and tags copied', async () => {
      const source = await create(writer, {
        headline: 'Kazakhstan and Canada hold talks',
        dateline: { place: 'ASTANA' },
        tags: [canada.id, mfa.id],
        authors: [{ id: adlet.id }],
        body: '<p>English body</p>',
      });
      const res = await otherWriter.post(`/api/v1/articles/${source.id}/translations`, { language: 'kk' });
      expect(res.statusCode).toBe(201);
      expect(res.headers.etag).toBe('"1"');
      const kk = res.json<ArticleResponse>();
      expect(kk).toMatchObject({
        translationGroupId: source.id,
        language: 'kk',
        slug: source.slug,
        headline: source.headline,
        status: 'draft',
        version: 1,
        body: '',
        dateline: { place: 'ASTANA', agency: 'KAZINFORM' },
        createdBy: { id: otherWriter.user.id },
      });
      expect(kk.id).not.toBe(source.id);
      expect(kk.tags.map((t) => t.id)).toEqual([canada.id, mfa.id]);

      const before = await tableCounts(app);
      const again = await writer.post(`/api/v1/articles/${source.id}/translations`, { language: 'kk' });
      expect(again.statusCode).toBe(409);
      expect(again.json<ErrorJson>().message).toMatch(/kk/);
      // The family is shared: translating the translation back into English clashes too.
      expect(
        (await writer.post(`/api/v1/articles/${kk.id}/translations`, { language: 'en' })).statusCode,
      ).toBe(409);
      expect(
        (await writer.post(`/api/v1/articles/${source.id}/translations`, { language: 'xx' })).statusCode,
      ).toBe(400);
      expect(
        (
          await writer.post(
            `/api/v1/articles/${source.id}/translations`,
            { language: 'ru' },
            { 'if-match': '"5"' },
          )
        ).statusCode,
      ).toBe(412);
      expect(await tableCounts(app)).toEqual(before);

      const ru = await writer.post(
        `/api/v1/articles/${kk.id}/translations`,
        { language: 'ru' },
        { 'if-match': '"1"' },
      );
      expect(ru.statusCode).toBe(201);

      const family = await writer.get(`/api/v1/articles/${kk.id}/translations`);
      expect(family.statusCode).toBe(200);
      expect(family.json()).toEqual({
        translationGroupId: source.id,
        members: [
          expect.objectContaining({
            id: source.id,
            language: 'en',
            slug: source.slug,
            status: 'draft',
            version: 1,
          }),
          expect.objectContaining({ id: kk.id, language: 'kk', status: 'draft', version: 1 }),
          expect.objectContaining({
            id: ru.json<ArticleResponse>().id,
            language: 'ru',
            status: 'draft',
            version: 1,
          }),
        ],
      });
    });

    it('should answer 409 when a member would change its language to one the family already has', async () => {
      const source = await create(writer);
      const kk = (
        await writer.post(`/api/v1/articles/${source.id}/translations`, { language: 'kk' })
      ).json<ArticleResponse>();
      expect((await patch(writer, kk.id, 1, { language: 'en' })).statusCode).toBe(409);
    });
  });

  it('should document every article route with If-Match and ETag headers in OpenAPI', async () => {
    const doc = (await client(app).get('/docs/openapi.json')).json<{
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; in: string; required?: boolean }[]; responses: object }>
      >;
    }>();
    for (const path of [
      '/api/v1/articles',
      '/api/v1/articles/{id}',
      '/api/v1/articles/{id}/revisions',
      '/api/v1/articles/{id}/revisions/{n}',
      '/api/v1/articles/{id}/revisions/{n}/diff',
      '/api/v1/articles/{id}/revisions/{n}/restore',
      '/api/v1/articles/{id}/translations',
      '/api/v1/articles/{id}/translation/confirm',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
    const patchOp = doc.paths['/api/v1/articles/{id}'].patch;
    expect(patchOp.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'If-Match', in: 'header', required: true })]),
    );
    expect(patchOp.responses).toHaveProperty(['200', 'headers', 'ETag']);
    expect(patchOp.responses).toHaveProperty(['412']);
    expect(patchOp.responses).toHaveProperty(['428']);
    expect(doc.paths['/api/v1/articles/{id}'].get.responses).toHaveProperty(['200', 'headers', 'ETag']);
  });
});
