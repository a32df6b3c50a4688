import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { SEARCH_WINDOW } from '../src/content-api/search-bounds';
import { type Client, client, uniq } from './helpers';
import { TestSearchBounds, bootAppWithSearchBounds } from './search-bounds.helpers';
import {
  CONTENT,
  type Newsroom,
  type Page,
  type Story,
  act,
  createApiKey,
  createAuthor,
  createTag,
  draft,
  edit,
  eventually,
  newsroom,
  published,
  sleep,
} from './content-api.helpers';

interface Item {
  id: string;
  slug: string;
  language: string;
  headline: string;
  version: number;
  bodyHtml?: string;
  bodyText?: string;
  embargoed?: boolean;
  translations?: Record<string, string>;
}

interface Change {
  cursor: string;
  type: string;
  id: string;
  slug: string;
  language: string;
  version: number;
  at: string;
  embargoed?: boolean;
}

const ninjsSchema = JSON.parse(
  readFileSync(path.join(__dirname, 'fixtures/ninjs-schema_3.1.json'), 'utf8'),
) as Record<string, unknown>;

function ninjsValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The schema refers to GeoJSON for places' geometry; Dateline never sends it.
  ajv.addSchema({ $id: 'https://geojson.org/schema/GeoJSON.json' });
  return ajv.compile(ninjsSchema);
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('Content API (e2e)', () => {
  let app: NestFastifyApplication;
  const bounds = new TestSearchBounds();
  let room: Newsroom;
  let editor: Client;
  let pub: Client;

  const get = (url: string, headers: Record<string, string> = {}) => pub.get(`${CONTENT}${url}`, headers);
  const ids = (res: { json: <T>() => T }) => res.json<Page<Item>>().data.map((i) => i.id);

  /** Every item of a list, following nextCursor. */
  async function walk(url: string, headers: Record<string, string> = {}): Promise<Item[]> {
    const out: Item[] = [];
    let cursor: string | null = null;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const res = await get(`${url}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, headers);
      expect(res.statusCode).toBe(200);
      const page = res.json<Page<Item>>();
      out.push(...page.data);
      cursor = page.meta.nextCursor;
    } while (cursor);
    return out;
  }

  /** Every change from `since`, following nextCursor while hasMore. */
  async function changesSince(since: string, headers: Record<string, string> = {}) {
    const out: Change[] = [];
    let cursor = since;
    for (;;) {
      const res = await get(`/changes?since=${cursor}&limit=1000`, headers);
      expect(res.statusCode).toBe(200);
      const body = res.json<{ data: Change[]; meta: { nextCursor: string; hasMore: boolean } }>();
      out.push(...body.data);
      cursor = body.meta.nextCursor;
      if (!body.meta.hasMore) return { changes: out, cursor };
    }
  }

  beforeAll(async () => {
    app = await bootAppWithSearchBounds(bounds);
    room = await newsroom(app);
    editor = room.editor;
    pub = client(app);
  });
  afterAll(async () => {
    await app.close();
  });

  describe('articles', () => {
    it('should serve the public document by slug with its translations when a translation is public too', async () => {
      const topic = await createTag(room.admin, 'topic');
      const author = await createAuthor(room.admin);
      const en = await published(editor, {
        headline: `Kazakhstan and Canada ${uniq()} hold consultations`,
        summary: 'Political consultations in Astana.',
        tags: [topic.id],
        authors: [{ id: author.id }],
      });
      const created = await editor.post(`/api/v1/articles/${en.id}/translations`, { language: 'kk' });
      expect(created.statusCode).toBe(201);
      const kk = await act(editor, created.json<Story>(), { action: 'publish' });

      const res = await get(`/articles/${en.slug}?lang=en`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const doc = res.json<Item & Record<string, unknown>>();
      expect(doc).toMatchObject({
        id: en.id,
        slug: en.slug,
        language: 'en',
        status: 'live',
        version: 1,
        summary: 'Political consultations in Astana.',
        dateline: { place: 'ASTANA', agency: 'KAZINFORM', text: 'ASTANA. KAZINFORM –' },
        authors: [expect.objectContaining({ id: author.id, slug: author.slug, role: 'writer' })],
        tags: [expect.objectContaining({ id: topic.id, slug: topic.slug, kind: 'topic' })],
        translations: { kk: kk.slug },
        timezone: 'Asia/Almaty',
      });
      expect(doc.bodyHtml).toContain('<span class="dateline">ASTANA. KAZINFORM –</span> The consultations');
      expect(doc).not.toHaveProperty('embargoed');
      expect((await get(`/articles/${kk.slug}?lang=kk`)).json<Item>().translations).toEqual({ en: en.slug });

      const list = await get(`/articles?tag=${topic.slug}`);
      expect(list.statusCode).toBe(200);
      // The translation copied the tags: both, newest first.
      const items = list.json<Page<Item>>().data;
      expect(items.map((i) => i.id)).toEqual([kk.id, en.id]);
      const item = items[1];
      expect(item).toMatchObject({ slug: en.slug, headline: expect.any(String) as string });
      expect(item).not.toHaveProperty('bodyHtml');
      expect(item).not.toHaveProperty('bodyText');
    });

    it('should pick the visible article published first when a slug exists in several languages and lang is absent', async () => {
      const slug = `shared-slug-${uniq()}`;
      const en = await published(editor, { slug, language: 'en' });
      const ru = await published(editor, { slug, language: 'ru' });
      expect((await get(`/articles/${slug}`)).json<Item>().id).toBe(en.id);
      expect((await get(`/articles/${slug}?lang=ru`)).json<Item>().id).toBe(ru.id);
      await act(editor, en, { action: 'unpublish' });
      const after = await eventually(
        () => get(`/articles/${slug}`),
        (r) => r.json<Item>().id === ru.id,
      );
      expect(after.json<Item>().id).toBe(ru.id);
      expect((await get(`/articles/${slug}?lang=en`)).statusCode).toBe(404);
    });

    it('should filter by tags (several = all), author, language, genre and published time', async () => {
      const [t1, t2] = [await createTag(room.admin), await createTag(room.admin, 'place')];
      const author = await createAuthor(room.admin);
      const x1 = await published(editor, {
        tags: [t1.id, t2.id],
        authors: [{ id: author.id }],
        genre: 'interview',
      });
      const x2 = await published(editor, { tags: [t1.id] });
      await sleep(5);
      const between = new Date().toISOString();
      await sleep(5);
      const x3 = await published(editor, { tags: [t2.id], language: 'ru' });

      expect(ids(await get(`/articles?tag=${t1.slug}`))).toEqual([x2.id, x1.id]);
      expect(ids(await get(`/articles?tag=${t1.slug}&tag=${t2.slug}`))).toEqual([x1.id]);
      expect(ids(await get(`/articles?tag=${t1.slug},${t2.slug}`))).toEqual([x1.id]);
      expect(ids(await get(`/articles?author=${author.slug}`))).toEqual([x1.id]);
      expect(ids(await get(`/articles?tag=${t2.slug}&lang=ru`))).toEqual([x3.id]);
      expect(ids(await get(`/articles?tag=${t1.slug}&genre=interview`))).toEqual([x1.id]);
      expect(ids(await get(`/articles?tag=${t2.slug}&from=${between}`))).toEqual([x3.id]);
      expect(ids(await get(`/articles?tag=${t2.slug}&to=${between}`))).toEqual([x1.id]);
      expect(ids(await get(`/articles?tag=no-such-tag-${uniq()}`))).toEqual([]);
      expect(ids(await get(`/articles?author=no-such-author-${uniq()}`))).toEqual([]);
    });

    it('should rank headline matches first and search across languages when lang is absent', async () => {
      const word = uniq('w');
      const inBody = await published(editor, {
        headline: `Budget talks ${uniq()}`,
        body: `<p>The ministry discussed ${word} at length.</p>`,
      });
      const inHeadline = await published(editor, { headline: `Minister explains ${word} policy` });
      const older = await published(editor, {
        headline: `Budget ${uniq()}`,
        body: `<p>Mentions ${word}.</p>`,
      });
      const ranked = ids(await get(`/articles?q=${word}`));
      // The headline match first, then body matches newest first.
      expect(ranked).toEqual([inHeadline.id, older.id, inBody.id]);

      const ru = await published(editor, {
        language: 'ru',
        headline: `Переговоры ${word} в Астане`,
        body: '<p>Переговоры прошли в Астане.</p>',
      });
      // Another inflection of the same Russian word: found through the russian configuration.
      expect(ids(await get(`/articles?q=${encodeURIComponent(`переговоров ${word}`)}`))).toEqual([ru.id]);
      expect(ids(await get(`/articles?q=${encodeURIComponent(`переговоров ${word}`)}&lang=ru`))).toEqual([
        ru.id,
      ]);
      expect(ids(await get(`/articles?q=${encodeURIComponent(`переговоров ${word}`)}&lang=en`))).toEqual([]);
    });

    it('should walk pages by cursor without skipping or repeating while new articles are published', async () => {
      const tag = await createTag(room.admin);
      const word = uniq('walk');
      const first: Story[] = [];
      for (let i = 0; i < 7; i++) {
        const headline = i % 2 === 0 ? `Walk ${word} ${uniq()}` : `Walk ${uniq()}`;
        first.push(await published(editor, { headline, body: `<p>About ${word}.</p>`, tags: [tag.id] }));
      }
      for (const query of [`tag=${tag.slug}`, `q=${word}`]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const res = await get(`/articles?${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.statusCode).toBe(200);
          const page = res.json<Page<Item>>();
          seen.push(...page.data.map((i) => i.id));
          cursor = page.meta.nextCursor;
          // New matching articles appear while the reader is paging.
          if (pages++ < 2) await published(editor, { headline: `Walk ${word} new`, tags: [tag.id] });
        } while (cursor);
        expect(new Set(seen).size).toBe(seen.length);
        for (const s of first) expect(seen.filter((id) => id === s.id)).toHaveLength(1);
        if (query.startsWith('tag')) expect(seen).toEqual(first.map((s) => s.id).reverse());
      }
    });

    it('should give the same tiers and pages whether the newest rows or the search index find them', async () => {
      const word = uniq('tier');
      const b0 = await published(editor, { headline: `Body ${uniq()}`, body: `<p>Old ${word}.</p>` });
      const h0 = await published(editor, { headline: `Head ${word} ${uniq()}` });
      for (let i = 0; i < 4; i++) await published(editor, { headline: `Filler ${uniq()}` });
      const b1 = await published(editor, { headline: `Body ${uniq()}`, body: `<p>Also ${word}.</p>` });
      const h1 = await published(editor, { headline: `Head ${uniq()}`, summary: `About ${word}.` });
      // Headline or summary matches newest first, then body-only matches newest first.
      const expected = [h1.id, h0.id, b1.id, b0.id];
      // An embargoed-scope key is never served from the read cache, so every request below is computed.
      const key = await createApiKey(room.admin, ['content:read', 'content:embargoed']);
      try {
        // 2000: the walk down the newest rows finds them; 3 and 1: it runs out and the GIN index does.
        for (const window of [SEARCH_WINDOW, 3, 1]) {
          bounds.window = window;
          for (const limit of [1, 2, 3, 10]) {
            const seen: string[] = [];
            let cursor: string | null = null;
            do {
              const res = await get(
                `/articles?q=${word}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
                {
                  'x-api-key': key,
                },
              );
              expect(res.statusCode).toBe(200);
              const page = res.json<Page<Item>>();
              seen.push(...page.data.map((i) => i.id));
              cursor = page.meta.nextCursor;
            } while (cursor && seen.length < 10);
            expect({ window, limit, seen }).toEqual({ window, limit, seen: expected });
          }
        }
      } finally {
        bounds.reset();
      }
    });

    it('should answer 410 with the kill notice for a killed article and 404 for unpublished or never public ones', async () => {
      const killedHeadline = `Withdrawn ${uniq()} story`;
      let killed = await published(editor, { headline: killedHeadline });
      killed = await act(editor, killed, {
        action: 'kill',
        reason: 'Legal: withdrawn at the source’s request.',
      });
      const gone = await get(`/articles/${killed.slug}`);
      expect(gone.statusCode).toBe(410);
      expect(gone.json()).toMatchObject({
        code: 'GONE',
        details: {
          slug: killed.slug,
          language: 'en',
          notice: { kind: 'kill', text: 'Legal: withdrawn at the source’s request.' },
        },
      });
      expect(gone.body).not.toContain(killedHeadline);
      expect(gone.headers['surrogate-key']).toContain(`article:${killed.id}`);
      const canceled = await get(`/articles/${killed.slug}?format=ninjs`);
      expect(canceled.statusCode).toBe(410);
      expect(canceled.json()).toMatchObject({
        pubStatus: 'canceled',
        edNote: expect.stringContaining('Legal') as string,
      });
      expect(ninjsValidator()(canceled.json())).toBe(true);

      const unpublished = await act(editor, await published(editor), { action: 'unpublish' });
      expect((await get(`/articles/${unpublished.slug}`)).statusCode).toBe(404);
      const scheduled = await act(editor, await draft(editor), {
        action: 'schedule',
        at: new Date(Date.now() + 3_600_000).toISOString(),
      });
      expect((await get(`/articles/${scheduled.slug}`)).statusCode).toBe(404);
      // Killed before it was ever public: nothing to withdraw, so 404 rather than 410.
      const neverPublic = await act(editor, scheduled, { action: 'kill', reason: 'Dropped' });
      expect((await get(`/articles/${neverPublic.slug}`)).statusCode).toBe(404);
      expect((await get(`/articles/${(await draft(editor)).slug}`)).statusCode).toBe(404);
    });

    it('should return the version that was public at asOf', async () => {
      const before = new Date().toISOString();
      await sleep(5);
      let a = await published(editor, { headline: `First version ${uniq()}` });
      await sleep(5);
      const t1 = new Date().toISOString();
      await sleep(5);
      a = await edit(editor, a, { headline: `Second version ${uniq()}` });
      a = await act(editor, a, { action: 'publish', change: 'update' });

      const now = (await get(`/articles/${a.slug}`)).json<Item>();
      expect(now.headline).toMatch(/^Second version/);
      expect(now.version).toBe(2);
      const old = await get(`/articles/${a.slug}?asOf=${encodeURIComponent(t1)}`);
      expect(old.statusCode).toBe(200);
      expect(old.json<Item>()).toMatchObject({
        version: 1,
        headline: expect.stringMatching(/^First version/) as string,
      });
      expect(old.json<Item>().translations).toEqual({});
      expect((await get(`/articles/${a.slug}?asOf=${encodeURIComponent(before)}`)).statusCode).toBe(404);
      expect((await get(`/articles/${a.slug}?asOf=yesterday`)).statusCode).toBe(400);

      // After a kill, no earlier version is served either.
      await act(editor, a, { action: 'kill', reason: 'Withdrawn' });
      expect((await get(`/articles/${a.slug}?asOf=${encodeURIComponent(t1)}`)).statusCode).toBe(410);
    });
  });

  describe('formats', () => {
    it('should give IPTC ninjs 3.1 valid against the schema when asked by Accept or by format', async () => {
      const topic = await createTag(room.admin, 'topic', {
        externalUri: 'http://cv.iptc.org/newscodes/mediatopic/20000002',
      });
      const tags = [
        topic,
        await createTag(room.admin, 'place'),
        await createTag(room.admin, 'person'),
        await createTag(room.admin, 'organisation'),
        await createTag(room.admin, 'event'),
      ];
      const author = await createAuthor(room.admin);
      let a = await published(editor, {
        headline: `Ninjs ${uniq()} headline`,
        subheadline: 'A subheadline',
        summary: 'A summary',
        source: 'press service of the Ministry',
        urgency: 3,
        tags: tags.map((t) => t.id),
        authors: [{ id: author.id }],
      });
      a = await act(editor, a, { action: 'publish', change: 'correction', notice: 'Corrected the date.' });

      const res = await get(`/articles/${a.slug}`, { accept: 'application/ninjs+json' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/ninjs+json; charset=utf-8');
      expect(res.headers.vary).toContain('Accept');
      const item = res.json<Record<string, unknown>>();
      const validate = ninjsValidator();
      expect(validate(item)).toBe(true);
      expect(validate.errors ?? null).toBeNull();
      expect(item).toMatchObject({
        uri: `urn:uuid:${a.id}`,
        type: 'text',
        version: '2',
        language: 'en',
        pubStatus: 'usable',
        urgency: 3,
        by: author.name,
        located: 'ASTANA',
        headlines: [
          { role: 'main', contentType: 'text/plain', value: expect.stringMatching(/^Ninjs/) as string },
          { role: 'sub', contentType: 'text/plain', value: 'A subheadline' },
        ],
        bodies: [
          expect.objectContaining({
            contentType: 'text/html',
            value: expect.stringContaining('<p>') as string,
          }),
          expect.objectContaining({ contentType: 'text/plain' }),
        ],
        subjects: [
          { name: topic.name, literal: topic.slug, uri: 'http://cv.iptc.org/newscodes/mediatopic/20000002' },
        ],
        places: [{ name: tags[1].name, literal: tags[1].slug }],
        people: [{ name: tags[2].name, literal: tags[2].slug }],
        organisations: [{ name: tags[3].name, literal: tags[3].slug }],
        events: [{ name: tags[4].name, literal: tags[4].slug }],
        genres: [{ name: 'news', literal: 'news' }],
        infoSources: [{ name: 'press service of the Ministry', role: 'source' }],
        descriptions: expect.arrayContaining([
          { role: 'summary', contentType: 'text/plain', value: 'A summary' },
          expect.objectContaining({ role: 'correction' }),
        ]) as unknown,
      });
      expect(typeof item.firstCreated).toBe('string');
      expect(typeof item.versionCreated).toBe('string');
      expect(item).not.toHaveProperty('embargoedUntil');

      const byFormat = await get(`/articles/${a.slug}?format=ninjs`);
      expect(byFormat.json()).toEqual(item);
      expect(byFormat.headers.etag).toBe(res.headers.etag);
      expect((await get(`/articles/${a.slug}?format=json`)).json()).toHaveProperty('bodyHtml');
      expect((await get(`/articles/${a.slug}?format=xml`)).statusCode).toBe(400);
    });

    it('should serve RSS 2.0, Atom and JSON Feed 1.1 per tag, author and language, parsed back', async () => {
      const tag = await createTag(room.admin);
      const author = await createAuthor(room.admin);
      const f1 = await published(editor, {
        headline: `Feed one ${uniq()} & <more>`,
        summary: 'First summary',
        tags: [tag.id],
        authors: [{ id: author.id }],
      });
      const f2 = await published(editor, { headline: `Feed two ${uniq()}`, tags: [tag.id], language: 'ru' });
      const headline = async (s: Story) =>
        (await get(`/articles/${s.slug}?lang=${s.language}`)).json<Item>().headline;
      const [h1, h2] = [await headline(f1), await headline(f2)];

      const rss = await get(`/feeds/tags/${tag.slug}/rss.xml`);
      expect(rss.statusCode).toBe(200);
      expect(rss.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
      const channel = (xml.parse(rss.body) as { rss: { channel: Record<string, unknown> } }).rss.channel;
      expect(channel.title).toBe(`KAZINFORM: ${tag.name}`);
      const rssItems = asArray(channel.item as Record<string, unknown>[]);
      expect(rssItems.map((i) => i.title)).toEqual([h2, h1]);
      expect(rssItems[1]).toMatchObject({
        link: `http://127.0.0.1:3000/api/v1/content/articles/${f1.slug}?lang=en`,
        description: 'First summary',
      });
      expect(String(rssItems[1]['content:encoded'])).toContain('ASTANA. KAZINFORM');

      const atom = await get(`/feeds/tags/${tag.slug}/atom.xml`);
      expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
      const entries = asArray(
        (xml.parse(atom.body) as { feed: { entry: Record<string, unknown>[] } }).feed.entry,
      );
      expect(entries.map((e) => e.id)).toEqual([`urn:uuid:${f2.id}`, `urn:uuid:${f1.id}`]);

      const json = await get(`/feeds/tags/${tag.slug}/feed.json`);
      expect(json.headers['content-type']).toBe('application/feed+json; charset=utf-8');
      const feed = json.json<{
        version: string;
        items: { id: string; title: string; content_html: string }[];
      }>();
      expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
      expect(feed.items.map((i) => i.title)).toEqual([h2, h1]);
      expect(feed.items[1].content_html).toContain('<p>');

      const ruOnly = await get(`/feeds/tags/${tag.slug}/feed.json?lang=ru`);
      expect(ruOnly.json<{ items: { id: string }[] }>().items.map((i) => i.id)).toEqual([
        `urn:uuid:${f2.id}`,
      ]);
      const byAuthor = await get(`/feeds/authors/${author.slug}/rss.xml`);
      const authorItems = asArray(
        (xml.parse(byAuthor.body) as { rss: { channel: { item: Record<string, unknown>[] } } }).rss.channel
          .item,
      );
      expect(authorItems.map((i) => i.title)).toEqual([h1]);
      const all = await get('/feeds/atom.xml?lang=ru');
      const allEntries = asArray((xml.parse(all.body) as { feed: { entry: { id: string }[] } }).feed.entry);
      expect(allEntries[0].id).toBe(`urn:uuid:${f2.id}`);

      expect((await get('/feeds/rss.json')).statusCode).toBe(404);
      expect((await get(`/feeds/tags/no-such-tag-${uniq()}/rss.xml`)).statusCode).toBe(404);
      expect((await get('/feeds/rss.xml?lang=x y')).statusCode).toBe(400);
      // The same feeds at the site root, where feed readers look for them.
      const root = await pub.get('/feeds/atom.xml?lang=ru');
      expect(root.statusCode).toBe(200);
      expect(root.body).toBe(all.body);
    });

    it('should list the last 48 hours in a Google News sitemap', async () => {
      const a = await published(editor, { headline: `Sitemap ${uniq()} story` });
      const res = await get('/sitemaps/news.xml');
      expect(res.statusCode).toBe(200);
      expect((await pub.get('/sitemaps/news.xml')).body).toBe(res.body);
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      const urls = asArray(
        (
          xml.parse(res.body) as {
            urlset: { url: { loc: string; 'news:news': Record<string, Record<string, string> | string> }[] };
          }
        ).urlset.url,
      );
      const entry = urls.find((u) => u.loc.includes(a.slug));
      expect(entry).toBeDefined();
      expect(entry!['news:news']['news:publication']).toEqual({
        'news:name': 'KAZINFORM',
        'news:language': 'en',
      });
      expect(entry!['news:news']['news:title']).toMatch(/^Sitemap/);
    });
  });

  describe('caching', () => {
    it('should send a strong ETag, answer 304 to If-None-Match and change the ETag when the article changes', async () => {
      const tag = await createTag(room.admin);
      const author = await createAuthor(room.admin);
      let a = await published(editor, { tags: [tag.id], authors: [{ id: author.id }] });
      const first = await get(`/articles/${a.slug}`);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect(first.headers['cache-control']).toBe(
        'public, max-age=30, s-maxage=60, stale-while-revalidate=30',
      );
      expect(String(first.headers['surrogate-key']).split(' ').sort()).toEqual(
        [`article:${a.id}`, `author:${author.id}`, `tag:${tag.id}`].sort(),
      );
      const again = await get(`/articles/${a.slug}`, { 'if-none-match': etag });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.etag).toBe(etag);
      expect((await get(`/articles/${a.slug}`, { 'if-none-match': `W/${etag}` })).statusCode).toBe(304);

      a = await act(editor, a, { action: 'publish', change: 'correction', notice: 'Fixed a name.' });
      const changed = await eventually(
        () => get(`/articles/${a.slug}`, { 'if-none-match': etag }),
        (r) => r.statusCode === 200,
      );
      expect(changed.statusCode).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);

      const list = await get(`/articles?tag=${tag.slug}`);
      expect(String(list.headers['surrogate-key']).split(' ')).toEqual(['articles', `tag:${tag.id}`]);
      for (const url of [
        `/articles?tag=${tag.slug}`,
        `/articles?q=consultations`,
        '/tags',
        `/tags/${tag.slug}`,
        '/authors',
        `/authors/${author.slug}`,
        '/changes',
        '/feeds/rss.xml',
        '/feeds/atom.xml',
        '/feeds/feed.json',
        `/feeds/tags/${tag.slug}/rss.xml`,
        '/sitemaps/news.xml',
      ]) {
        const res = await get(url);
        expect([url, res.statusCode]).toEqual([url, 200]);
        expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
        expect(res.headers['cache-control']).toMatch(
          /^public, max-age=\d+, s-maxage=\d+, stale-while-revalidate=\d+$/,
        );
        expect(res.headers['surrogate-key']).toBeTruthy();
        const cached = await get(url, { 'if-none-match': res.headers.etag as string });
        expect([url, cached.statusCode]).toEqual([url, 304]);
      }
    });

    it('should show embargoed articles only to keys with content:embargoed, marked and never cached', async () => {
      const tag = await createTag(room.admin);
      const embargoKey = await createApiKey(room.admin, ['content:read', 'content:embargoed']);
      const readKey = await createApiKey(room.admin, ['content:read']);
      const { cursor: since } = await changesSince('0');
      const e = await published(
        editor,
        { tags: [tag.id] },
        { embargoUntil: new Date(Date.now() + 3_600_000).toISOString() },
      );

      expect((await get(`/articles/${e.slug}`)).statusCode).toBe(404);
      expect((await get(`/articles/${e.slug}`, { 'x-api-key': readKey })).statusCode).toBe(404);
      expect(ids(await get(`/articles?tag=${tag.slug}`))).toEqual([]);
      expect((await get(`/tags/${tag.slug}`)).statusCode).toBe(404);
      expect((await changesSince(since)).changes.map((c) => c.id)).not.toContain(e.id);

      const seen = await get(`/articles/${e.slug}`, { 'x-api-key': embargoKey });
      expect(seen.statusCode).toBe(200);
      expect(seen.json<Item>()).toMatchObject({ id: e.id, embargoed: true });
      expect(seen.headers['cache-control']).toBe('private, no-store');
      expect(seen.headers).not.toHaveProperty('surrogate-key');
      const ninjs = await get(`/articles/${e.slug}?format=ninjs`, { 'x-api-key': embargoKey });
      expect(ninjs.json()).toMatchObject({
        pubStatus: 'withheld',
        embargoedUntil: expect.any(String) as string,
      });
      expect(ninjsValidator()(ninjs.json())).toBe(true);
      const list = await get(`/articles?tag=${tag.slug}`, { 'x-api-key': embargoKey });
      expect(list.json<Page<Item>>().data).toEqual([expect.objectContaining({ id: e.id, embargoed: true })]);
      expect(list.headers['cache-control']).toBe('private, no-store');
      const changes = (await changesSince(since, { 'x-api-key': embargoKey })).changes.filter(
        (c) => c.id === e.id,
      );
      expect(changes).toEqual([expect.objectContaining({ type: 'published', embargoed: true, version: 1 })]);
    });
  });

  describe('tags and authors', () => {
    it('should list only tags and authors with public articles, each with its latest, and 301 a merged tag slug', async () => {
      const used = await createTag(room.admin);
      const draftOnly = await createTag(room.admin);
      const merged = await createTag(room.admin);
      const author = await createAuthor(room.admin);
      const silent = await createAuthor(room.admin);
      const a = await published(editor, { tags: [used.id, merged.id], authors: [{ id: author.id }] });
      await draft(editor, { tags: [draftOnly.id], authors: [{ id: silent.id }] });

      const tags = await walk('/tags?limit=100');
      const usedItem = tags.find((t) => t.slug === used.slug) as unknown as { latestArticles: Item[] };
      expect(usedItem).toBeDefined();
      expect(usedItem.latestArticles).toEqual([expect.objectContaining({ id: a.id, slug: a.slug })]);
      expect(tags.map((t) => t.slug)).not.toContain(draftOnly.slug);
      expect(new Set(tags.map((t) => t.id)).size).toBe(tags.length);
      const tagPage = await get(`/tags/${used.slug}`);
      expect(tagPage.json()).toMatchObject({
        id: used.id,
        name: used.name,
        articles: { data: [{ id: a.id }] },
      });
      expect((await get(`/tags/${draftOnly.slug}`)).statusCode).toBe(404);
      expect((await get(`/tags/no-such-tag-${uniq()}`)).statusCode).toBe(404);

      const authors = await walk('/authors?limit=100');
      expect(authors.map((x) => x.slug)).toContain(author.slug);
      expect(authors.map((x) => x.slug)).not.toContain(silent.slug);
      const authorPage = await get(`/authors/${author.slug}`);
      expect(authorPage.json()).toMatchObject({
        id: author.id,
        title: 'correspondent',
        articles: { data: [{ id: a.id }] },
      });
      expect(authorPage.json()).not.toHaveProperty('email');
      expect((await get(`/authors/${silent.slug}`)).statusCode).toBe(404);

      expect((await room.admin.post(`/api/v1/tags/${merged.id}/merge`, { into: used.id })).statusCode).toBe(
        200,
      );
      const moved = await get(`/tags/${merged.slug}?limit=5`);
      expect(moved.statusCode).toBe(301);
      expect(moved.headers.location).toBe(`/api/v1/content/tags/${used.slug}?limit=5`);
      const movedFeed = await get(`/feeds/tags/${merged.slug}/rss.xml`);
      expect(movedFeed.statusCode).toBe(301);
      expect(movedFeed.headers.location).toBe(`/api/v1/content/feeds/tags/${used.slug}/rss.xml`);
      expect(ids(await get(`/articles?tag=${merged.slug}`))).toEqual([a.id]);
    });
  });

  describe('changes', () => {
    it('should list every public change in order with versions, and never scheduling', async () => {
      const { cursor: since } = await changesSince('0');
      let a = await published(editor);
      a = await act(editor, a, { action: 'publish', change: 'correction', notice: 'Corrected.' });
      a = await act(editor, a, { action: 'unpublish' });
      a = await act(editor, a, { action: 'publish' });
      await act(editor, a, { action: 'kill', reason: 'Withdrawn.' });
      const scheduled = await act(editor, await draft(editor), {
        action: 'schedule',
        at: new Date(Date.now() + 3_600_000).toISOString(),
      });

      const { changes, cursor } = await changesSince(since);
      const mine = changes.filter((c) => c.id === a.id);
      expect(mine.map((c) => [c.type, c.version])).toEqual([
        ['published', 1],
        ['corrected', 2],
        ['unpublished', 3],
        ['published', 4],
        ['killed', 5],
      ]);
      expect(
        mine.every((c) => c.slug === a.slug && c.language === 'en' && !Number.isNaN(Date.parse(c.at))),
      ).toBe(true);
      expect(changes.map((c) => c.id)).not.toContain(scheduled.id);
      const cursors = changes.map((c) => BigInt(c.cursor));
      expect(cursors).toEqual([...cursors].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      // Nothing of this test's after its cursor (a story scheduled by an earlier file in the shared database
      // may go live meanwhile, so other changes can follow).
      const after = await get(`/changes?since=${cursor}`);
      expect(after.statusCode).toBe(200);
      const later = after.json<{ data: { id: string }[] }>().data;
      expect(later.filter((c) => c.id === a.id || c.id === scheduled.id)).toEqual([]);
    });
  });

  describe('bad parameters', () => {
    it('should answer 400 with the reason, never 500, when a query parameter is invalid', async () => {
      const q = await get(`/articles?q=consultations&limit=1`);
      const rankedCursor = q.json<Page<Item>>().meta.nextCursor;
      const wrongShape = Buffer.from(JSON.stringify(['not-a-time', 'not-a-uuid'])).toString('base64url');
      const cases = [
        '/articles?foo=1',
        '/articles?cursor=garbage',
        `/articles?cursor=${wrongShape}`,
        ...(rankedCursor ? [`/articles?cursor=${rankedCursor}`] : []),
        '/articles?limit=0',
        '/articles?limit=1000',
        '/articles?limit=ten',
        '/articles?from=yesterday',
        '/articles?to=2025-13-45',
        '/articles?from=2025-01-01T10:00',
        '/articles?from=2025-02-01&to=2025-01-01',
        '/articles?lang=E%20N',
        '/articles?genre=opinion',
        '/articles?q=',
        '/articles?tag=Not_A_Slug',
        '/articles/some-slug?asOf=garbage',
        '/articles/some-slug?format=xml',
        '/articles/some-slug?foo=1',
        '/changes?since=abc',
        '/changes?limit=0',
        '/tags?kind=bogus',
        '/tags?cursor=garbage',
        '/authors?limit=101',
        `/tags/some-tag?cursor=garbage`,
      ];
      for (const url of cases) {
        const res = await get(url);
        expect([url, res.statusCode]).toEqual([url, 400]);
        const body = res.json<{ code: string; message: string }>();
        expect(['BAD_REQUEST', 'VALIDATION_FAILED']).toContain(body.code);
        expect(body.message.length).toBeGreaterThan(5);
      }
    });
  });
});
