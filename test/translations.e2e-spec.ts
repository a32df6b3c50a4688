import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { DataSource } from 'typeorm';
import { type Client, bootApp, client, staff, tableCounts, uniq, waitFor } from './helpers';
import { TranslationSource1764300905000 } from '../src/database/migrations/1764300905000-translation-source';
import { CONTENT, type Story, act, draft, edit, eventually, newsroom } from './content-api.helpers';

interface TranslationOf {
  id: string;
  language: string;
  headline: string;
  baseVersion: number;
  currentVersion: number;
  stale: boolean;
  changes: {
    from: number | null;
    to: number;
    changes: { field: string; from: unknown; to: unknown }[];
    body: { op: 'equal' | 'insert' | 'delete'; text: string }[];
  } | null;
}

interface Article extends Story {
  headline: string;
  translationOf: TranslationOf | null;
  publication: { state: string; publishedVersion: number | null };
}

interface PublicDoc {
  id: string;
  version: number;
  notices: { kind: string; text: string; at: string }[];
  translationOf: { id: string; language: string; version: number | null } | null;
}

interface NinjsDoc {
  uri: string;
  language: string;
  associations?: { name: string; rel: string; uri: string; language?: string; version?: string }[];
}

const ninjsSchema = JSON.parse(
  readFileSync(path.join(__dirname, 'fixtures/ninjs-schema_3.1.json'), 'utf8'),
) as Record<string, unknown>;

function ninjsValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'https://geojson.org/schema/GeoJSON.json' });
  return ajv.compile(ninjsSchema);
}

const BODY = '<p>The consultations took place in Astana on Monday.</p><p>Trade was discussed.</p>';

