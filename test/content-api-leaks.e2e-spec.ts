import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { type Client, bootApp, client, uniq } from './helpers';
import {
  CONTENT,
  type Newsroom,
  type Story,
  act,
  createApiKey,
  createAuthor,
  createTag,
  draft,
  newsroom,
} from './content-api.helpers';
import { type TestPicture, createPicture, fileOf } from './picture.helpers';

/**
 * The leak guarantee as a property: whatever mix of drafts, reviews, spiked, scheduled, embargoed,
 * unpublished and killed articles exists beside live ones, no public endpoint ever shows a word of a
 * non-visible one (anonymous readers), nor of a non-live one (keys with content:embargoed).
 */

const VISIBLE = ['live', 'corrected', 'lifted', 'republished'] as const;
const HIDDEN = [
  'draft',
  'review',
  'spiked',
  'scheduled',
  'killedScheduled',
  'embargoed',
  'killedEmbargoed',
  'unpublished',
  'killed',
] as const;
type State = (typeof VISIBLE)[number] | (typeof HIDDEN)[number];
const LANGS = ['en', 'ru', 'kk'] as const;
const GENRES = ['news', 'interview', 'press_release'] as const;

interface Spec {
  state: State;
  lang: (typeof LANGS)[number];
  genre: (typeof GENRES)[number];
  tags: number[];
  author: number;
  secret: boolean;
}

const specArb = (state: fc.Arbitrary<State>) =>
  fc.record({
    state,
    lang: fc.constantFrom(...LANGS),
    genre: fc.constantFrom(...GENRES),
    tags: fc.subarray([0, 1, 2]),
    author: fc.integer({ min: 0, max: 1 }),
    secret: fc.boolean(),
  });

// One article of every state in a random order with random attributes, plus up to 6 random extra ones.
const scenarioArb = fc
  .tuple(
    fc.tuple(...[...VISIBLE, ...HIDDEN].map((s) => specArb(fc.constant<State>(s)))),
    fc.array(specArb(fc.constantFrom<State>(...VISIBLE, ...HIDDEN)), { maxLength: 6 }),
  )
  .chain(([all, extra]) => fc.shuffledSubarray([...all, ...extra], { minLength: all.length + extra.length }));

interface Made {
  spec: Spec;
  story: Story;
  word: string;
  /** Carries the secret tag and author */
  secret: boolean;
  /** Its featured picture and the one in its body, used by no other article */
  pictures: TestPicture[];
}

const HOUR = 3_600_000;
const later = () => new Date(Date.now() + HOUR).toISOString();

