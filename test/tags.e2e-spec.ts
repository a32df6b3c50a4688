import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { DataSource } from 'typeorm';
import type { Role } from '../src/common/roles';
import { type Client, asAdmin, bootApp, client, staff, tableCounts, uniq, waitFor } from './helpers';

interface TagBody {
  id: string;
  name: string;
  slug: string;
  kind: string;
  description: string | null;
  externalUri: string | null;
  createdAt: string;
  updatedAt: string;
}
interface TagDetail extends TagBody {
  aliases: string[];
}
interface TagLookup extends TagDetail {
  aliasOf: string | null;
}
interface TagPage {
  data: TagBody[];
  meta: { nextCursor: string | null };
}

const BASE = '/api/v1/tags';
const MISSING = '00000000-0000-4000-8000-000000000000';

function fieldsOf(res: InjectResponse): string[] {
  const details = res.json<{ details?: unknown }>().details;
  if (Array.isArray(details)) return details.map((d: { field: string }) => d.field);
  return [(details as { field: string }).field];
}

describe('tags (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: Client;
  let editor: Client;
  let writer: Client;

  beforeAll(async () => {
    app = await bootApp();
    admin = await asAdmin(app);
    editor = await staff(app, 'editor');
    writer = await staff(app, 'writer');
  });
  afterAll(async () => {
    await app.close();
  });

  async function createTag(body: Record<string, unknown> = {}): Promise<TagDetail> {
    const res = await admin.post(BASE, { name: `Tag ${uniq()}`, kind: 'topic', ...body });
    expect(res.statusCode).toBe(201);
    return res.json<TagDetail>();
  }
  async function fetchTag(id: string): Promise<InjectResponse> {
    return admin.get(`${BASE}/${id}`);
  }
  async function bySlug(slug: string): Promise<InjectResponse> {
    return writer.get(`${BASE}/by-slug/${slug}`);
  }
  async function listAll(qs: string): Promise<TagBody[]> {
    const res = await writer.get(`${BASE}?${qs}`);
    expect(res.statusCode).toBe(200);
    return res.json<TagPage>().data;
  }

  describe('create and read', () => {
    it('should create a tag with every field when an editor sends valid input', async () => {
      const res = await editor.post(BASE, {
        name: `Foreign policy ${uniq()}`,
        kind: 'topic',
        description: 'Diplomacy and treaties',
        externalUri: 'http://cv.iptc.org/newscodes/mediatopic/20000638',
      });
      expect(res.statusCode).toBe(201);
      const created = res.json<TagDetail>();
      expect(created).toMatchObject({
        slug: expect.stringMatching(/^foreign-policy-[a-z0-9]+$/),
        kind: 'topic',
        description: 'Diplomacy and treaties',
        externalUri: 'http://cv.iptc.org/newscodes/mediatopic/20000638',
        aliases: [],
      });
      const got = await writer.get(`${BASE}/${created.id}`);
      expect(got.statusCode).toBe(200);
      expect(got.json()).toEqual(created);
      const viaSlug = await bySlug(created.slug);
      expect(viaSlug.json()).toEqual({ ...created, aliasOf: null });
    });

    it('should give a transliterated slug and number duplicates when names are Kazakh Cyrillic', async () => {
      const token = uniq();
      const a = await createTag({ name: `Қазақстан Ғылым ${token}`, kind: 'place' });
      const b = await createTag({ name: `ҚАЗАҚСТАН ғылым ${token}`, kind: 'place' });
      expect(a.slug).toBe(`qazaqstan-gylym-${token}`);
      expect(b.slug).toBe(`qazaqstan-gylym-${token}-2`);
    });

    it('should answer 409 and create nothing when an explicit slug is taken by a tag', async () => {
      const existing = await createTag();
      const before = await tableCounts(app);
      const res = await admin.post(BASE, { name: 'Other', kind: 'event', slug: existing.slug });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'CONFLICT', details: { field: 'slug' } });
      await expect(tableCounts(app)).resolves.toEqual(before);
    });

    it('should skip alias slugs when generating and refuse them when given explicitly', async () => {
      const token = uniq();
      const source = await createTag({ name: `Akorda ${token}` });
      const target = await createTag();
      expect((await admin.post(`${BASE}/${source.id}/merge`, { into: target.id })).statusCode).toBe(200);
      const regenerated = await createTag({ name: `Akorda ${token}` });
      expect(regenerated.slug).toBe(`akorda-${token}-2`);
      const before = await tableCounts(app);
      const explicit = await admin.post(BASE, { name: 'Akorda', kind: 'place', slug: source.slug });
      expect(explicit.statusCode).toBe(409);
      await expect(tableCounts(app)).resolves.toEqual(before);
    });

    it('should answer 404 when no tag or alias has the slug', async () => {
      const res = await bySlug(`nothing-${uniq()}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('validation', () => {
    it.each([
      ['an unknown field', { name: 'Valid', kind: 'topic', colour: 'red' }, 'colour'],
      ['a missing kind', { name: 'Valid' }, 'kind'],
      ['an unknown kind', { name: 'Valid', kind: 'country' }, 'kind'],
      ['a missing name', { kind: 'topic' }, 'name'],
      ['a name of the wrong type', { name: ['Astana'], kind: 'topic' }, 'name'],
      ['a name that is too long', { name: 'n'.repeat(201), kind: 'topic' }, 'name'],
      [
        'a description that is too long',
        { name: 'Valid', kind: 'topic', description: 'd'.repeat(2001) },
        'description',
      ],
      ['a bad external URI', { name: 'Valid', kind: 'topic', externalUri: 'Q1520' }, 'externalUri'],
      [
        'an external URI that is not http(s)',
        { name: 'V', kind: 'topic', externalUri: 'urn:wikidata:Q1' },
        'externalUri',
      ],
      ['a slug with punctuation', { name: 'Valid', kind: 'topic', slug: 'a--b_' }, 'slug'],
    ])(
      'should answer 400 naming the field and change nothing when the body has %s',
      async (_, body, field) => {
        const before = await tableCounts(app);
        const res = await admin.post(BASE, body);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
        expect(fieldsOf(res)).toContain(field);
        await expect(tableCounts(app)).resolves.toEqual(before);
      },
    );

    it('should answer 400 naming the field and change nothing when an update is invalid', async () => {
      const tag = await createTag();
      for (const [body, field] of [
        [{ name: null }, 'name'],
        [{ kind: null }, 'kind'],
        [{ slug: null }, 'slug'],
        [{ externalUri: 'not a uri' }, 'externalUri'],
        [{ aliases: ['x'] }, 'aliases'],
      ] as const) {
        const res = await admin.patch(`${BASE}/${tag.id}`, body);
        expect(res.statusCode).toBe(400);
        expect(fieldsOf(res)).toContain(field);
      }
      expect((await fetchTag(tag.id)).json()).toEqual(tag);
    });

    it('should answer 400 when the list query is malformed', async () => {
      for (const qs of [
        'kind=country',
        'limit=abc',
        'limit=1000',
        'cursor=bm90LWpzb24',
        'q=' + 'x'.repeat(201),
      ]) {
        const res = await writer.get(`${BASE}?${qs}`);
        expect(res.statusCode).toBe(400);
      }
    });
  });

  describe('update and delete', () => {
    it('should keep the slug and aliases when an admin renames a tag', async () => {
      const tag = await createTag({ description: 'old' });
      const merged = await createTag();
      await admin.post(`${BASE}/${merged.id}/merge`, { into: tag.id });
      const res = await admin.patch(`${BASE}/${tag.id}`, {
        name: 'Renamed',
        kind: 'event',
        description: null,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        name: 'Renamed',
        kind: 'event',
        description: null,
        slug: tag.slug,
        aliases: [merged.slug],
      });
      expect((await bySlug(merged.slug)).json()).toMatchObject({ id: tag.id, name: 'Renamed' });
    });

    it('should keep the old slug as an alias when an admin changes the slug', async () => {
      const tag = await createTag();
      const slug = `new-${uniq()}`;
      const res = await admin.patch(`${BASE}/${tag.id}`, { slug });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ slug, aliases: [tag.slug] });
      expect((await bySlug(tag.slug)).json()).toMatchObject({ id: tag.id, aliasOf: tag.slug });
      // Taking the old slug back turns it from an alias into the slug again.
      const back = await admin.patch(`${BASE}/${tag.id}`, { slug: tag.slug });
      expect(back.statusCode).toBe(200);
      expect(back.json()).toMatchObject({ slug: tag.slug, aliases: [slug] });
    });

    it('should answer 409 and change nothing when a new slug is taken by another tag or its alias', async () => {
      const tag = await createTag();
      const other = await createTag();
      const merged = await createTag();
      await admin.post(`${BASE}/${merged.id}/merge`, { into: other.id });
      const before = await tableCounts(app);
      for (const slug of [other.slug, merged.slug]) {
        const res = await admin.patch(`${BASE}/${tag.id}`, { slug });
        expect(res.statusCode).toBe(409);
        expect(fieldsOf(res)).toContain('slug');
      }
      await expect(tableCounts(app)).resolves.toEqual(before);
      expect((await fetchTag(tag.id)).json()).toEqual(tag);
    });

    it('should delete a tag and its aliases when nothing uses it', async () => {
      const tag = await createTag();
      const merged = await createTag();
      await admin.post(`${BASE}/${merged.id}/merge`, { into: tag.id });
      const res = await admin.delete(`${BASE}/${tag.id}`);
      expect(res.statusCode).toBe(204);
      expect((await fetchTag(tag.id)).statusCode).toBe(404);
      expect((await bySlug(merged.slug)).statusCode).toBe(404);
      expect((await admin.delete(`${BASE}/${tag.id}`)).statusCode).toBe(404);
    });

    it('should answer 409 and keep the tag when a RESTRICT foreign key still references it', async () => {
      // Stands in for article_tag until the article tables exist.
      const tag = await createTag();
      const ds = app.get(DataSource);
      const table = `test_tag_use_${uniq()}`;
      await ds.query(
        `CREATE TABLE "${table}" ("tag_id" uuid NOT NULL REFERENCES "tag"("id") ON DELETE RESTRICT)`,
      );
      try {
        await ds.query(`INSERT INTO "${table}" VALUES ($1)`, [tag.id]);
        const res = await admin.delete(`${BASE}/${tag.id}`);
        expect(res.statusCode).toBe(409);
        expect(res.json()).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/in use/) });
        expect((await fetchTag(tag.id)).statusCode).toBe(200);
      } finally {
        await ds.query(`DROP TABLE "${table}"`);
      }
    });

    it.each([
      ['GET', '', undefined],
      ['PATCH', '', { name: 'X' }],
      ['DELETE', '', undefined],
      ['POST', '/merge', { into: MISSING.replace(/0$/, '1') }],
    ] as const)(
      'should answer 404 for %s%s when the id is unknown and 400 when it is not a uuid',
      async (method, tail, payload) => {
        const missing = await admin.req({ method, url: `${BASE}/${MISSING}${tail}`, payload });
        expect(missing.statusCode).toBe(404);
        expect(missing.json()).toMatchObject({ code: 'NOT_FOUND' });
        const bad = await admin.req({ method, url: `${BASE}/not-a-uuid${tail}`, payload });
        expect(bad.statusCode).toBe(400);
      },
    );
  });

  describe('merge', () => {
    it('should move the slug and the aliases to the target and delete the source when an admin merges', async () => {
      const target = await createTag({ name: `Astana ${uniq()}`, kind: 'place' });
      const source = await createTag({ name: `Nur-Sultan ${uniq()}`, kind: 'place' });
      const older = await createTag({ name: `Akmola ${uniq()}`, kind: 'place' });
      expect((await admin.post(`${BASE}/${older.id}/merge`, { into: source.id })).statusCode).toBe(200);

      const res = await admin.post(`${BASE}/${source.id}/merge`, { into: target.id });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: target.id,
        slug: target.slug,
        aliases: [older.slug, source.slug].sort(),
      });
      expect((await fetchTag(source.id)).statusCode).toBe(404);
      for (const slug of [source.slug, older.slug]) {
        const found = await bySlug(slug);
        expect(found.statusCode).toBe(200);
        expect(found.json<TagLookup>()).toMatchObject({ id: target.id, slug: target.slug, aliasOf: slug });
      }
      expect((await bySlug(target.slug)).json()).toMatchObject({ id: target.id, aliasOf: null });

      const again = await admin.post(`${BASE}/${source.id}/merge`, { into: target.id });
      expect(again.statusCode).toBe(404);
    });

    it('should move each article to the target as a new version with a revision naming the merge', async () => {
      const target = await createTag({ name: `Target ${uniq()}` });
      const source = await createTag({ name: `Source ${uniq()}` });
      const other = await createTag();
      const article = async (tags: string[]) => {
        const res = await editor.post('/api/v1/articles', { headline: `Tagged ${uniq()}`, tags });
        expect(res.statusCode).toBe(201);
        return res.json<{ id: string; version: number }>();
      };
      const onlySource = await article([source.id, other.id]);
      const both = await article([source.id, target.id]);
      const untouched = await article([other.id]);

      expect((await admin.post(`${BASE}/${source.id}/merge`, { into: target.id })).statusCode).toBe(200);

      const read = async (id: string) =>
        (await editor.get(`/api/v1/articles/${id}`)).json<{ version: number; tags: { id: string }[] }>();
      expect(await read(onlySource.id)).toMatchObject({
        version: 2,
        tags: [{ id: target.id }, { id: other.id }],
      });
      expect(await read(both.id)).toMatchObject({ version: 2, tags: [{ id: target.id }] });
      expect(await read(untouched.id)).toMatchObject({ version: 1, tags: [{ id: other.id }] });
      for (const moved of [onlySource, both]) {
        const revisions = (await editor.get(`/api/v1/articles/${moved.id}/revisions`)).json<{
          data: { number: number; version: number; reason: string | null }[];
        }>().data;
        expect(revisions[0]).toMatchObject({
          number: 2,
          version: 2,
          reason: `Tag "${source.name}" merged into "${target.name}"`,
        });
        // A client still holding version 1 is told the article changed under it.
        const stale = await editor.patch(
          `/api/v1/articles/${moved.id}`,
          { summary: 'Late edit' },
          { 'if-match': '"1"' },
        );
        expect(stale.statusCode).toBe(412);
      }
    });

    it('should not deadlock with an article edit that holds the article and then references the tag', async () => {
      const target = await createTag();
      const source = await createTag();
      const res = await editor.post('/api/v1/articles', { headline: `Locked ${uniq()}`, tags: [source.id] });
      const article = res.json<{ id: string }>();
      const ds = app.get(DataSource);
      // An edit in flight: it holds the article row, as every article write does first.
      const edit = ds.createQueryRunner();
      await edit.connect();
      await edit.startTransaction();
      try {
        await edit.query('SELECT id FROM article WHERE id = $1 FOR UPDATE', [article.id]);
        const [{ pid }] = (await edit.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
        // inject() starts only when awaited: Promise.resolve sets it going now.
        const merge = Promise.resolve(admin.post(`${BASE}/${source.id}/merge`, { into: target.id }));
        // The merge has its tags and now waits for the article the edit holds.
        await waitFor(
          async () =>
            (
              await ds.query<{ n: number }[]>(
                'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
                [pid],
              )
            )[0].n > 0,
          15_000,
          'the merge to wait for the article',
        );
        // The edit then writes an article_tag row naming the source tag: its foreign key check.
        await edit.query('SELECT id FROM tag WHERE id = $1 FOR KEY SHARE', [source.id]);
        await edit.commitTransaction();
        expect((await merge).statusCode).toBe(200);
      } finally {
        if (edit.isTransactionActive) await edit.rollbackTransaction();
        await edit.release();
      }
      expect((await editor.get(`/api/v1/articles/${article.id}`)).json()).toMatchObject({
        version: 2,
        tags: [{ id: target.id }],
      });
    });

    it('should answer 400 and change nothing when a tag is merged into itself', async () => {
      const tag = await createTag();
      const before = await tableCounts(app);
      const res = await admin.post(`${BASE}/${tag.id}/merge`, { into: tag.id });
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res)).toContain('into');
      await expect(tableCounts(app)).resolves.toEqual(before);
    });

    it('should answer 404 and change nothing when the target tag does not exist', async () => {
      const tag = await createTag();
      const before = await tableCounts(app);
      const res = await admin.post(`${BASE}/${tag.id}/merge`, { into: MISSING });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ message: 'Target tag not found' });
      await expect(tableCounts(app)).resolves.toEqual(before);
      expect((await fetchTag(tag.id)).statusCode).toBe(200);
    });

    it('should answer 400 naming into when the body is not a merge request', async () => {
      const tag = await createTag();
      for (const [body, field] of [
        [{}, 'into'],
        [{ into: 'abc' }, 'into'],
        [{ into: MISSING, extra: 1 }, 'extra'],
      ] as const) {
        const res = await admin.post(`${BASE}/${tag.id}/merge`, body);
        expect(res.statusCode).toBe(400);
        expect(fieldsOf(res)).toContain(field);
      }
    });
  });

  describe('list', () => {
    it('should match a case-insensitive name prefix with LIKE wildcards taken literally when q is given', async () => {
      const token = uniq('p');
      const alpha = await createTag({ name: `${token} Alpha` });
      const beta = await createTag({ name: `${token} beta`, kind: 'person' });
      const under = await createTag({ name: `${token}_x` });
      const ax = await createTag({ name: `${token}ax` });
      await createTag({ name: `Not ${token}` });

      const upper = await listAll(`q=${token.toUpperCase()}`);
      expect(upper.map((t) => t.id).sort()).toEqual([alpha.id, beta.id, under.id, ax.id].sort());
      const a = await listAll(`q=${encodeURIComponent(`${token} a`)}`);
      expect(a.map((t) => t.id)).toEqual([alpha.id]);
      const literal = await listAll(`q=${encodeURIComponent(`${token}_`)}`);
      expect(literal.map((t) => t.id)).toEqual([under.id]);
      expect(await listAll(`q=${encodeURIComponent(`${token}%`)}`)).toEqual([]);
      const people = await listAll(`q=${token}&kind=person`);
      expect(people.map((t) => t.id)).toEqual([beta.id]);
    });

    it('should return only tags of the kind when kind is given', async () => {
      const token = uniq('k');
      const event = await createTag({ name: `${token} summit`, kind: 'event' });
      await createTag({ name: `${token} diplomacy`, kind: 'topic' });
      const events = await listAll(`kind=event&limit=100`);
      expect(events.every((t) => t.kind === 'event')).toBe(true);
      expect(events.map((t) => t.id)).toContain(event.id);
    });

    it('should return every tag once in name order when the cursor is walked over several pages', async () => {
      const token = uniq('w');
      const names = ['Echo', 'alpha', 'Alpha', 'delta', 'Charlie', 'bravo', 'foxtrot'].map(
        (n) => `${token} ${n}`,
      );
      const created = [];
      for (const name of names) created.push(await createTag({ name }));
      const seen: TagBody[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const qs: string = `q=${token}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await writer.get(`${BASE}?${qs}`);
        expect(res.statusCode).toBe(200);
        const page = res.json<TagPage>();
        seen.push(...page.data);
        cursor = page.meta.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen.map((t) => t.id).sort()).toEqual(created.map((t) => t.id).sort());
      const order = seen.map((t) => t.name.toLowerCase());
      expect(order).toEqual([...order].sort());
    });
  });

  describe('roles', () => {
    type Who = Role | 'anonymous';
    const RANK: Record<Who, number> = { anonymous: 0, writer: 1, editor: 2, admin: 3 };
    const routes: {
      name: string;
      min: Role;
      call: (c: Client, tag: TagDetail, other: TagDetail) => Promise<InjectResponse>;
    }[] = [
      { name: 'GET /', min: 'writer', call: (c) => c.get(BASE) },
      { name: 'GET /:id', min: 'writer', call: (c, t) => c.get(`${BASE}/${t.id}`) },
      { name: 'GET /by-slug/:slug', min: 'writer', call: (c, t) => c.get(`${BASE}/by-slug/${t.slug}`) },
      { name: 'POST /', min: 'editor', call: (c) => c.post(BASE, { name: `Role ${uniq()}`, kind: 'topic' }) },
      { name: 'PATCH /:id', min: 'admin', call: (c, t) => c.patch(`${BASE}/${t.id}`, { description: 'x' }) },
      { name: 'DELETE /:id', min: 'admin', call: (c, t) => c.delete(`${BASE}/${t.id}`) },
      {
        name: 'POST /:id/merge',
        min: 'admin',
        call: (c, t, o) => c.post(`${BASE}/${t.id}/merge`, { into: o.id }),
      },
    ];
    const cases = (['anonymous', 'writer', 'editor', 'admin'] as const).flatMap((who) =>
      routes.map((r) => [who, r.name, r] as const),
    );

    it.each(cases)('should decide by role when %s calls %s', async (who, _name, route) => {
      const tag = await createTag();
      const other = await createTag();
      const c =
        who === 'anonymous' ? client(app) : who === 'admin' ? admin : who === 'editor' ? editor : writer;
      const before = await tableCounts(app);
      const res = await route.call(c, tag, other);
      if (who === 'anonymous') {
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ code: 'UNAUTHORIZED' });
      } else if (RANK[who] < RANK[route.min]) {
        expect(res.statusCode).toBe(403);
        expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
      } else {
        expect([200, 201, 204]).toContain(res.statusCode);
        return;
      }
      await expect(tableCounts(app)).resolves.toEqual(before);
      expect((await fetchTag(tag.id)).json()).toEqual(tag);
    });
  });
});