describe('Translations that know their source (e2e)', () => {
  let app: NestFastifyApplication;
  let editor: Client;
  let ds: DataSource;
  const pub = () => client(app);

  beforeAll(async () => {
    app = await bootApp();
    editor = (await newsroom(app)).editor;
    ds = app.get(DataSource);
  });
  afterAll(async () => {
    await app.close();
  });

  const newSource = async () => (await draft(editor, { body: BODY })) as Article;
  const read = async (id: string) => {
    const res = await editor.get(`/api/v1/articles/${id}`);
    expect(res.statusCode).toBe(200);
    return res.json<Article>();
  };
  const translate = async (source: Story, language = 'kk') => {
    const res = await editor.post(`/api/v1/articles/${source.id}/translations`, { language });
    expect(res.statusCode).toBe(201);
    return res.json<Article>();
  };
  const confirm = (a: Story, body: Record<string, unknown> = {}, version = a.version) =>
    editor.post(`/api/v1/articles/${a.id}/translation/confirm`, body, { 'if-match': `"${version}"` });
  const listIds = async (query: string) => {
    const res = await editor.get(`/api/v1/articles?limit=100&${query}`);
    expect(res.statusCode).toBe(200);
    return res.json<{ data: { id: string; translationOf: Omit<TranslationOf, 'changes'> | null }[] }>().data;
  };
  const audit = (id: string) =>
    ds.query<{ action: string; details: Record<string, unknown> }[]>(
      `SELECT action, details FROM audit_log WHERE entity_id = $1 ORDER BY seq`,
      [id],
    );
  const publicDoc = async (story: Story) => {
    const res = await pub().get(`${CONTENT}/articles/${story.slug}?lang=${story.language}`);
    expect(res.statusCode).toBe(200);
    return res.json<PublicDoc>();
  };
  /** A published source and a published translation of it, the translation's text written. */
  async function publishedPair(): Promise<{ source: Article; kk: Article }> {
    const source = await act(editor, await draft(editor, { body: BODY }), { action: 'publish' });
    const created = await translate(source);
    const written = await edit(editor, created, {
      headline: `Kazakh ${uniq()} headline`,
      body: '<p>Kazakh text.</p>',
    });
    const kk = await act(editor, written, { action: 'publish' });
    return { source: source as Article, kk: kk as Article };
  }

  describe('newsroom API', () => {
    it('should record the source version a translation is made from, not stale until the source changes', async () => {
      const source = await newSource();
      const created = await translate(source);
      expect(created.translationOf).toEqual({
        id: source.id,
        language: 'en',
        headline: source.headline,
        baseVersion: source.version,
        currentVersion: source.version,
        stale: false,
        changes: null,
      });
      expect((await read(source.id)).translationOf).toBeNull();

      // Workflow steps and an edit of fields translations do not carry change no translated content.
      const submitted = await act(editor, source, { action: 'submit' });
      const withSource = await edit(editor, submitted, { urgency: 2 });
      const kk = await read(created.id);
      expect(kk.translationOf).toMatchObject({
        baseVersion: source.version,
        currentVersion: withSource.version,
        stale: false,
        changes: null,
      });
      expect((await listIds('stale=true')).map((a) => a.id)).not.toContain(created.id);
    });

    it('should turn stale with the source diff when the source is updated, and list it under stale=true', async () => {
      const source = await newSource();
      const kk = await translate(source);
      const updated = await edit(editor, source, {
        headline: `${source.headline} (updated)`,
        body: '<p>The consultations took place in Astana on Tuesday.</p><p>Trade was discussed.</p>',
        urgency: 3,
      });

      const stale = (await read(kk.id)).translationOf!;
      expect(stale).toMatchObject({
        id: source.id,
        baseVersion: source.version,
        currentVersion: updated.version,
        stale: true,
      });
      // The translated fields only (urgency is the translation's own), as the revision diff gives them.
      expect(stale.changes!.changes.map((c) => c.field)).toEqual(['headline', 'body']);
      expect(stale.changes!.from).toBe(1);
      expect(stale.changes!.body).toEqual(
        expect.arrayContaining([
          { op: 'delete', text: 'Monday' },
          { op: 'insert', text: 'Tuesday' },
        ]),
      );
      const revisionDiff = await editor.get(
        `/api/v1/articles/${source.id}/revisions/${stale.changes!.to}/diff?against=${stale.changes!.from}`,
      );
      expect(revisionDiff.json<{ body: unknown }>().body).toEqual(stale.changes!.body);

      const staleList = await listIds('stale=true');
      expect(staleList.find((a) => a.id === kk.id)?.translationOf).toEqual({
        id: source.id,
        language: 'en',
        headline: `${source.headline} (updated)`,
        baseVersion: source.version,
        currentVersion: updated.version,
        stale: true,
      });
      expect(staleList.map((a) => a.id)).not.toContain(source.id);
      const fresh = (await listIds('stale=false')).map((a) => a.id);
      expect(fresh).toContain(source.id);
      expect(fresh).not.toContain(kk.id);
      expect((await editor.get('/api/v1/articles?stale=maybe')).statusCode).toBe(400);
    });

    it('should clear the flag when the translation is updated with the new base version, audited', async () => {
      const source = await newSource();
      const kk = await translate(source);
      const updated = await edit(editor, source, { summary: 'A new summary.' });

      // A base outside the current base … the source's version: 400, nothing written.
      const before = await tableCounts(app);
      for (const baseVersion of [updated.version + 1, 0]) {
        const res = await editor.patch(
          `/api/v1/articles/${kk.id}`,
          { body: '<p>x</p>', baseVersion },
          {
            'if-match': `"${kk.version}"`,
          },
        );
        expect(res.statusCode).toBe(400);
      }
      const notTranslation = await editor.patch(
        `/api/v1/articles/${source.id}`,
        { baseVersion: 1 },
        {
          'if-match': `"${updated.version}"`,
        },
      );
      expect(notTranslation.statusCode).toBe(400);
      expect(await tableCounts(app)).toEqual(before);

      // An edit without a base keeps the flag: fixing a typo does not say the text follows the source.
      const typo = await edit(editor, kk, { body: '<p>Kazakh text.</p>' });
      expect((await read(kk.id)).translationOf!.stale).toBe(true);

      const rebased = await edit(editor, typo, {
        summary: 'Жаңа түйін.',
        baseVersion: updated.version,
      });
      expect(rebased.version).toBe(typo.version + 1);
      expect((rebased as Article).translationOf).toMatchObject({
        baseVersion: updated.version,
        currentVersion: updated.version,
        stale: false,
        changes: null,
      });
      expect((await listIds('stale=true')).map((a) => a.id)).not.toContain(kk.id);
      expect(await audit(kk.id)).toContainEqual({
        action: 'article.translation.rebase',
        details: expect.objectContaining({
          sourceId: source.id,
          fromBaseVersion: source.version,
          toBaseVersion: updated.version,
        }) as Record<string, unknown>,
      });
    });

    it('should clear the flag by confirm (If-Match), a new version and revision, audited; 409/428 when it cannot', async () => {
      const source = await newSource();
      const kk = await translate(source);
      const updated = await edit(editor, source, { body: '<p>Rewritten.</p>' });

      expect((await editor.post(`/api/v1/articles/${kk.id}/translation/confirm`, {})).statusCode).toBe(428);
      const moved = await confirm(kk, { sourceVersion: updated.version - 1 });
      expect(moved.statusCode).toBe(409);
      expect(moved.json<{ details: { currentVersion: number } }>().details.currentVersion).toBe(
        updated.version,
      );
      expect((await confirm(source, {}, updated.version)).statusCode).toBe(409);

      const res = await confirm(kk, { sourceVersion: updated.version });
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBe(`"${kk.version + 1}"`);
      const confirmed = res.json<Article>();
      expect(confirmed.translationOf).toMatchObject({
        baseVersion: updated.version,
        stale: false,
        changes: null,
      });
      const revisions = await editor.get(`/api/v1/articles/${kk.id}/revisions`);
      expect(revisions.json<{ data: { version: number; reason: string }[] }>().data[0]).toMatchObject({
        version: confirmed.version,
        reason: `Translation matches source version ${updated.version}`,
      });
      expect(await audit(kk.id)).toContainEqual({
        action: 'article.translation.confirm',
        details: expect.objectContaining({
          sourceId: source.id,
          fromBaseVersion: source.version,
          toBaseVersion: updated.version,
          version: confirmed.version,
        }) as Record<string, unknown>,
      });

      // Already current: nothing written, the same version.
      const again = await confirm(confirmed);
      expect(again.statusCode).toBe(200);
      expect(again.json<Article>().version).toBe(confirmed.version);
    });

    it('should let exactly one of two confirms sent with the same If-Match through; the other gets 412', async () => {
      const source = await newSource();
      const kk = await translate(source);
      await edit(editor, source, { headline: `${source.headline} again` });
      const other = await staff(app, 'editor');
      const results = await Promise.all([
        confirm(kk),
        other.post(`/api/v1/articles/${kk.id}/translation/confirm`, {}, { 'if-match': `"${kk.version}"` }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 412]);
      const refused = results.find((r) => r.statusCode === 412)!;
      expect(refused.json<{ details: { currentVersion: number } }>().details.currentVersion).toBe(
        kk.version + 1,
      );
      expect((await read(kk.id)).version).toBe(kk.version + 1);
    });

    it('should refuse a writer confirming a translation someone else created', async () => {
      const source = await newSource();
      const kk = await translate(source);
      const writer = await staff(app, 'writer');
      const res = await writer.post(
        `/api/v1/articles/${kk.id}/translation/confirm`,
        {},
        {
          'if-match': `"${kk.version}"`,
        },
      );
      expect(res.statusCode).toBe(403);
    });
  });

  describe('published translations', () => {
    it('should turn a published translation stale when its source is corrected, without a notice unless asked', async () => {
      const { source, kk } = await publishedPair();
      const changed = await edit(editor, source, { body: '<p>The consultations took place in Almaty.</p>' });
      const corrected = await act(editor, changed, {
        action: 'publish',
        change: 'correction',
        notice: 'The place was wrong.',
      });
      const after = (await read(kk.id)).translationOf!;
      expect(after).toMatchObject({
        baseVersion: source.version,
        currentVersion: corrected.version,
        stale: true,
      });
      expect(after.changes!.changes.map((c) => c.field)).toEqual(['body']);
      const doc = await publicDoc(kk);
      expect(doc.notices).toEqual([]);
      expect(doc.version).toBe(1);
    });

    it('should put a correction notice on the published translations in the same transaction when asked', async () => {
      const { source, kk } = await publishedPair();
      // A second translation that is not public gets nothing.
      const ru = await translate(source, 'ru');
      const refused = await editor.post(
        `/api/v1/articles/${source.id}/transitions`,
        { action: 'publish', change: 'update', noticeTranslations: true },
        { 'if-match': `"${source.version}"` },
      );
      expect(refused.statusCode).toBe(400);
      const lone = await editor.post(
        `/api/v1/articles/${source.id}/transitions`,
        { action: 'publish', change: 'correction', notice: 'x', translationNotice: 'y' },
        { 'if-match': `"${source.version}"` },
      );
      expect(lone.statusCode).toBe(400);

      const changed = await edit(editor, source, { body: '<p>The talks were held in Almaty.</p>' });
      await act(editor, changed, {
        action: 'publish',
        change: 'correction',
        notice: 'The place was wrong.',
        noticeTranslations: true,
        translationNotice: 'Бастапқы мәтін түзетілді.',
      });

      const doc = await eventually(
        () => publicDoc(kk),
        (d) => d.version === 2,
      );
      expect(doc.notices).toEqual([
        { kind: 'correction', text: 'Бастапқы мәтін түзетілді.', at: expect.any(String) as string },
      ]);
      // The public document changed, the newsroom copy did not: same version, still "published".
      const kkNow = await read(kk.id);
      expect(kkNow.version).toBe(kk.version);
      expect(kkNow.publication.state).toBe('published');
      expect(kkNow.translationOf!.stale).toBe(true);
      const history = await editor.get(`/api/v1/articles/${kk.id}/history`);
      expect(history.json<{ action: string; comment: string | null }[]>()).toContainEqual(
        expect.objectContaining({ action: 'source_correction', comment: 'Бастапқы мәтін түзетілді.' }),
      );
      expect((await audit(kk.id)).map((a) => a.action)).toContain('article.translation.notice');
      expect((await audit(ru.id)).map((a) => a.action)).not.toContain('article.translation.notice');
      const events = await ds.query<{ type: string; article_id: string }[]>(
        `SELECT type, article_id FROM event WHERE article_id = ANY($1) ORDER BY seq`,
        [[source.id, kk.id]],
      );
      // The source's correction first, then its translation's notice.
      expect(events.slice(-2)).toEqual([
        { type: 'article.corrected', article_id: source.id },
        { type: 'article.corrected', article_id: kk.id },
      ]);
    });

    it('should write nothing when a correction asking for notices is refused', async () => {
      const { source } = await publishedPair();
      const before = await tableCounts(app);
      const res = await editor.post(
        `/api/v1/articles/${source.id}/transitions`,
        { action: 'publish', change: 'correction', noticeTranslations: true },
        { 'if-match': `"${source.version}"` },
      );
      expect(res.statusCode).toBe(400);
      expect(await tableCounts(app)).toEqual(before);
    });
  });

  describe('Content API and ninjs', () => {
    it('should say what a translation is a translation of and from which public version of the source', async () => {
      const { source, kk } = await publishedPair();
      const doc = await publicDoc(kk);
      expect(doc.translationOf).toEqual({ id: source.id, language: 'en', version: 1 });
      expect((await publicDoc(source)).translationOf).toBeNull();

      const ninjs = await pub().get(`${CONTENT}/articles/${kk.slug}?lang=kk`, {
        accept: 'application/ninjs+json',
      });
      expect(ninjs.statusCode).toBe(200);
      const item = ninjs.json<NinjsDoc>();
      const validate = ninjsValidator();
      expect(validate(item) ? [] : validate.errors).toEqual([]);
      expect(item.associations).toContainEqual({
        name: 'translationOf',
        rel: 'translationOf',
        uri: `urn:uuid:${source.id}`,
        type: 'text',
        representationType: 'partial',
        language: 'en',
        version: '1',
      });
      const original = await pub().get(`${CONTENT}/articles/${source.slug}?lang=en`, {
        accept: 'application/ninjs+json',
      });
      expect(original.json<NinjsDoc>().associations ?? []).toEqual([]);

      // The list items carry it too.
      const list = await pub().get(`${CONTENT}/articles?lang=kk&limit=100`);
      const listed = list.json<{ data: PublicDoc[] }>().data.find((d) => d.id === kk.id);
      expect(listed?.translationOf).toEqual({ id: source.id, language: 'en', version: 1 });
    });

    it('should name the new source version once a stale published translation is confirmed', async () => {
      const { source, kk } = await publishedPair();
      const changed = await edit(editor, source, { body: '<p>The talks were held in Almaty.</p>' });
      await act(editor, changed, { action: 'publish', change: 'correction', notice: 'The place was wrong.' });
      // Still made from the first public version.
      expect((await publicDoc(kk)).translationOf!.version).toBe(1);

      const res = await confirm(kk);
      expect(res.statusCode).toBe(200);
      const confirmed = res.json<Article>();
      // Confirming changes no text: the translation stays published as it was.
      expect(confirmed.publication).toMatchObject({
        state: 'published',
        publishedVersion: confirmed.version,
      });
      const doc = await waitFor(
        async () => {
          const d = await publicDoc(kk);
          return d.translationOf?.version === 2 && d;
        },
        15000,
        'the re-rendered translation',
      );
      expect(doc.translationOf).toEqual({ id: source.id, language: 'en', version: 2 });
    });

    it('should give no source version while the text the translation was made from was never public', async () => {
      const source = await newSource();
      const kk = await translate(source);
      const changed = await edit(editor, source, { body: '<p>Changed before publication.</p>' });
      await act(editor, changed, { action: 'publish' });
      const written = await edit(editor, kk, { body: '<p>Kazakh text.</p>' });
      const published = await act(editor, written, { action: 'publish' });
      expect((await publicDoc(published)).translationOf).toEqual({
        id: source.id,
        language: 'en',
        version: null,
      });
      const ninjs = await pub().get(`${CONTENT}/articles/${kk.slug}?lang=kk&format=ninjs`);
      const association = ninjs.json<NinjsDoc>().associations!.find((a) => a.rel === 'translationOf')!;
      expect(association).not.toHaveProperty('version');
    });
  });

  // Last in this file: it drops and re-adds the columns, as a database migrated from before them would be.
  describe('migration', () => {
    it("should base existing translations on their family's first article as it is when migrated", async () => {
      const source = await newSource();
      const kk = await translate(source);
      const edited = await edit(editor, source, { body: '<p>Changed before the migration.</p>' });
      expect((await read(kk.id)).translationOf!.stale).toBe(true);

      const runner = ds.createQueryRunner();
      try {
        const migration = new TranslationSource1764300905000();
        await migration.down(runner);
        await migration.up(runner);
      } finally {
        await runner.release();
      }

      expect((await read(kk.id)).translationOf).toMatchObject({
        id: source.id,
        baseVersion: edited.version,
        currentVersion: edited.version,
        stale: false,
      });
      expect((await read(source.id)).translationOf).toBeNull();
      // From here on a change of the source's text makes the translation stale again.
      await edit(editor, edited, { headline: `${source.headline} (after)` });
      expect((await read(kk.id)).translationOf!.stale).toBe(true);
    });
  });
});
