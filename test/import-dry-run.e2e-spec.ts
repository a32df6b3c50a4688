import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { BACKGROUND_TABLES, DbDigest, changedTables } from './hostile';
import { type Client, bootApp, staff, uniq } from './helpers';

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

interface DryRun {
  headline: string;
  dateline: { place: string; agency: string } | null;
  time: string | null;
  timeLocal: string | null;
  paragraphs: string[];
  authors: string[];
  tags: string[];
  language: string;
  warnings: string[];
  importedAs: string | null;
}

describe('import dry run (e2e)', () => {
  let app: NestFastifyApplication;
  let writer: Client;
  let digest: DbDigest;

  const importText = (text: string, query = '') =>
    writer.req({ method: 'POST', url: `/api/v1/articles/import${query}`, payload: text, headers: TEXT });

  beforeAll(async () => {
    app = await bootApp();
    writer = await staff(app, 'writer');
    digest = await DbDigest.create(app, BACKGROUND_TABLES);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('should answer the parsed fields with 200 and store nothing; the real import then makes that draft', async () => {
    const headline = `Dry run ${uniq()} consultations held in Astana`;
    const author = `Reporter ${uniq()}`;
    const tag = `Topic ${uniq()}`;
    const text = [
      headline,
      '',
      '30 June 2023, 21:38',
      '',
      'ASTANA. KAZINFORM – The third round of consultations took place.',
      '',
      'A second paragraph adds the detail.',
      '',
      'Author:',
      '',
      author,
      '',
      tag,
      '',
    ].join('\n');

    const before = await digest.take();
    const dry = await importText(text, '?dryRun=true');
    const after = await digest.take();
    expect(dry.statusCode).toBe(200);
    expect(changedTables(before, after)).toEqual([]);
    const parsed = dry.json<DryRun>();
    expect(parsed).toMatchObject({
      headline,
      dateline: { place: 'ASTANA', agency: 'KAZINFORM' },
      timeLocal: '2023-06-30T21:38:00+06:00',
      time: '2023-06-30T15:38:00.000Z',
      paragraphs: ['The third round of consultations took place.', 'A second paragraph adds the detail.'],
      authors: [author],
      tags: [tag],
      language: 'en',
      importedAs: null,
    });
    expect(parsed.warnings.join('\n')).toContain(`"${tag}"`);

    // dryRun=false is the ordinary import, which creates the draft the dry run described.
    const real = await importText(text, '?dryRun=false');
    expect(real.statusCode).toBe(201);
    const article = real.json<{
      article: { id: string; headline: string; authors: { name: string }[]; tags: { name: string }[] };
    }>().article;
    expect(article.headline).toBe(headline);
    expect(article.authors.map((a) => a.name)).toEqual([author]);
    expect(article.tags.map((t) => t.name)).toEqual([tag]);

    // Now the tag exists and the text was imported: the dry run says so, still writing nothing.
    const again1 = await digest.take();
    const again = await importText(text, '?dryRun=true');
    expect(changedTables(again1, await digest.take())).toEqual([]);
    expect(again.json<DryRun>()).toMatchObject({ importedAs: article.id, tags: [tag] });
  });

  it('should refuse what the import refuses, and a dryRun that is not a boolean, with 400', async () => {
    const before = await digest.take();
    for (const [payload, query] of [
      ['', '?dryRun=true'],
      ['A headline\n\nText.\n', '?dryRun=perhaps'],
      [`${'x'.repeat(20_000)}\n`, '?dryRun=true'],
    ]) {
      const res = await importText(payload, query);
      expect({ query, status: res.statusCode }).toEqual({ query, status: 400 });
      expect(res.json()).toMatchObject({ statusCode: 400, code: expect.any(String) });
    }
    expect(changedTables(before, await digest.take())).toEqual([]);
  });
});