describe('Content API leak guarantee (e2e, property)', () => {
  let app: NestFastifyApplication;
  let room: Newsroom;
  let pub: Client;
  let embargoKey: string;

  beforeAll(async () => {
    app = await bootApp();
    room = await newsroom(app);
    pub = client(app);
    embargoKey = await createApiKey(room.admin, ['content:read', 'content:embargoed']);
  });
  afterAll(async () => {
    await app.close();
  });

  async function make(spec: Spec, tagIds: string[], authorId: string, secret: boolean): Promise<Made> {
    const e = room.editor;
    const word = `zq${uniq('')}`;
    const pictures = [await createPicture(app), await createPicture(app)];
    let a = await draft(e, {
      slug: `leak-${uniq()}`,
      headline: `Report ${word} from the region`,
      summary: `Summary of ${word}`,
      body: `<p>Officials discussed ${word} on Monday.</p><figure data-media-id="${pictures[1].id}"></figure>`,
      featuredMedia: { mediaId: pictures[0].id },
      language: spec.lang,
      genre: spec.genre,
      tags: tagIds,
      authors: [{ id: authorId }],
    });
    const publish = (extra: Record<string, unknown> = {}) => act(e, a, { action: 'publish', ...extra });
    switch (spec.state) {
      case 'draft':
        break;
      case 'review':
        a = await act(e, a, { action: 'submit' });
        break;
      case 'spiked':
        a = await act(e, a, { action: 'spike' });
        break;
      case 'scheduled':
        a = await act(e, a, { action: 'schedule', at: later() });
        break;
      case 'killedScheduled':
        a = await act(e, a, { action: 'schedule', at: later() });
        a = await act(e, a, { action: 'kill', reason: 'Dropped before publication' });
        break;
      case 'embargoed':
        a = await publish({ embargoUntil: later() });
        break;
      case 'killedEmbargoed':
        a = await publish({ embargoUntil: later() });
        a = await act(e, a, { action: 'kill', reason: 'Withdrawn under embargo' });
        break;
      case 'unpublished':
        a = await publish();
        a = await act(e, a, { action: 'unpublish' });
        break;
      case 'killed':
        a = await publish();
        a = await act(e, a, { action: 'kill', reason: 'Withdrawn for legal reasons' });
        break;
      case 'live':
        a = await publish();
        break;
      case 'corrected':
        a = await publish();
        a = await act(e, a, { action: 'publish', change: 'correction', notice: 'A figure was corrected.' });
        break;
      case 'lifted':
        a = await publish({ embargoUntil: later() });
        a = await act(e, a, { action: 'lift_embargo', reason: 'Released early' });
        break;
      case 'republished':
        a = await publish();
        a = await act(e, a, { action: 'unpublish' });
        a = await act(e, a, { action: 'publish' });
        break;
    }
    return { spec, story: a, word, secret, pictures };
  }

  /** GETs a URL, keeps the body for the word search, and returns the response. */
  async function fetchAll(urls: string[], headers: Record<string, string>) {
    const bodies: { url: string; status: number; body: string }[] = [];
    for (const url of urls) {
      const res = await pub.get(`${CONTENT}${url}`, headers);
      expect([url, res.statusCode < 500]).toEqual([url, true]);
      bodies.push({ url, status: res.statusCode, body: res.body });
    }
    return bodies;
  }

  async function changesSince(since: string, headers: Record<string, string>): Promise<string> {
    let cursor = since;
    let all = '';
    for (;;) {
      const res = await pub.get(`${CONTENT}/changes?since=${cursor}&limit=1000`, headers);
      const body = res.json<{ data: unknown[]; meta: { nextCursor: string; hasMore: boolean } }>();
      all += res.body;
      cursor = body.meta.nextCursor;
      if (!body.meta.hasMore) return all;
    }
  }

  it('should never show a word of a non-visible article on any public endpoint, whatever the mix', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (specs) => {
        const secretWord = `zq${uniq('')}`;
        const tags = [
          await createTag(room.admin),
          await createTag(room.admin, 'place'),
          await createTag(room.admin),
        ];
        const authors = [await createAuthor(room.admin), await createAuthor(room.admin)];
        // A tag and an author only hidden articles use: their names must not surface either.
        const secretTag = await createTag(room.admin, 'person', { name: `Secret ${secretWord} tag` });
        const secretAuthorRes = await room.admin.post('/api/v1/authors', {
          name: `Secret ${secretWord} author`,
        });
        const secretAuthor = secretAuthorRes.json<{ id: string; slug: string }>();
        // The changes feed from here on.
        let start = '0';
        for (;;) {
          const res = await pub.get(`${CONTENT}/changes?since=${start}&limit=1000`);
          const meta = res.json<{ meta: { nextCursor: string; hasMore: boolean } }>().meta;
          start = meta.nextCursor;
          if (!meta.hasMore) break;
        }

        const made: Made[] = [];
        for (const spec of specs) {
          const hidden = (HIDDEN as readonly string[]).includes(spec.state);
          const tagIds = spec.tags.map((i) => tags[i].id);
          const secret = hidden && spec.secret;
          if (secret) tagIds.push(secretTag.id);
          const authorId = secret ? secretAuthor.id : authors[spec.author].id;
          made.push(await make(spec, tagIds, authorId, secret));
        }

        for (const scope of ['public', 'embargoed'] as const) {
          const headers: Record<string, string> = scope === 'embargoed' ? { 'x-api-key': embargoKey } : {};
          const shown = (m: Made) =>
            (VISIBLE as readonly string[]).includes(m.spec.state) ||
            (scope === 'embargoed' && m.spec.state === 'embargoed');
          // The secret tag and author are on hidden articles only, but an embargoed one shows them to the scope.
          const secretShown = made.some((m) => m.secret && shown(m));
          // A hidden article's pictures: their ids and every rendition's hash must not appear either.
          const pictureMarks = (m: Made) =>
            m.pictures.flatMap((p) => [p.id, ...p.renditions.map((r) => r.hash)]);
          const hiddenWords = [
            ...(secretShown ? [] : [secretWord]),
            ...made.filter((m) => !shown(m)).flatMap((m) => [m.word, ...pictureMarks(m)]),
          ];
          const visible = made.filter(shown);

          const lists = ['/articles?limit=100'];
          for (const t of [...tags, secretTag]) lists.push(`/articles?limit=100&tag=${t.slug}`);
          for (const a of [...authors, secretAuthor]) lists.push(`/articles?limit=100&author=${a.slug}`);
          for (const l of LANGS)
            lists.push(`/articles?limit=100&lang=${l}`, `/articles?limit=100&lang=${l}&tag=${tags[0].slug}`);
          for (const g of GENRES) lists.push(`/articles?limit=100&genre=${g}`);
          lists.push(
            `/articles?limit=100&tag=${tags[0].slug},${tags[1].slug}`,
            `/articles?limit=100&q=officials`,
          );
          for (const m of made)
            lists.push(`/articles?q=${m.word}`, `/articles?q=${m.word}&lang=${m.spec.lang}`);
          lists.push(`/articles?q=${secretWord}`);
          const singles: string[] = [];
          for (const m of made) {
            const s = m.story.slug;
            singles.push(
              `/articles/${s}`,
              `/articles/${s}?lang=${m.spec.lang}`,
              `/articles/${s}?format=ninjs`,
              `/articles/${s}?asOf=${encodeURIComponent(new Date().toISOString())}`,
            );
          }
          const taxonomy = ['/tags?limit=100', '/authors?limit=100', '/tags?limit=100&kind=person'];
          for (const t of [...tags, secretTag])
            taxonomy.push(`/tags/${t.slug}`, `/feeds/tags/${t.slug}/rss.xml`);
          for (const a of [...authors, secretAuthor])
            taxonomy.push(`/authors/${a.slug}`, `/feeds/authors/${a.slug}/atom.xml`);
          for (const l of LANGS) taxonomy.push(`/tags?limit=100&lang=${l}`, `/feeds/feed.json?lang=${l}`);
          const feeds = ['/feeds/rss.xml', '/feeds/atom.xml', '/feeds/feed.json', '/sitemaps/news.xml'];

          const bodies = await fetchAll([...lists, ...singles, ...taxonomy, ...feeds], headers);
          bodies.push({ url: '/changes', status: 200, body: await changesSince(start, headers) });

          const leaks = bodies.flatMap((b) =>
            hiddenWords.filter((w) => b.body.includes(w)).map((w) => `${b.url}: ${w}`),
          );
          expect([scope, leaks]).toEqual([scope, []]);

          // Single reads: visible 200; killed after being seen 410; everything else 404.
          for (const m of made) {
            const res = bodies.find((b) => b.url === `/articles/${m.story.slug}?lang=${m.spec.lang}`)!;
            const seenThenKilled =
              m.spec.state === 'killed' || (scope === 'embargoed' && m.spec.state === 'killedEmbargoed');
            const expected = shown(m) ? 200 : seenThenKilled ? 410 : 404;
            expect([scope, m.spec.state, res.status]).toEqual([scope, m.spec.state, expected]);
          }
          // Picture files: a shown article's pictures are served, a hidden one's never (one file each here;
          // every rendition's hash is among the words above).
          for (const m of made) {
            for (const p of m.pictures) {
              const res = await pub.get(`/media/${p.id}/${fileOf(p.renditions[1])}`, headers);
              expect([scope, m.spec.state, res.statusCode]).toEqual([
                scope,
                m.spec.state,
                shown(m) ? 200 : 404,
              ]);
            }
          }
          // The test can fail: every visible word is found by search and in the lists, and its pictures too.
          const all = bodies.map((b) => b.body).join('\n');
          for (const m of visible) {
            for (const p of m.pictures)
              expect([scope, m.spec.state, all.includes(p.id)]).toEqual([scope, m.spec.state, true]);
          }
          for (const m of visible) {
            const found = bodies.find((b) => b.url === `/articles?q=${m.word}`)!;
            expect([scope, m.spec.state, found.body.includes(m.story.id)]).toEqual([
              scope,
              m.spec.state,
              true,
            ]);
          }
          // The changes feed names only articles the reader could have seen.
          const changes = bodies.at(-1)!.body;
          for (const m of made) {
            const everSeen =
              shown(m) ||
              m.spec.state === 'unpublished' ||
              m.spec.state === 'killed' ||
              (scope === 'embargoed' && m.spec.state === 'killedEmbargoed');
            expect([scope, m.spec.state, changes.includes(m.story.id)]).toEqual([
              scope,
              m.spec.state,
              everSeen,
            ]);
          }
        }
      }),
      { numRuns: 3, endOnFailure: true },
    );
  });
});
