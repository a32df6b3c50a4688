import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PUBLIC_EVENT_TYPES } from '../src/content-api/content-visibility';
import { CONTENT, createAuthor, createTag, draft, edit, published } from './content-api.helpers';
import { type Client, asAdmin, bootApp, staff, uniq } from './helpers';

/**
 * Every keyset list, walked one row at a time over rows that share their sort value (written in one
 * statement, so one transaction and one timestamp): each row comes exactly once, in the database's
 * order, and a cursor the server did not sign is a 400.
 */

interface Page {
  data: Record<string, unknown>[];
  meta: { nextCursor: string | null };
}

// A time with microseconds: a cursor holding a JavaScript date (milliseconds) cannot name it.
const SAME_TIME = '2026-03-01T10:20:30.123456Z';

describe('Keyset lists page exactly once', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let admin: Client;

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    admin = await asAdmin(app);
  });

  afterAll(async () => {
    await app.close();
  });

  const withCursor = (url: string, cursor: string) =>
    `${url}${url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;

  /** Follows nextCursor from the first page; fails rather than loop when a cursor repeats a page. */
  async function walk(c: Client, url: string, expected: number, key = 'id'): Promise<unknown[]> {
    const seen: unknown[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages <= expected + 1; pages++) {
      const res = await c.get(cursor === null ? url : withCursor(url, cursor));
      expect([url, res.statusCode]).toEqual([url, 200]);
      const body = res.json<Page & Record<string, unknown>>();
      // A tag or author page nests its articles' page.
      const page = 'articles' in body ? (body.articles as Page) : body;
      seen.push(...page.data.map((row) => row[key]));
      cursor = page.meta.nextCursor;
      if (cursor === null) return seen;
    }
    throw new Error(`${url}: more pages than rows (a cursor repeated a page); seen ${seen.length}`);
  }

  /** A real cursor altered, an unsigned one with the same values, and garbage: each a 400. */
  async function expectForgedCursorsRefused(c: Client, url: string): Promise<void> {
    const first = await c.get(url);
    const body = first.json<Page & Record<string, unknown>>();
    const real = ('articles' in body ? (body.articles as Page) : body).meta.nextCursor;
    expect([url, real]).toEqual([url, expect.any(String)]);
    const [payload, signature] = real!.split('.');
    const values = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8') || 'null') as unknown;
    const altered = Buffer.from(
      JSON.stringify(Array.isArray(values) ? [...values.slice(0, -1), randomUUID()] : [randomUUID()]),
    ).toString('base64url');
    const forged = [
      `${altered}.${signature}`,
      Buffer.from(JSON.stringify(values)).toString('base64url'),
      `${payload}.${Buffer.alloc(16).toString('base64url')}`,
      'bm90LWEtY3Vyc29y',
    ];
    for (const cursor of forged) {
      const res = await c.get(withCursor(url, cursor));
      expect([url, cursor, res.statusCode]).toEqual([url, cursor, 400]);
      expect(res.json()).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST', message: 'Malformed cursor' });
    }
  }

  /** Gives every row the same sort value in one statement. */
  async function sameTime(table: string, column: string, ids: string[]): Promise<void> {
    await ds.query(`UPDATE "${table}" SET "${column}" = $1::timestamptz WHERE id = ANY($2::uuid[])`, [
      SAME_TIME,
      ids,
    ]);
  }

  const ids = async (sql: string, params: unknown[] = []) =>
    (await ds.query<{ id: string }[]>(sql, params)).map((r) => r.id);

  it('should list every user exactly once, in order, with limit=1', async () => {
    const created: string[] = [];
    for (let i = 0; i < 4; i++) created.push((await staff(app, 'writer')).user.id);
    // Rows written in one transaction keep the same microseconds.
    await sameTime('user', 'created_at', created);
    const expected = await ids(`SELECT id FROM "user" WHERE role = 'writer' ORDER BY created_at, id`);
    await expect(walk(admin, '/api/v1/users?role=writer&limit=1', expected.length)).resolves.toEqual(
      expected,
    );
    expect(expected).toEqual(expect.arrayContaining(created));
    await expectForgedCursorsRefused(admin, '/api/v1/users?role=writer&limit=1');
  });

  describe('newsroom lists', () => {
    let editor: Client;
    let tag: { id: string; slug: string; name: string };
    const articleIds: string[] = [];

    beforeAll(async () => {
      editor = await staff(app, 'editor');
      tag = await createTag(admin);
      for (let i = 0; i < 4; i++) articleIds.push((await draft(editor, { tags: [tag.id] })).id);
      await sameTime('article', 'updated_at', articleIds);
    });

    it('should list every article exactly once, in order, with limit=1', async () => {
      const expected = await ids(
        `SELECT a.id FROM article a JOIN article_tag t ON t.article_id = a.id AND t.tag_id = $1
         ORDER BY a.updated_at DESC, a.id DESC`,
        [tag.id],
      );
      expect([...expected].sort()).toEqual([...articleIds].sort());
      const url = `/api/v1/articles?tag=${tag.id}&limit=1`;
      await expect(walk(editor, url, expected.length)).resolves.toEqual(expected);
      await expectForgedCursorsRefused(editor, url);
    });

    it('should list every revision exactly once, in order, with limit=1', async () => {
      let story = await draft(editor);
      for (let i = 0; i < 3; i++) story = await edit(editor, story, { summary: `Summary ${i}` });
      const url = `/api/v1/articles/${story.id}/revisions?limit=1`;
      await expect(walk(editor, url, 4, 'number')).resolves.toEqual([4, 3, 2, 1]);
      await expectForgedCursorsRefused(editor, url);
    });

    it('should list every tag and author exactly once, in order, with limit=1', async () => {
      const prefix = uniq('samename');
      const tags: string[] = [];
      for (let i = 0; i < 3; i++) {
        tags.push((await createTag(admin, 'topic', { name: `${prefix} ${i}` })).id);
      }
      const expectedTags = await ids(
        `SELECT id FROM tag WHERE lower(name) LIKE $1 ORDER BY lower(name), id`,
        [`${prefix}%`],
      );
      expect([...expectedTags].sort()).toEqual([...tags].sort());
      await expect(walk(admin, `/api/v1/tags?q=${prefix}&limit=1`, 3)).resolves.toEqual(expectedTags);
      await expectForgedCursorsRefused(admin, `/api/v1/tags?q=${prefix}&limit=1`);

      // Authors may share a name: the id breaks the tie.
      const authors: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await admin.post('/api/v1/authors', { name: `${prefix} Same` });
        expect(res.statusCode).toBe(201);
        authors.push(res.json<{ id: string }>().id);
      }
      const expectedAuthors = await ids(
        `SELECT id FROM author WHERE id = ANY($1::uuid[]) ORDER BY lower(name), id`,
        [authors],
      );
      const url = `/api/v1/authors?q=${prefix}&limit=1`;
      await expect(walk(admin, url, 3)).resolves.toEqual(expectedAuthors);
      await expectForgedCursorsRefused(admin, url);
    });

    it('should list every API key, webhook and delivery exactly once, in order, with limit=1', async () => {
      const keys: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await admin.post('/api/v1/api-keys', { name: `Key ${uniq()}`, scopes: ['content:read'] });
        keys.push(res.json<{ id: string }>().id);
      }
      await sameTime('api_key', 'created_at', keys);
      const expectedKeys = await ids(`SELECT id FROM api_key ORDER BY created_at, id`);
      await expect(walk(admin, '/api/v1/api-keys?limit=1', expectedKeys.length)).resolves.toEqual(
        expectedKeys,
      );
      await expectForgedCursorsRefused(admin, '/api/v1/api-keys?limit=1');

      const hooks: string[] = [];
      for (let i = 0; i < 3; i++) {
        // Subscribed to no event this spec causes, so nothing is delivered.
        const res = await admin.post('/api/v1/webhooks', {
          url: 'http://127.0.0.1:9/hook',
          events: ['article.killed'],
        });
        expect(res.statusCode).toBe(201);
        hooks.push(res.json<{ id: string }>().id);
      }
      await sameTime('webhook', 'created_at', hooks);
      const expectedHooks = await ids(`SELECT id FROM webhook ORDER BY created_at, id`);
      await expect(walk(admin, '/api/v1/webhooks?limit=1', expectedHooks.length)).resolves.toEqual(
        expectedHooks,
      );
      await expectForgedCursorsRefused(admin, '/api/v1/webhooks?limit=1');

      // Delivery records of one webhook for events of its own, written in one statement (one timestamp).
      const events: string[] = [];
      for (let i = 0; i < 4; i++) events.push((await published(editor)).id);
      await ds.query(
        `INSERT INTO webhook_delivery (webhook_id, event_id, event_seq, event_type, article_id, status)
         SELECT $1, e.id, e.seq, e.type, e.article_id, 'succeeded' FROM event e WHERE e.article_id = ANY($2::uuid[])`,
        [hooks[0], events],
      );
      const expectedDeliveries = await ids(
        `SELECT id FROM webhook_delivery WHERE webhook_id = $1 ORDER BY created_at DESC, id DESC`,
        [hooks[0]],
      );
      expect(expectedDeliveries).toHaveLength(4);
      const url = `/api/v1/webhooks/${hooks[0]}/deliveries?limit=1`;
      await expect(walk(admin, url, 4)).resolves.toEqual(expectedDeliveries);
      await expectForgedCursorsRefused(admin, url);
    });

    it('should list every audit entry exactly once, in order, with limit=1', async () => {
      const actor = (editor as Client & { user: { id: string } }).user.id;
      const expected = await ids(`SELECT id FROM audit_log WHERE actor_id = $1 ORDER BY seq DESC, id DESC`, [
        actor,
      ]);
      expect(expected.length).toBeGreaterThan(3);
      const url = `/api/v1/audit?actorId=${actor}&limit=1`;
      await expect(walk(admin, url, expected.length)).resolves.toEqual(expected);
      await expectForgedCursorsRefused(admin, url);
    });
  });

  describe('Content API lists', () => {
    let tag: { id: string; slug: string; name: string };
    let author: { id: string; slug: string; name: string };
    const word = `pagewalk${uniq().replace(/\d/g, '')}`;
    const headlineMatches: string[] = [];
    const bodyMatches: string[] = [];

    beforeAll(async () => {
      const editor = await staff(app, 'editor');
      tag = await createTag(admin);
      author = await createAuthor(admin);
      // A second tag and author, so the tag and author lists have more than one page.
      const [tag2, author2] = [await createTag(admin), await createAuthor(admin)];
      const common = {
        tags: [tag.id, tag2.id],
        authors: [
          { id: author.id, role: 'writer' },
          { id: author2.id, role: 'editor' },
        ],
      };
      for (let i = 0; i < 3; i++) {
        headlineMatches.push((await published(editor, { ...common, headline: `Story ${i} on ${word}` })).id);
        bodyMatches.push(
          (await published(editor, { ...common, body: `<p>About ${word} only here.</p>` })).id,
        );
      }
      await ds.query(
        `UPDATE publication SET first_published_at = $1::timestamptz WHERE article_id = ANY($2::uuid[])`,
        [SAME_TIME, [...headlineMatches, ...bodyMatches]],
      );
    });

    const newestFirst = (list: string[]) =>
      ids(
        `SELECT article_id AS id FROM publication WHERE article_id = ANY($1::uuid[])
           ORDER BY first_published_at DESC, article_id DESC`,
        [list],
      );

    it('should list, search and page a tag and an author exactly once, in order, with limit=1', async () => {
      const all = await newestFirst([...headlineMatches, ...bodyMatches]);
      for (const url of [
        `${CONTENT}/articles?tag=${tag.slug}&limit=1`,
        `${CONTENT}/articles?author=${author.slug}&limit=1`,
        `${CONTENT}/tags/${tag.slug}?limit=1`,
        `${CONTENT}/authors/${author.slug}?limit=1`,
      ]) {
        await expect(walk(admin, url, all.length)).resolves.toEqual(all);
        await expectForgedCursorsRefused(admin, url);
      }
      // Search: headline matches first, then body-only matches, newest first within each.
      const ranked = [...(await newestFirst(headlineMatches)), ...(await newestFirst(bodyMatches))];
      const search = `${CONTENT}/articles?q=${word}&limit=1`;
      await expect(walk(admin, search, ranked.length)).resolves.toEqual(ranked);
      await expectForgedCursorsRefused(admin, search);
      // A list cursor is not a search cursor.
      const listCursor = (await admin.get(`${CONTENT}/articles?limit=1`)).json<Page>().meta.nextCursor!;
      expect((await admin.get(withCursor(search, listCursor))).statusCode).toBe(400);
    });

    it('should list every tag and author with public articles exactly once, in order, with limit=1', async () => {
      const expectedTags = await ids(
        `SELECT x.id FROM tag x WHERE EXISTS (SELECT 1 FROM publication p WHERE p.tag_ids @> ARRAY[x.id]
           AND p.status = 'live' AND (p.embargo_until IS NULL OR p.embargo_until <= now()))
         ORDER BY lower(x.name), x.id`,
      );
      expect(expectedTags).toContain(tag.id);
      await expect(walk(admin, `${CONTENT}/tags?limit=1`, expectedTags.length)).resolves.toEqual(
        expectedTags,
      );
      await expectForgedCursorsRefused(admin, `${CONTENT}/tags?limit=1`);
      const expectedAuthors = await ids(
        `SELECT x.id FROM author x WHERE EXISTS (SELECT 1 FROM publication p WHERE p.author_ids @> ARRAY[x.id]
           AND p.status = 'live' AND (p.embargo_until IS NULL OR p.embargo_until <= now()))
         ORDER BY lower(x.name), x.id`,
      );
      expect(expectedAuthors).toContain(author.id);
      await expect(walk(admin, `${CONTENT}/authors?limit=1`, expectedAuthors.length)).resolves.toEqual(
        expectedAuthors,
      );
      await expectForgedCursorsRefused(admin, `${CONTENT}/authors?limit=1`);
    });

    it('should give every change exactly once, in order, with limit=1, and refuse a since that is not one', async () => {
      const mine = [...headlineMatches, ...bodyMatches];
      const expected = (
        await ds.query<{ seq: string }[]>(
          `SELECT e.seq::text AS seq FROM event e WHERE e.article_id = ANY($1::uuid[]) AND e.type = ANY($2::text[])
           ORDER BY e.seq`,
          [mine, [...PUBLIC_EVENT_TYPES]],
        )
      ).map((r) => r.seq);
      expect(expected).toHaveLength(mine.length);
      let since = (BigInt(expected[0]) - 1n).toString();
      const seen: string[] = [];
      for (let calls = 0; seen.length < expected.length && calls < 200; calls++) {
        const res = await admin.get(`${CONTENT}/changes?since=${since}&limit=1`);
        expect(res.statusCode).toBe(200);
        const body = res.json<{ data: { cursor: string; id: string }[]; meta: { nextCursor: string } }>();
        seen.push(...body.data.filter((c) => mine.includes(c.id)).map((c) => c.cursor));
        if (body.meta.nextCursor === since) await new Promise((r) => setTimeout(r, 250));
        since = body.meta.nextCursor;
      }
      expect(seen).toEqual(expected);
      for (const bad of ['abc', '-1', 'bm90LWEtY3Vyc29y']) {
        expect((await admin.get(`${CONTENT}/changes?since=${bad}`)).statusCode).toBe(400);
      }
    });
  });
});
