import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import type { Response as InjectResponse } from 'light-my-request';
import { xmlChars } from '../src/content-api/feed-xml';
import { htmlToParagraphs } from '../src/importer/kazinform-exporter';
import { CONTENT, type Newsroom, createApiKey, createTag, newsroom, published } from './content-api.helpers';
import { type Client, bootApp, client, uniq } from './helpers';
import { type XmlElement, child, childrenNamed, parseXml, textOf } from './xml-tree';

interface Doc {
  id: string;
  slug: string;
  language: string;
  headline: string;
  summary: string | null;
  bodyHtml: string;
  authors: { name: string; slug: string }[];
  tags: { name: string; slug: string }[];
  embargoUntil: string | null;
  embargoed?: boolean;
}

const DATELINE_NS_PREFIX = 'dateline:embargoedUntil';
const TIMEOUT = 240_000;

// Hostile text for every field: CDATA terminators and element injection, markup, entities, quotes,
// control characters (NUL aside: PostgreSQL text cannot hold it, the API answers 400), CR/LF/tab,
// emoji, right-to-left and direction marks, non-characters, a lone surrogate.
const HOSTILE = [
  'x]]>y]]></title><link>https://evil.example</link><title><![CDATA[z',
  ']]>',
  'Oil & Gas',
  '&amp; &lt;b&gt; &#x41; &nbsp;',
  '<script>alert(1)</script><b>bold</b>',
  `"double" 'single' «guillemets»`,
  'ctl\u0001\u0002\u0008\u000B\u000C\u001B\u001F end',
  'cr\rlf\ncrlf\r\ntab\tend',
  '😀🇰🇿👩‍👩‍👧 𝕏𝔸𝕃',
  'مرحبا بالعالم \u202eevil\u202c \u200fRTL\u200e',
  'non\uFFFEchar\uFFFF',
  'lone \ud800 surrogate',
  '\u0085\u2028\u2029 separators',
];
const LONG_WORD = 'w'.repeat(10_000);
const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
/** What the API stores of a string: no NUL (refused), unpaired surrogates as U+FFFD (UTF-8). */
const storable = (s: string) => s.replaceAll('\u0000', '').replace(/\p{Cs}/gu, '\uFFFD');

/** The plain-text export writes each part on one line with whitespace runs collapsed (docs/importing.md). */
const oneLine = (s: string) => s.replace(/\s+/gu, ' ').trim();

