import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapLimit, datasetBodyToHtml, openBenchDataset } from './loader';

describe('benchmark loader helpers', () => {
  it('should turn blank-line separated paragraphs into escaped <p> elements', () => {
    expect(datasetBodyToHtml('LONDON, Jan 3 (PRN) - A & B <rise>.\n\n"Quote," he said.\n\n\n')).toBe(
      '<p>LONDON, Jan 3 (PRN) - A &amp; B &lt;rise&gt;.</p>\n<p>&quot;Quote,&quot; he said.</p>',
    );
  });

  it('should never run more than the limit at once and visit every item when all succeed', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await mapLimit([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('should stop starting new items and reject with the first error when one fails', async () => {
    const started: number[] = [];
    await expect(
      mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n);
        await new Promise((r) => setTimeout(r, 5));
        if (n === 2) throw new Error('boom 2');
      }),
    ).rejects.toThrow('boom 2');
    expect(started.length).toBeLessThan(6);
  });
});

describe('openBenchDataset', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-dataset-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const article = (id: number) => ({
    id,
    slug: `a-${id}`,
    headline: `Headline ${id}`,
    body: 'Text.',
    published_at: '2025-01-01T00:00:00.000Z',
    author_ids: [1],
    tag_ids: [1],
  });
  /** The header bench/large-dataset.mjs writes for a dataset whose articles are in articles.ndjson. */
  const writeLargeHeader = (file: string, articles: number) =>
    writeFile(
      file,
      JSON.stringify({
        meta: { counts: { articles }, articles_ndjson: 'articles.ndjson' },
        authors: [],
        tags: [],
        articles: [],
      }),
    );
  const collect = async (it: Iterable<unknown> | AsyncIterable<unknown>) => {
    const out: unknown[] = [];
    for await (const x of it) out.push(x);
    return out;
  };

  it('should return the articles of a plain dataset as they are', async () => {
    const file = join(dir, 'dataset.json');
    await writeFile(file, JSON.stringify({ authors: [], tags: [], articles: [article(1), article(2)] }));
    const ds = await openBenchDataset(file);
    expect(ds.count).toBe(2);
    expect(await collect(ds.articles)).toEqual([article(1), article(2)]);
  });

  it('should stream the articles of a large dataset from the NDJSON file its header names', async () => {
    const file = join(dir, 'dataset.json');
    await writeLargeHeader(file, 3);
    await writeFile(
      join(dir, 'articles.ndjson'),
      [1, 2, 3].map((i) => JSON.stringify(article(i))).join('\n') + '\n',
    );
    const ds = await openBenchDataset(file);
    expect(ds.count).toBe(3);
    expect(await collect(ds.articles)).toEqual([article(1), article(2), article(3)]);
  });

  it('should name the file and line of a broken NDJSON line', async () => {
    const file = join(dir, 'dataset.json');
    await writeLargeHeader(file, 2);
    await writeFile(join(dir, 'articles.ndjson'), `${JSON.stringify(article(1))}\n{"id": 2,\n`);
    const ds = await openBenchDataset(file);
    await expect(collect(ds.articles)).rejects.toThrow(/articles\.ndjson:2:/);
  });

  it('should feed a stream through mapLimit with every item visited once', async () => {
    async function* gen() {
      for (let i = 0; i < 50; i++) {
        await Promise.resolve();
        yield i;
      }
    }
    const seen: number[] = [];
    await mapLimit(gen(), 4, async (n) => {
      await new Promise((r) => setTimeout(r, 1));
      seen.push(n);
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
