import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { DataSource } from 'typeorm';
import type { Role } from '../src/common/roles';
import { type Client, asAdmin, bootApp, client, staff, tableCounts, uniq } from './helpers';

interface AuthorBody {
  id: string;
  name: string;
  slug: string;
  title: string | null;
  bio: string | null;
  email: string | null;
  avatarUrl: string | null;
  userId: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}
interface AuthorPage {
  data: AuthorBody[];
  meta: { nextCursor: string | null };
}

const BASE = '/api/v1/authors';
const MISSING = '00000000-0000-4000-8000-000000000000';

function fieldsOf(res: InjectResponse): string[] {
  const details = res.json<{ details?: unknown }>().details;
  if (Array.isArray(details)) return details.map((d: { field: string }) => d.field);
  return [(details as { field: string }).field];
}

describe('authors (e2e)', () => {
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

  async function createAuthor(body: Record<string, unknown> = {}): Promise<AuthorBody> {
    const res = await admin.post(BASE, { name: `Author ${uniq()}`, ...body });
    expect(res.statusCode).toBe(201);
    return res.json<AuthorBody>();
  }

  describe('create and read', () => {
    it('should create an author with every field when an editor sends valid input', async () => {
      const res = await editor.post(BASE, {
        name: `  Aigerim Seitkali ${uniq()} `,
        title: 'correspondent',
        bio: 'Covers foreign policy.',
        email: 'A.Seitkali@Kazinform.kz',
        avatarUrl: 'https://cdn.example.kz/a.jpg',
      });
      expect(res.statusCode).toBe(201);
      const created = res.json<AuthorBody>();
      expect(created).toMatchObject({
        name: expect.stringMatching(/^Aigerim Seitkali \w+$/),
        slug: expect.stringMatching(/^aigerim-seitkali-[a-z0-9]+$/),
        title: 'correspondent',
        bio: 'Covers foreign policy.',
        email: 'a.seitkali@kazinform.kz',
        avatarUrl: 'https://cdn.example.kz/a.jpg',
        userId: null,
        active: true,
      });
      const got = await writer.get(`${BASE}/${created.id}`);
      expect(got.statusCode).toBe(200);
      expect(got.json()).toEqual(created);
    });

    it('should give a readable Latin slug when the name is Kazakh Cyrillic', async () => {
      const first = await createAuthor({ name: 'Қасым-Жомарт Тоқаев' });
      expect(first.slug).toBe('qasym-zhomart-toqaev');
      const second = await createAuthor({ name: 'Қасым-Жомарт Тоқаев' });
      expect(second.slug).toBe('qasym-zhomart-toqaev-2');
    });

    it('should number the slug when another author already has the generated one', async () => {
      const token = uniq();
      const a = await createAuthor({ name: `Астана ${token}` });
      const b = await createAuthor({ name: `Астана ${token}` });
      const c = await createAuthor({ name: `astana ${token}` });
      expect([a.slug, b.slug, c.slug]).toEqual([`astana-${token}`, `astana-${token}-2`, `astana-${token}-3`]);
    });

    it('should keep an explicit slug when it is free', async () => {
      const slug = `byline-${uniq()}`;
      const created = await createAuthor({ slug });
      expect(created.slug).toBe(slug);
    });

    it('should answer 409 and create nothing when an explicit slug is taken', async () => {
      const existing = await createAuthor();
      const before = await tableCounts(app);
      const res = await admin.post(BASE, { name: 'Someone Else', slug: existing.slug });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'CONFLICT', details: { field: 'slug' } });
      await expect(tableCounts(app)).resolves.toEqual(before);
    });

    it('should link the staff account when userId names an existing user', async () => {
      const userId = await meId(writer);
      const created = await createAuthor({ userId });
      expect(created.userId).toBe(userId);
    });

    it('should answer 400 naming userId and create nothing when userId names no user', async () => {
      const before = await tableCounts(app);
      const res = await admin.post(BASE, { name: 'Nobody', userId: MISSING });
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res)).toContain('userId');
      await expect(tableCounts(app)).resolves.toEqual(before);
    });
  });

  describe('validation', () => {
    it.each([
      ['an unknown field', { name: 'Valid', nickname: 'x' }, 'nickname'],
      ['a missing name', { title: 'correspondent' }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a name of the wrong type', { name: 123 }, 'name'],
      ['a name that is too long', { name: 'n'.repeat(201) }, 'name'],
      ['a title that is too long', { name: 'Valid', title: 't'.repeat(201) }, 'title'],
      ['a bad avatar URL', { name: 'Valid', avatarUrl: 'not a url' }, 'avatarUrl'],
      [
        'an avatar URL that is not http(s)',
        { name: 'Valid', avatarUrl: 'ftp://cdn.example.kz/a.jpg' },
        'avatarUrl',
      ],
      ['a bad email', { name: 'Valid', email: 'not-an-email' }, 'email'],
      ['a slug with capitals and spaces', { name: 'Valid', slug: 'Bad Slug' }, 'slug'],
      ['a null slug', { name: 'Valid', slug: null }, 'slug'],
      ['a userId that is not a uuid', { name: 'Valid', userId: 'abc' }, 'userId'],
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
      const author = await createAuthor();
      for (const [body, field] of [
        [{ name: null }, 'name'],
        [{ active: 'yes' }, 'active'],
        [{ avatarUrl: 'javascript:alert(1)' }, 'avatarUrl'],
        [{ id: MISSING }, 'id'],
      ] as const) {
        const res = await admin.patch(`${BASE}/${author.id}`, body);
        expect(res.statusCode).toBe(400);
        expect(fieldsOf(res)).toContain(field);
      }
      await expect(fetchAuthor(author.id)).resolves.toEqual(author);
    });

    it('should answer 400 when the list query is malformed', async () => {
      for (const qs of ['limit=0', 'limit=101', 'active=maybe', 'cursor=not-a-cursor', 'sort=name']) {
        const res = await writer.get(`${BASE}?${qs}`);
        expect(res.statusCode).toBe(400);
      }
    });
  });

  describe('update, deactivate, delete', () => {
    it('should change fields and keep the slug when an admin renames an author', async () => {
      const author = await createAuthor({ title: 'correspondent', bio: 'Old bio' });
      const res = await admin.patch(`${BASE}/${author.id}`, {
        name: 'Renamed Person',
        title: null,
        bio: 'New',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        name: 'Renamed Person',
        slug: author.slug,
        title: null,
        bio: 'New',
      });
      await expect(fetchAuthor(author.id)).resolves.toMatchObject({
        name: 'Renamed Person',
        title: null,
      });
    });

    it('should change the slug when the new one is free and answer 409 when it is taken', async () => {
      const author = await createAuthor();
      const other = await createAuthor();
      const slug = `moved-${uniq()}`;
      const res = await admin.patch(`${BASE}/${author.id}`, { slug });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ slug });
      const clash = await admin.patch(`${BASE}/${author.id}`, { slug: other.slug });
      expect(clash.statusCode).toBe(409);
      await expect(fetchAuthor(author.id)).resolves.toMatchObject({ slug });
      const same = await admin.patch(`${BASE}/${author.id}`, { slug });
      expect(same.statusCode).toBe(200);
    });

    it('should link and unlink a staff account when userId is set and cleared', async () => {
      const author = await createAuthor();
      const id = await meId(editor);
      await expect(
        admin.patch(`${BASE}/${author.id}`, { userId: id }).then((r) => r.json<AuthorBody>()),
      ).resolves.toMatchObject({ userId: id });
      const missing = await admin.patch(`${BASE}/${author.id}`, { userId: MISSING });
      expect(missing.statusCode).toBe(400);
      expect(fieldsOf(missing)).toContain('userId');
      await expect(
        admin.patch(`${BASE}/${author.id}`, { userId: null }).then((r) => r.json<AuthorBody>()),
      ).resolves.toMatchObject({ userId: null });
    });

    it('should deactivate idempotently and reactivate through PATCH when an admin asks', async () => {
      const author = await createAuthor();
      const first = await admin.post(`${BASE}/${author.id}/deactivate`);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toMatchObject({ id: author.id, active: false });
      const again = await admin.post(`${BASE}/${author.id}/deactivate`);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      const back = await admin.patch(`${BASE}/${author.id}`, { active: true });
      expect(back.json()).toMatchObject({ active: true });
    });

    it('should delete an author when nothing uses it', async () => {
      const author = await createAuthor();
      const res = await admin.delete(`${BASE}/${author.id}`);
      expect(res.statusCode).toBe(204);
      expect((await admin.get(`${BASE}/${author.id}`)).statusCode).toBe(404);
      expect((await admin.delete(`${BASE}/${author.id}`)).statusCode).toBe(404);
    });

    it('should answer 409 and keep the author when a RESTRICT foreign key still references it', async () => {
      // Stands in for the article tables, which reference authors with ON DELETE RESTRICT.
      const author = await createAuthor();
      const ds = app.get(DataSource);
      const table = `test_author_use_${uniq()}`;
      await ds.query(
        `CREATE TABLE "${table}" ("author_id" uuid NOT NULL REFERENCES "author"("id") ON DELETE RESTRICT)`,
      );
      try {
        await ds.query(`INSERT INTO "${table}" VALUES ($1)`, [author.id]);
        const res = await admin.delete(`${BASE}/${author.id}`);
        expect(res.statusCode).toBe(409);
        expect(res.json()).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/in use/) });
        expect((await admin.get(`${BASE}/${author.id}`)).statusCode).toBe(200);
      } finally {
        await ds.query(`DROP TABLE "${table}"`);
      }
    });

    it.each([
      ['GET', ''],
      ['PATCH', ''],
      ['POST', '/deactivate'],
      ['DELETE', ''],
    ] as const)(
      'should answer 404 for %s%s when the id is unknown and 400 when it is not a uuid',
      async (method, tail) => {
        const payload = method === 'PATCH' ? { name: 'X' } : undefined;
        const missing = await admin.req({ method, url: `${BASE}/${MISSING}${tail}`, payload });
        expect(missing.statusCode).toBe(404);
        expect(missing.json()).toMatchObject({ code: 'NOT_FOUND' });
        const bad = await admin.req({ method, url: `${BASE}/not-a-uuid${tail}`, payload });
        expect(bad.statusCode).toBe(400);
      },
    );
  });

  describe('list', () => {
    it('should find authors case-insensitively by any part of the name when q is given', async () => {
      const token = uniq('q');
      const a = await createAuthor({ name: `Dana ${token} Nurova` });
      const b = await createAuthor({ name: `${token}bek Aliyev` });
      await createAuthor({ name: `Unrelated ${uniq()}` });
      const res = await writer.get(`${BASE}?q=${encodeURIComponent(token.toUpperCase())}`);
      expect(res.statusCode).toBe(200);
      const page = res.json<AuthorPage>();
      expect(page.data.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
      const literal = await writer.get(`${BASE}?q=${encodeURIComponent(`${token}%`)}`);
      expect(literal.json<AuthorPage>().data).toEqual([]);
    });

    it('should filter by active when active is given', async () => {
      const token = uniq('act');
      const on = await createAuthor({ name: `${token} On` });
      const off = await createAuthor({ name: `${token} Off` });
      await admin.post(`${BASE}/${off.id}/deactivate`);
      const active = await writer.get(`${BASE}?q=${token}&active=true`);
      expect(active.json<AuthorPage>().data.map((x) => x.id)).toEqual([on.id]);
      const inactive = await writer.get(`${BASE}?q=${token}&active=false`);
      expect(inactive.json<AuthorPage>().data.map((x) => x.id)).toEqual([off.id]);
      const all = await writer.get(`${BASE}?q=${token}`);
      expect(all.json<AuthorPage>().data).toHaveLength(2);
    });

    it('should return every author once in name order when the cursor is walked over several pages', async () => {
      const token = uniq('walk');
      const names = ['delta', 'Alpha', 'charlie', 'Bravo', 'echo', 'alpha'].map((n) => `${token} ${n}`);
      const created = [];
      for (const name of names) created.push(await createAuthor({ name }));
      const seen: AuthorBody[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const qs: string = `q=${token}&limit=4${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await writer.get(`${BASE}?${qs}`);
        expect(res.statusCode).toBe(200);
        const page = res.json<AuthorPage>();
        seen.push(...page.data);
        cursor = page.meta.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(2);
      expect(seen.map((a) => a.id).sort()).toEqual(created.map((a) => a.id).sort());
      const order = seen.map((a) => a.name.toLowerCase());
      expect(order).toEqual([...order].sort());
    });

    it('should use the default page size of 20 when limit is absent', async () => {
      const token = uniq('many');
      for (let i = 0; i < 21; i++) await createAuthor({ name: `${token} ${String(i).padStart(2, '0')}` });
      const page = (await writer.get(`${BASE}?q=${token}`)).json<AuthorPage>();
      expect(page.data).toHaveLength(20);
      expect(page.meta.nextCursor).toEqual(expect.any(String));
    });
  });

  describe('roles', () => {
    type Who = Role | 'anonymous';
    const RANK: Record<Who, number> = { anonymous: 0, writer: 1, editor: 2, admin: 3 };
    const routes: { name: string; min: Role; call: (c: Client, id: string) => Promise<InjectResponse> }[] = [
      { name: 'GET /', min: 'writer', call: (c) => c.get(BASE) },
      { name: 'GET /:id', min: 'writer', call: (c, id) => c.get(`${BASE}/${id}`) },
      { name: 'POST /', min: 'editor', call: (c) => c.post(BASE, { name: `Role ${uniq()}` }) },
      { name: 'PATCH /:id', min: 'admin', call: (c, id) => c.patch(`${BASE}/${id}`, { bio: 'changed' }) },
      { name: 'POST /:id/deactivate', min: 'admin', call: (c, id) => c.post(`${BASE}/${id}/deactivate`) },
      { name: 'DELETE /:id', min: 'admin', call: (c, id) => c.delete(`${BASE}/${id}`) },
    ];
    const cases = (['anonymous', 'writer', 'editor', 'admin'] as const).flatMap((who) =>
      routes.map((r) => [who, r.name, r] as const),
    );

    it.each(cases)('should decide by role when %s calls %s', async (who, _name, route) => {
      const target = await createAuthor();
      const c =
        who === 'anonymous' ? client(app) : who === 'admin' ? admin : who === 'editor' ? editor : writer;
      const before = await tableCounts(app);
      const res = await route.call(c, target.id);
      if (who === 'anonymous') {
        expect(res.statusCode).toBe(401);
      } else if (RANK[who] < RANK[route.min]) {
        expect(res.statusCode).toBe(403);
        expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
      } else {
        expect([200, 201, 204]).toContain(res.statusCode);
        return;
      }
      await expect(tableCounts(app)).resolves.toEqual(before);
      await expect(fetchAuthor(target.id)).resolves.toEqual(target);
    });
  });

  async function fetchAuthor(id: string): Promise<AuthorBody> {
    return (await admin.get(`${BASE}/${id}`)).json<AuthorBody>();
  }

  async function meId(c: Client): Promise<string> {
    return (await c.get('/api/v1/auth/me')).json<{ id: string }>().id;
  }
});
