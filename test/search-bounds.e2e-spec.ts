import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CONTENT, type Page, newsroom, published } from './content-api.helpers';
import { type Client, client, uniq } from './helpers';
import { TestSearchBounds, bootAppWithSearchBounds } from './search-bounds.helpers';

/** Searches that no index can answer are refused; those it can only narrow do bounded work a request. */
describe('Search bounds', () => {
  let app: NestFastifyApplication;
  let editor: Client;
  let pub: Client;
  const bounds = new TestSearchBounds();
  const letters = () => uniq().replace(/\d/g, '');

  beforeAll(async () => {
    app = await bootAppWithSearchBounds(bounds);
    ({ editor } = await newsroom(app));
    pub = client(app);
  });

  afterAll(async () => {
    await app.close();
  });

  it('should refuse with 400 a search of only excluded words, or one OR-ed with a word', async () => {
    const word = `bound${letters()}`;
    await published(editor, { headline: `About ${word}` });
    for (const q of ['-oil', '-oil -gas', 'the -oil', `${word} or -gas`, '-"oil price"']) {
      const res = await pub.get(`${CONTENT}/articles?q=${encodeURIComponent(q)}`);
      expect([q, res.statusCode]).toEqual([q, 400]);
      expect(res.json()).toMatchObject({
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: expect.stringContaining('q must contain a word to look for'),
        details: { field: 'q' },
      });
    }
    // A word with an excluded one is fine: the index finds the word.
    const ok = await pub.get(`${CONTENT}/articles?q=${encodeURIComponent(`${word} -gas`)}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json<Page<{ headline: string }>>().data.map((a) => a.headline)).toEqual([`About ${word}`]);
  });

  it('should stop a phrase search at its scan bound with a cursor that goes on, finding each match once', async () => {
    // Both words in every body, side by side only in the oldest: the index narrows the phrase to all of them.
    const [a, b] = [`pa${letters()}`, `pb${letters()}`];
    const oldest = await published(editor, { body: `<p>Then ${a} ${b} happened.</p>` });
    for (let i = 0; i < 6; i++) await published(editor, { body: `<p>${a} first, later ${b}.</p>` });
    bounds.window = 2;
    bounds.scanBudget = 4;
    try {
      const url = `${CONTENT}/articles?q=${encodeURIComponent(`"${a} ${b}"`)}&limit=5`;
      const first = await pub.get(url);
      expect(first.statusCode).toBe(200);
      // The four newest rows hold no match: the page ends there, empty, with a cursor to continue.
      expect(first.json<Page<{ id: string }>>()).toEqual({
        data: [],
        meta: { nextCursor: expect.any(String) },
      });

      const seen: string[] = [];
      let cursor: string | null = first.json<Page<{ id: string }>>().meta.nextCursor;
      for (let requests = 0; cursor !== null; requests++) {
        if (requests > 5000) throw new Error('the phrase search never ended');
        const res = await pub.get(`${url}&cursor=${cursor}`);
        expect(res.statusCode).toBe(200);
        const page = res.json<Page<{ id: string }>>();
        expect(page.data.length).toBeLessThanOrEqual(5);
        seen.push(...page.data.map((x) => x.id));
        cursor = page.meta.nextCursor;
      }
      expect(seen).toEqual([oldest.id]);

      // Single words the index decides exactly: a full page at once, however deep the matches are.
      const words = await pub.get(`${CONTENT}/articles?q=${a}&limit=7`);
      expect(words.json<Page<{ id: string }>>().data).toHaveLength(7);
    } finally {
      bounds.reset();
    }
  });
});