describe('feeds, sitemap and text export with hostile text (e2e)', () => {
  let app: NestFastifyApplication;
  let room: Newsroom;
  let pub: Client;

  beforeAll(async () => {
    app = await bootApp();
    room = await newsroom(app);
    pub = client(app);
  });
  afterAll(async () => {
    await app.close();
  });

  async function ok(res: InjectResponse, url: string): Promise<InjectResponse> {
    expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
    return Promise.resolve(res);
  }

  /** Publishes an article whose every text field holds a hostile string, with a hostile tag and author. */
  async function publishHostile(parts: {
    headline: string;
    summary: string;
    body: string;
    tag: string;
    author: string;
  }): Promise<Doc> {
    const tag = await createTag(room.admin, 'topic', { name: storable(`${uniq('t')} ${parts.tag}`) });
    const authorRes = await room.admin.post('/api/v1/authors', {
      name: storable(`${uniq('a')} ${parts.author}`),
    });
    expect(authorRes.statusCode).toBe(201);
    const author = authorRes.json<{ id: string }>();
    const escaped = storable(parts.body).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    const story = await published(room.editor, {
      headline: storable(`${uniq('h')} ${parts.headline}`),
      summary: storable(parts.summary) || null,
      body: `<p>First paragraph.</p><p>${escaped}</p>`,
      tags: [tag.id],
      authors: [{ id: author.id }],
    });
    const res = await ok(
      await pub.get(`${CONTENT}/articles/${story.slug}?lang=${story.language}`),
      story.slug,
    );
    return res.json<Doc>();
  }

  /** The RSS item or Atom entry of `doc`, checked field by field against the JSON document. */
  function checkXmlFeed(url: string, root: XmlElement, doc: Doc): void {
    const x = xmlChars;
    if (root.name === 'rss') {
      const items = childrenNamed(child(root, 'channel'), 'item');
      const item = items.find((i) => textOf(child(i, 'guid')) === `urn:uuid:${doc.id}`);
      if (!item) throw new Error(`${url}: no item for ${doc.id}`);
      expect({
        url,
        title: textOf(child(item, 'title')),
        description: childrenNamed(item, 'description').map(textOf),
        content: textOf(child(item, 'content:encoded')),
        creators: childrenNamed(item, 'dc:creator').map(textOf),
        categories: childrenNamed(item, 'category').map(textOf),
        links: childrenNamed(item, 'link').map(textOf),
      }).toEqual({
        url,
        title: x(doc.headline),
        description: doc.summary ? [x(doc.summary)] : [],
        content: x(doc.bodyHtml),
        creators: doc.authors.map((a) => x(a.name)),
        categories: doc.tags.map((t) => x(t.name)),
        links: [expect.stringContaining(encodeURIComponent(doc.slug))],
      });
      return;
    }
    expect(root.name).toBe('feed');
    const entry = childrenNamed(root, 'entry').find((e) => textOf(child(e, 'id')) === `urn:uuid:${doc.id}`);
    if (!entry) throw new Error(`${url}: no entry for ${doc.id}`);
    const typed = (el: XmlElement) => ({ type: el.attributes.type, text: textOf(el) });
    expect({
      url,
      title: typed(child(entry, 'title')),
      summary: childrenNamed(entry, 'summary').map(typed),
      content: typed(child(entry, 'content')),
      authors: childrenNamed(entry, 'author').map((a) => textOf(child(a, 'name'))),
      categories: childrenNamed(entry, 'category').map((c) => c.attributes.label),
    }).toEqual({
      url,
      title: { type: 'text', text: x(doc.headline) },
      summary: doc.summary ? [{ type: 'text', text: x(doc.summary) }] : [],
      content: { type: 'html', text: x(doc.bodyHtml) },
      authors: doc.authors.map((a) => x(a.name)),
      categories: doc.tags.map((t) => x(t.name)),
    });
  }

  /** Every feed variant (all, per tag, per author; with and without lang; both prefixes). */
  function feedUrls(doc: Doc): string[] {
    const scopes = ['', `/tags/${doc.tags[0].slug}`, `/authors/${doc.authors[0].slug}`];
    const urls: string[] = [];
    for (const prefix of ['/feeds', `${CONTENT}/feeds`]) {
      for (const scope of scopes) {
        for (const file of ['rss.xml', 'atom.xml', 'feed.json']) {
          urls.push(`${prefix}${scope}/${file}`, `${prefix}${scope}/${file}?lang=${doc.language}`);
        }
      }
    }
    return urls;
  }

  async function checkEveryFormat(doc: Doc): Promise<void> {
    for (const url of feedUrls(doc)) {
      const res = await ok(await pub.get(url), url);
      if (url.includes('feed.json')) {
        const feed = res.json<{ title: string; items: Record<string, unknown>[] }>();
        const item = feed.items.find((i) => i.id === `urn:uuid:${doc.id}`);
        expect({ url, item }).toEqual({
          url,
          item: expect.objectContaining({
            title: doc.headline,
            content_html: doc.bodyHtml,
            authors: doc.authors.map((a) => ({ name: a.name })),
            tags: doc.tags.map((t) => t.name),
            ...(doc.summary ? { summary: doc.summary } : {}),
          }) as unknown,
        });
        continue;
      }
      const root = parseXml(res.body);
      checkXmlFeed(url, root, doc);
      if (url.includes('/tags/')) {
        const title = root.name === 'rss' ? child(child(root, 'channel'), 'title') : child(root, 'title');
        expect(textOf(title)).toMatch(new RegExp(`^KAZINFORM: ${escapeRegExp(xmlChars(doc.tags[0].name))}`));
      }
    }

    for (const url of ['/sitemaps/news.xml', `${CONTENT}/sitemaps/news.xml`]) {
      const root = parseXml((await ok(await pub.get(url), url)).body);
      const entry = childrenNamed(root, 'url').find((u) =>
        textOf(child(u, 'loc')).includes(encodeURIComponent(doc.slug)),
      );
      if (!entry) throw new Error(`${url}: no url for ${doc.slug}`);
      expect(textOf(child(child(entry, 'news:news'), 'news:title'))).toBe(xmlChars(doc.headline));
    }

    // The plain-text layout: one part per line, whitespace runs collapsed (docs/importing.md).
    const exported = await ok(
      await room.editor.get(`/api/v1/articles/${doc.id}/export?format=text`),
      'export',
    );
    const lines = exported.body.split('\n').filter((l) => l !== '');
    expect(lines[0]).toBe(oneLine(doc.headline));
    expect(lines).toEqual(expect.arrayContaining(htmlToParagraphs(doc.bodyHtml)));
    expect(lines.slice(-3)).toEqual(['Author:', oneLine(doc.authors[0].name), oneLine(doc.tags[0].name)]);
  }

  it(
    'should keep every feed, the sitemap and the text export well-formed with the exact text when fields hold hostile strings',
    async () => {
      const fields = fc.record({
        headline: hostile,
        summary: hostile,
        body: fc.oneof(
          hostile,
          hostile.map((h) => `${LONG_WORD} ${h} ${LONG_WORD}`),
        ),
        tag: hostile,
        author: hostile,
      });
      const issue = {
        headline: HOSTILE[0],
        summary: '<b>not markup</b> & ]]>',
        body: `${HOSTILE[0]} ${LONG_WORD}`,
        tag: 'Oil & Gas',
        author: `O'Brien & "Sons" <x>`,
      };
      await fc.assert(
        fc.asyncProperty(fields, async (parts) => {
          await checkEveryFormat(await publishHostile(parts));
        }),
        { numRuns: 30, examples: [[issue], [{ ...issue, headline: HOSTILE[6], tag: HOSTILE[7] }]] },
      );
    },
    TIMEOUT,
  );

  it('should not let a headline inject elements into RSS, and type Atom headlines as text', async () => {
    const doc = await publishHostile({
      headline: HOSTILE[0],
      summary: 's',
      body: 'b',
      tag: 'Oil & Gas',
      author: 'A',
    });
    const rss = parseXml((await ok(await pub.get(`/feeds/tags/${doc.tags[0].slug}/rss.xml`), 'rss')).body);
    const [item] = childrenNamed(child(rss, 'channel'), 'item');
    expect(childrenNamed(item, 'link').map(textOf)).toEqual([expect.not.stringContaining('evil.example')]);
    expect(childrenNamed(item, 'title').map(textOf)).toEqual([doc.headline]);
    const atom = parseXml((await ok(await pub.get(`/feeds/tags/${doc.tags[0].slug}/atom.xml`), 'atom')).body);
    const [entry] = childrenNamed(atom, 'entry');
    expect(child(entry, 'title').attributes.type).toBe('text');
    expect(childrenNamed(entry, 'category').map((c) => c.attributes.label)).toEqual([doc.tags[0].name]);
  });

  describe('embargoed items for a key with content:embargoed', () => {
    it('should mark the item with its embargo time in every format, or leave it out of the sitemap', async () => {
      const key = { 'x-api-key': await createApiKey(room.admin, ['content:read', 'content:embargoed']) };
      const tag = await createTag(room.admin);
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const since = await changesCursor();
      const open = await published(room.editor, { tags: [tag.id] });
      const held = await published(room.editor, { tags: [tag.id] }, { embargoUntil: until });
      const get = async (url: string) => ok(await pub.get(`${CONTENT}${url}`, key), url);

      const single = (await get(`/articles/${held.slug}`)).json<Doc>();
      expect(single).toMatchObject({ embargoed: true, embargoUntil: until });
      const list = (await get(`/articles?tag=${tag.slug}`)).json<{ data: Doc[] }>().data;
      expect(list.map((d) => [d.id, d.embargoed ?? false, d.embargoUntil])).toEqual([
        [held.id, true, until],
        [open.id, false, null],
      ]);
      const ninjs = (await get(`/articles/${held.slug}?format=ninjs`)).json();
      expect(ninjs).toMatchObject({ pubStatus: 'withheld', embargoedUntil: until });
      const latest = await latestArticlesOf(tag.slug, key);
      expect(latest).toEqual([
        expect.objectContaining({ id: held.id, embargoed: true, embargoUntil: until }),
        expect.not.objectContaining({ embargoed: true }),
      ]);

      const rss = parseXml((await get(`/feeds/tags/${tag.slug}/rss.xml`)).body);
      const items = childrenNamed(child(rss, 'channel'), 'item');
      expect(
        items.map((i) => [textOf(child(i, 'guid')), childrenNamed(i, DATELINE_NS_PREFIX).map(textOf)]),
      ).toEqual([
        [`urn:uuid:${held.id}`, [until]],
        [`urn:uuid:${open.id}`, []],
      ]);
      expect(rss.attributes['xmlns:dateline']).toBe('urn:x-dateline:feed');
      const atom = parseXml((await get(`/feeds/tags/${tag.slug}/atom.xml`)).body);
      const entries = childrenNamed(atom, 'entry');
      expect(
        entries.map((e) => [textOf(child(e, 'id')), childrenNamed(e, DATELINE_NS_PREFIX).map(textOf)]),
      ).toEqual([
        [`urn:uuid:${held.id}`, [until]],
        [`urn:uuid:${open.id}`, []],
      ]);
      const json = (await get(`/feeds/tags/${tag.slug}/feed.json`)).json<{
        items: { id: string; _dateline: Record<string, unknown> }[];
      }>();
      expect(
        json.items.map((i) => [i.id, i._dateline.embargoed ?? false, i._dateline.embargoedUntil]),
      ).toEqual([
        [`urn:uuid:${held.id}`, true, until],
        [`urn:uuid:${open.id}`, false, undefined],
      ]);

      const sitemap = parseXml((await get('/sitemaps/news.xml')).body);
      const locs = childrenNamed(sitemap, 'url').map((u) => textOf(child(u, 'loc')));
      expect(locs.some((l) => l.includes(encodeURIComponent(open.slug)))).toBe(true);
      expect(locs.some((l) => l.includes(encodeURIComponent(held.slug)))).toBe(false);

      const changes = await changesSinceWith(since, key);
      expect(changes.filter((c) => c.id === held.id)).toEqual([
        expect.objectContaining({ type: 'published', embargoed: true, embargoUntil: until }),
      ]);
      expect(changes.filter((c) => c.id === open.id)).toEqual([
        expect.not.objectContaining({ embargoed: true }),
      ]);
    });
  });

  async function changesCursor(): Promise<string> {
    let body = (await pub.get(`${CONTENT}/changes?since=0&limit=1000`)).json<ChangesPage>();
    while (body.meta.hasMore) {
      body = (
        await pub.get(`${CONTENT}/changes?since=${body.meta.nextCursor}&limit=1000`)
      ).json<ChangesPage>();
    }
    return body.meta.nextCursor;
  }

  /** The `latestArticles` of a tag in the /tags list, walking its pages. */
  async function latestArticlesOf(slug: string, headers: Record<string, string>) {
    let cursor: string | null = null;
    do {
      const url: string = `${CONTENT}/tags?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: TagsPage = (await pub.get(url, headers)).json<{
        data: { slug: string; latestArticles: Record<string, unknown>[] }[];
        meta: { nextCursor: string | null };
      }>();
      const found = page.data.find((t) => t.slug === slug);
      if (found) return found.latestArticles;
      cursor = page.meta.nextCursor;
    } while (cursor);
    return undefined;
  }

  async function changesSinceWith(since: string, headers: Record<string, string>) {
    const out: Record<string, unknown>[] = [];
    let cursor = since;
    for (;;) {
      const res = await pub.get(`${CONTENT}/changes?since=${cursor}&limit=1000`, headers);
      const body = res.json<ChangesPage>();
      out.push(...body.data);
      cursor = body.meta.nextCursor;
      if (!body.meta.hasMore) return out;
    }
  }
});

interface TagsPage {
  data: { slug: string; latestArticles: Record<string, unknown>[] }[];
  meta: { nextCursor: string | null };
}

interface ChangesPage {
  data: Record<string, unknown>[];
  meta: { nextCursor: string; hasMore: boolean };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
