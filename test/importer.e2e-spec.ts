import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { DataSource } from 'typeorm';
import type { ArticleResponse } from '../src/articles/article.response';
import { mebibyteOf } from './hang-guard';
import { type Client, asAdmin, bootApp, client, staff, tableCounts, uniq } from './helpers';
import { requireConcurrentPostgres } from './race-guard';

interface ImportBody {
  article: ArticleResponse;
  warnings: string[];
  created: boolean;
}
type Staff = Awaited<ReturnType<typeof staff>>;
interface NamedRow {
  id: string;
  name: string;
  kind?: string;
  active?: boolean;
}

const FIXTURES = path.join(__dirname, '../src/importer/fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const SEED = fixture('kazinform-seed.txt');
const SEED_HEADLINE = 'Political consultations btw Kazakhstan and Canada held in Astana';
const SEED_TAGS = ['Kazakhstan and Canada', 'Ministry of Foreign Affairs'];
const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** The lines of a text, trimmed, blank ones and odd spaces dropped. */
const linesOf = (text: string) =>
  text
    .replace(/[\u00A0\t]/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.replace(/ +/g, ' ').trim())
    .filter((line) => line !== '');

/** A small valid item; the parts given replace the defaults. */
function item(
  parts: { headline?: string; author?: string | null; tags?: string | null; body?: string } = {},
) {
  const headline = parts.headline ?? `Wire item ${uniq()}`;
  const lines = [
    headline,
    '',
    '12 April 2024, 10:15',
    '',
    `ALMATY. KAZINFORM – ${parts.body ?? 'The first paragraph of the item says what happened.'}`,
    '',
    'A second paragraph adds the detail.',
  ];
  if (parts.author !== null) lines.push('', 'Author:', '', parts.author ?? `Writer ${uniq()}`);
  if (parts.tags !== null) lines.push('', parts.tags ?? `Topic ${uniq()}`);
  return `${lines.join('\n')}\n`;
}

describe('plain-text import and export (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: Client;
  let writer: Staff;
  let otherWriter: Staff;

  const importText = (c: Client, text: string, query = '', headers: Record<string, string> = TEXT) =>
    c.req({ method: 'POST', url: `/api/v1/articles/import${query}`, payload: text, headers });
  const exportText = (c: Client, id: string, query = '?format=text') =>
    c.get(`/api/v1/articles/${id}/export${query}`);
  const imported = (res: InjectResponse, status: number): ImportBody => {
    expect({ status: res.statusCode, body: res.statusCode === status ? null : res.body }).toEqual({
      status,
      body: null,
    });
    return res.json<ImportBody>();
  };
  const rows = (sql: string, params: unknown[]) => app.get(DataSource).query<NamedRow[]>(sql, params);
  const activeAuthorsNamed = (name: string) =>
    rows(`SELECT id, name FROM author WHERE active AND lower(name) = lower($1) ORDER BY created_at, id`, [
      name,
    ]);
  const tagsNamed = (name: string) =>
    rows(`SELECT id, name, kind FROM tag WHERE lower(name) = lower($1) ORDER BY created_at, id`, [name]);

  beforeAll(async () => {
    app = await bootApp();
    admin = await asAdmin(app);
    writer = await staff(app, 'writer');
    otherWriter = await staff(app, 'writer');
  });
  afterAll(async () => {
    await app.close();
  });

  describe('the seed item', () => {
    let first: ImportBody;
    let authorsBefore: NamedRow[];

    beforeAll(async () => {
      // Other spec files share the database and may have made these tags already: matching is by name.
      for (const name of SEED_TAGS) {
        if ((await tagsNamed(name)).length === 0) {
          const res = await admin.post('/api/v1/tags', { name, kind: 'topic' });
          expect(res.statusCode).toBe(201);
        }
      }
      authorsBefore = await activeAuthorsNamed('Adlet Seilkhanov');
      first = imported(await importText(writer, SEED), 201);
    });

    it('should create a draft with every field read from the text when the tags exist', async () => {
      const { article, warnings, created } = first;
      expect(created).toBe(true);
      expect(warnings).toEqual([]);
      expect(article).toMatchObject({
        headline: SEED_HEADLINE,
        slug: expect.stringMatching(/^political-consultations-btw-kazakhstan-and-canada-held-in-astana/),
        language: 'en',
        genre: 'news',
        status: 'draft',
        version: 1,
        timezone: 'Asia/Almaty',
        originalPublishedAt: '2023-06-30T15:38:00.000Z',
        dateline: { place: 'ASTANA', agency: 'KAZINFORM', text: 'ASTANA. KAZINFORM –' },
        createdBy: { id: writer.user.id },
        byline: 'Adlet Seilkhanov',
      });
      const paragraphs = article.body.match(/<p>(.*?)<\/p>/g) ?? [];
      expect(paragraphs).toHaveLength(6);
      expect(paragraphs[0]).toBe(
        '<p>The third round of Kazakh-Canadian political consultations took place at the Ministry of Foreign ' +
          'Affairs of the Republic of Kazakhstan. The Kazakh delegation was led by First Deputy Minister of ' +
          'Foreign Affairs of the Republic of Kazakhstan Kairat Umarov, the Canadian delegation was led by Vice ' +
          'Minister of Foreign Affairs of Canada for Europe, the Arctic, the Middle East and North Africa Sandra ' +
          'McCardell, Kazinform cites the press service of the Kazakh Ministry of Foreign Affairs.</p>',
      );
      expect(article.body).toContain(
        '«Kazakhstan, with a bilateral trade volume surpassing 1 billion US dollars',
      );
      expect(article.body).not.toContain('ASTANA. KAZINFORM');
      expect(article.tags.map((t) => t.name)).toEqual(SEED_TAGS);
      const expectedTagIds = await Promise.all(SEED_TAGS.map(async (name) => (await tagsNamed(name))[0].id));
      expect(article.tags.map((t) => t.id)).toEqual(expectedTagIds);
      expect(article.authors).toEqual([
        expect.objectContaining({ name: 'Adlet Seilkhanov', role: 'writer', slug: expect.any(String) }),
      ]);

      const res = await writer.get(`/api/v1/articles/${article.id}/revisions/1`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ reason: 'Imported from plain text', version: 1 });
    });

    it('should create the author, or credit the existing one, when matching by name', async () => {
      const after = await activeAuthorsNamed('Adlet Seilkhanov');
      if (authorsBefore.length === 0) {
        // Nobody had that name yet: the import created exactly one author.
        expect(after).toHaveLength(1);
        expect(first.article.authors[0].id).toBe(after[0].id);
      } else {
        expect(after).toEqual(authorsBefore);
        expect(first.article.authors[0].id).toBe(authorsBefore[0].id);
      }
    });

    it('should return the existing article with 200 when the same text is imported again', async () => {
      const before = await tableCounts(app);
      const again = imported(await importText(otherWriter, SEED), 200);
      expect(again.created).toBe(false);
      expect(again.article.id).toBe(first.article.id);
      expect(again.article.version).toBe(1);
      expect(await tableCounts(app)).toEqual(before);
    });

    it('should recognise the same text when only whitespace, line endings and NBSPs differ', async () => {
      const variant = fixture('seed-crlf-nbsp.txt');
      expect(variant).not.toBe(SEED);
      const res = imported(await importText(writer, variant), 200);
      expect(res.article.id).toBe(first.article.id);

      const reindented = imported(await importText(writer, `\n\n${SEED.replace(/^ +/gm, '\t')}\n\n\n`), 200);
      expect(reindented.article.id).toBe(first.article.id);
    });

    it('should give back the seed lines when the imported seed is exported', async () => {
      const res = await exportText(otherWriter, first.article.id);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(linesOf(res.body)).toEqual(linesOf(SEED));
    });
  });

  describe('authors and tags', () => {
    it('should create a topic tag from the unmatched rest of the tag line and warn about it', async () => {
      const rest = `Zephyr corridor ${uniq()}`;
      const { article, warnings } = imported(
        await importText(writer, item({ tags: `Ministry of Foreign Affairs, ${rest}` })),
        201,
      );
      expect(article.tags.map((t) => t.name)).toEqual(['Ministry of Foreign Affairs', rest]);
      const [created] = await tagsNamed(rest);
      expect(created).toMatchObject({ id: article.tags[1].id, kind: 'topic' });
      expect(warnings).toEqual([
        `No existing tag matched "${rest}" in the tag line; it was created as a new topic tag`,
      ]);
    });

    it('should make the whole tag line a new topic tag when no tag name occurs in it', async () => {
      const line = `Quasar fields ${uniq()}`;
      const { article, warnings } = imported(await importText(writer, item({ tags: line })), 201);
      expect(article.tags).toEqual([expect.objectContaining({ name: line, kind: 'topic' })]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(line);
    });

    it('should credit an existing active author whatever the case, and create a new one otherwise', async () => {
      const name = `Aigerim Test${uniq()}`;
      const one = imported(await importText(writer, item({ author: name })), 201);
      expect(one.article.authors).toEqual([expect.objectContaining({ name, role: 'writer' })]);
      expect(await activeAuthorsNamed(name)).toHaveLength(1);

      const two = imported(await importText(writer, item({ author: name.toUpperCase() })), 201);
      expect(two.article.authors.map((a) => a.id)).toEqual([one.article.authors[0].id]);
      expect(await activeAuthorsNamed(name)).toHaveLength(1);

      // An inactive author is not credited: a new one is created.
      const res = await admin.post(`/api/v1/authors/${one.article.authors[0].id}/deactivate`);
      expect(res.statusCode).toBeLessThan(300);
      const three = imported(await importText(writer, item({ author: name })), 201);
      expect(three.article.authors[0].id).not.toBe(one.article.authors[0].id);
      expect(three.article.authors[0].slug).not.toBe(one.article.authors[0].slug);
    });

    it('should import a Russian item with its Cyrillic dateline, author and tags', async () => {
      const text = fixture('russian-item.txt');
      const { article, warnings } = imported(await importText(writer, text), 201);
      expect(article).toMatchObject({
        language: 'ru',
        headline: 'Политические консультации между Казахстаном и Канадой прошли в Астане',
        slug: expect.stringMatching(/^politicheskie-konsultatsii-mezhdu-kazakhstanom/),
        originalPublishedAt: '2023-06-30T15:38:00.000Z',
        dateline: { place: 'АСТАНА', agency: 'КАЗИНФОРМ' },
      });
      expect(article.body.match(/<p>/g)).toHaveLength(3);
      expect(article.authors.map((a) => a.name)).toEqual(['Адлет Сейлханов']);
      expect(article.tags.map((t) => t.name).join(' ')).toBe('Казахстан и Канада МИД РК');
      expect(warnings).toEqual([
        'No existing tag matched "Казахстан и Канада МИД РК" in the tag line; it was created as a new topic tag',
      ]);

      const exported = await exportText(writer, article.id);
      expect(linesOf(exported.body)).toEqual(linesOf(text));
    });

    it('should use the language from the query when it is given', async () => {
      const { article } = imported(await importText(writer, item(), '?language=kk'), 201);
      expect(article.language).toBe('kk');
    });
  });

  describe('concurrency', () => {
    beforeAll(() => requireConcurrentPostgres(app));

    it('should create one article when the same text is imported twice at once', async () => {
      for (let round = 0; round < 5; round++) {
        const text = item({ author: `Racer ${uniq()}`, tags: `Race tag ${uniq()}` });
        const results = await Promise.all([importText(writer, text), importText(otherWriter, text)]);
        expect(results.map((r) => r.statusCode).sort()).toEqual([200, 201]);
        const [a, b] = results.map((r) => r.json<ImportBody>());
        expect(a.article.id).toBe(b.article.id);
        const headline = a.article.headline;
        const [{ n }] = await app
          .get(DataSource)
          .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM article WHERE headline = $1`, [headline]);
        expect(n).toBe(1);
        // The loser wrote nothing: no second author or tag of the same name.
        expect(await activeAuthorsNamed(a.article.authors[0].name)).toHaveLength(1);
        expect(await tagsNamed(a.article.tags[0].name)).toHaveLength(1);
      }
    });
  });

  describe('bad input', () => {
    it('should answer 400 naming the problem and write nothing when the text has no body', async () => {
      const before = await tableCounts(app);
      const res = await importText(writer, `Just a headline ${uniq()}\n\n30 June 2023, 21:38\n`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'The text has a headline but no body paragraph',
      });
      expect(await tableCounts(app)).toEqual(before);
    });

    it('should answer 400 for an empty body', async () => {
      const res = await importText(writer, '  \n\t\n');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'BAD_REQUEST', message: 'The text is empty' });
    });

    it('should leave no half-created author or tag when the item fails after they were made', async () => {
      const author = `Half ${uniq()}`;
      const tag = `Half tag ${uniq()}`;
      const before = await tableCounts(app);
      const res = await importText(writer, item({ headline: `Long ${'x'.repeat(320)}`, author, tags: tag }));
      expect(res.statusCode).toBe(400);
      expect(res.json<{ message: string }>().message).toMatch(
        /^The imported item is invalid: headline must be shorter than or equal to 300 characters/,
      );
      expect(await tableCounts(app)).toEqual(before);
      expect(await activeAuthorsNamed(author)).toEqual([]);
      expect(await tagsNamed(tag)).toEqual([]);
    });

    it('should answer 400 before looking anyone up when the Author: block names more than 20 authors', async () => {
      const names = Array.from({ length: 21 }, () => `Many ${uniq()}`);
      const before = await tableCounts(app);
      const res = await importText(writer, item({ author: names.join(', ') }));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'BAD_REQUEST',
        message: 'The "Author:" block names 21 authors; at most 20 are allowed',
      });
      expect(await tableCounts(app)).toEqual(before);
    });

    it('should answer 400 when the language query is not a supported language', async () => {
      const res = await importText(writer, item(), '?language=xx-nope');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('should answer 415 in the one error shape when the body is not text/plain', async () => {
      const json = await writer.post('/api/v1/articles/import', { text: SEED });
      expect(json.statusCode).toBe(415);
      expect(json.json()).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(json.json<{ message: string }>().message).toContain('text/plain');

      const xml = await importText(writer, '<item/>', '', { 'content-type': 'application/xml' });
      expect(xml.statusCode).toBe(415);
      expect(xml.json()).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });

      const latin1 = await importText(writer, item(), '', {
        'content-type': 'text/plain; charset=windows-1251',
      });
      expect(latin1.statusCode).toBe(415);
      expect(latin1.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    });

    it('should answer 413 when the text is over the body-size limit', async () => {
      const res = await importText(writer, item({ body: 'word '.repeat(250_000) }));
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    describe('1 MiB of pathological text', () => {
      const HEAD = `Pathological ${uniq()}\n\n30 June 2023, 21:38\n\nASTANA. KAZINFORM – The body says it.\n\n`;
      const END = '\n\nAuthor:\n\nAdlet Seilkhanov\n\nEnergy\n';
      // Lines just under the 20,000-character line limit, blank-line separated, up to 1 MiB in all.
      const lines = (line: string) => mebibyteOf(`${line}\n\n`, HEAD, END);
      const gap = '\n'.repeat(100_000);

      it.each([
        [
          '"Author: A", 900,000 dots, a tag line',
          `${HEAD}Author: A${'.'.repeat(900_000)}\nEnergy\n`,
          400,
          /^Line 7 is 900,009 characters long; at most 20,000/,
        ],
        [
          '"Author: A", 900,000 dots, a name',
          `${HEAD}Author: A${'.'.repeat(900_000)}B\nEnergy\n`,
          400,
          /^Line 7 is 900,010 characters long/,
        ],
        [
          'one line of spaces',
          mebibyteOf(' ', `${HEAD}a`, `x${END}`),
          400,
          /^Line 7 is [\d,]+ characters long/,
        ],
        [
          'a tag line of separators',
          mebibyteOf(',; -', `${HEAD}Author:\n\nAdlet Seilkhanov\n\n`, 'x\n'),
          400,
          /^Line 11 is [\d,]+ characters long/,
        ],
        [
          'a 1,001-character tag line',
          `${HEAD}Author:\n\nAdlet Seilkhanov\n\nEnergy${', -.'.repeat(248)}xyz\n`,
          400,
          /^Line 11 \(author names or tag line\) is 1,001 characters long; at most 1,000/,
        ],
        [
          'lines of dots',
          lines(`${'.'.repeat(19_998)}x`),
          400,
          /^The imported item is invalid: body must be shorter than or equal to 500000 characters/,
        ],
        [
          'lines of separators',
          lines(`${',;|/.#-'.repeat(2_857)}x`),
          400,
          /body must be shorter than or equal to 500000/,
        ],
        [
          'lines of unmatched quotes',
          lines(`${'"«“\'(['.repeat(3_333)}x`),
          400,
          /body must be shorter than or equal to 500000/,
        ],
        ['lines of spaces', lines(`a${' '.repeat(19_998)}x`), 201, null],
        ['lines of NBSPs', lines(`a${'\u00a0'.repeat(19_998)}x`), 201, null],
        [
          '100,000 blank lines between the parts',
          `Gaps ${uniq()}${gap}30 June 2023, 21:38${gap}ASTANA. KAZINFORM – Body.${gap}Author:${gap}Adlet Seilkhanov${gap}Energy\n`,
          201,
          null,
        ],
      ])('should answer promptly when the text has %s', async (_, text, status, message) => {
        expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1_048_576);
        const before = status === 400 ? await tableCounts(app) : null;
        const res = await importText(writer, text);
        expect({ status: res.statusCode, message: res.json<{ message?: string }>().message }).toEqual({
          status,
          message: message ? expect.stringMatching(message) : undefined,
        });
        if (before) expect(await tableCounts(app)).toEqual(before);
        else expect(res.json<ImportBody>().article.byline).toBe('Adlet Seilkhanov');
      });
    });

    it('should answer 401 when nobody is signed in', async () => {
      const anonymous = client(app);
      expect((await importText(anonymous, item())).statusCode).toBe(401);
      expect((await exportText(anonymous, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(401);
    });
  });

  describe('export', () => {
    it('should answer 400 for an unknown format and 404 for a missing article', async () => {
      const { article } = imported(await importText(writer, item()), 201);
      const bad = await exportText(writer, article.id, '?format=ninjs');
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        message: expect.stringContaining('format'),
      });
      expect((await exportText(writer, article.id, '')).statusCode).toBe(200);
      expect((await exportText(writer, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    });

    it('should export an article written in the newsroom, without a time line when it was never published', async () => {
      const headline = `Newsroom story ${uniq()}`;
      const res = await writer.post('/api/v1/articles', {
        headline,
        dateline: { place: 'SHYMKENT' },
        body: '<p>First <strong>bold</strong> paragraph &amp; more.</p><ul><li>One point</li></ul>',
      });
      expect(res.statusCode).toBe(201);
      const exported = await exportText(otherWriter, res.json<ArticleResponse>().id);
      expect(exported.statusCode).toBe(200);
      expect(exported.body).toBe(
        `${headline}\n\nSHYMKENT. KAZINFORM – First bold paragraph & more.\n\nOne point\n`,
      );
    });
  });
});
