import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toNinjs } from '../../content-api/ninjs.mapper';
import { type PublicDocument, withDateline } from '../../publishing/publication.renderer';
import { importHash } from '../kazinform-parser';
import { RecordProblem, readKazinformItem, readNdjsonItem, readNinjsItem } from './archive-formats';
import { checkArchiveItem } from './archive-item';
import { prepareItem } from './archive-items';

const OPTS = { timezone: 'Asia/Almaty', defaultAgency: 'KAZINFORM' };
const NOW = new Date('2026-01-01T00:00:00Z');

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof RecordProblem) return e.message;
    throw e;
  }
  throw new Error('expected a RecordProblem');
}

const item = (fields: Record<string, unknown>) => ({
  headline: 'Archive story',
  publishedAt: '2020-01-02T10:00:00Z',
  body: '<p>Text of the story.</p>',
  ...fields,
});

describe('readNdjsonItem', () => {
  it('should key an item by its id when it has one, else by its line', () => {
    const a = readNdjsonItem(JSON.stringify(item({ id: 'kz-1' })));
    const b = readNdjsonItem(JSON.stringify(item({ id: 'kz-1', headline: 'Edited since' })));
    const c = readNdjsonItem(JSON.stringify(item({})));
    const d = readNdjsonItem(`  ${JSON.stringify(item({}))}  `);
    expect(a.key).toBe(b.key);
    expect(c.key).toBe(d.key);
    expect(a.key).not.toBe(c.key);
    expect(a.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should refuse a line that is not JSON or not an object', () => {
    expect(problemOf(() => readNdjsonItem('{"headline": '))).toMatch(/^not valid JSON \(/);
    expect(problemOf(() => readNdjsonItem('[1, 2]'))).toBe('not a JSON object');
  });
});

describe('checkArchiveItem', () => {
  it('should accept names as strings or objects and trim texts as the API does', () => {
    const checked = checkArchiveItem(
      item({
        headline: '  Spaced  ',
        subheadline: '',
        authors: ['Adlet Seilkhanov', { name: ' Jane Doe ', role: 'editor' }],
        tags: ['Energy', { name: 'Astana', kind: 'place', uri: 'https://www.wikidata.org/wiki/Q1520' }],
        dateline: { place: 'ASTANA' },
      }),
    );
    expect(checked).toEqual({
      item: expect.objectContaining({
        headline: 'Spaced',
        subheadline: null,
        authors: [{ name: 'Adlet Seilkhanov' }, { name: 'Jane Doe', role: 'editor' }],
        tags: [
          { name: 'Energy', uri: null },
          { name: 'Astana', kind: 'place', uri: 'https://www.wikidata.org/wiki/Q1520' },
        ],
        dateline: { place: 'ASTANA', agency: null },
      }),
    });
  });

  it('should name every problem of an item at once', () => {
    const checked = checkArchiveItem({
      headline: 'x'.repeat(301),
      body: '',
      publishedAt: '2020-01-02T10:00:00',
      language: 'xx',
      slug: 'Not A Slug',
      genre: 'opinion',
      urgency: 10,
      authors: [{ name: '' }],
      tags: [{ name: 'T', kind: 'colour', uri: 'ftp://x' }],
      dateline: { place: 'ASTANA', weather: 'fine' },
      colour: 'blue',
      source: 'nul\u0000byte',
    });
    expect('problems' in checked && checked.problems).toEqual([
      'property colour should not exist',
      'headline must be at most 300 characters',
      'source contains a NUL character (U+0000)',
      'body must not be empty',
      'language must be a BCP 47 tag with a supported primary language, such as en, kk, ru or zh-Hans (got "xx")',
      'slug must be lower-case letters and digits joined by single hyphens',
      'genre must be one of news, press_release, interview, statement, feature',
      'urgency must be an integer from 1 to 9',
      'property dateline.weather should not exist',
      'authors[0].name must not be empty',
      'tags[0].kind must be one of topic, place, organisation, person, event',
      'tags[0].uri must be an http(s) URL',
      'publishedAt must be an ISO 8601 date and time with its offset (Z or +06:00)',
    ]);
  });
});

describe('prepareItem', () => {
  const prepare = (fields: Record<string, unknown>) =>
    prepareItem(readNdjsonItem(JSON.stringify(fields)), NOW);

  it('should sanitize the body, derive the slug and default the rest', () => {
    const p = prepare(
      item({ body: '<p onclick="x()">Hello <script>bad()</script>world</p>', authors: ['A', 'a '] }),
    );
    expect(p).toMatchObject({
      slug: 'archive-story',
      language: 'en',
      genre: 'news',
      urgency: 5,
      authors: [{ name: 'A', role: 'writer' }],
      body: { html: '<p>Hello world</p>', text: 'Hello world', wordCount: 2 },
    });
    expect(p.publishedAt.toISOString()).toBe('2020-01-02T10:00:00.000Z');
  });

  it('should refuse a story from the future, a body with no text and library pictures', () => {
    expect(problemOf(() => prepare(item({ publishedAt: '2026-02-01T00:00:00Z' })))).toMatch(/in the future/);
    expect(problemOf(() => prepare(item({ body: '<script>x()</script>' })))).toBe(
      'the body has no text once sanitized',
    );
    expect(
      problemOf(() =>
        prepare(
          item({ body: '<p>x</p><figure data-media-id="3f1c1d7e-8a51-4f39-9a52-0b2b7f6f3c11"></figure>' }),
        ),
      ),
    ).toMatch(/library pictures/);
  });
});

describe('readNinjsItem', () => {
  const doc: PublicDocument = {
    id: '3f1c1d7e-8a51-4f39-9a52-0b2b7f6f3c11',
    status: 'live',
    version: 1,
    slug: 'consultations-in-astana',
    language: 'en',
    translationGroupId: '3f1c1d7e-8a51-4f39-9a52-0b2b7f6f3c11',
    genre: 'press_release',
    headline: 'Consultations in Astana',
    subheadline: 'Second round',
    summary: 'The sides met.',
    dateline: { place: 'ASTANA', agency: 'KAZINFORM', text: 'ASTANA. KAZINFORM –' },
    bodyHtml: withDateline('<p>Text one.</p><p>Text two.</p>', 'ASTANA. KAZINFORM –'),
    bodyText: 'Text one.\n\nText two.',
    wordCount: 4,
    source: 'Ministry of Foreign Affairs',
    urgency: 3,
    byline: 'Adlet Seilkhanov and Jane Doe',
    authors: [],
    tags: [
      {
        id: 't1',
        slug: 'energy',
        name: 'Energy',
        kind: 'topic',
        uri: 'http://cv.iptc.org/newscodes/mediatopic/20000002',
      },
      { id: 't2', slug: 'astana', name: 'Astana', kind: 'place', uri: null },
      { id: 't3', slug: 'un', name: 'United Nations', kind: 'organisation', uri: null },
    ],
    pictures: [],
    firstPublishedAt: '2023-06-30T15:38:00.000Z',
    publishedAt: '2023-06-30T15:38:00.000Z',
    updatedAt: '2023-07-01T00:00:00.000Z',
    timezone: 'Asia/Almaty',
    embargoUntil: null,
    notices: [],
    translationOf: null,
  };

  it("should read Dateline's own ninjs back into the same story, without the rendered dateline in the body", () => {
    const read = readNinjsItem(JSON.stringify(toNinjs(doc, 'KAZINFORM', NOW)));
    const p = prepareItem(read, NOW);
    expect(p).toMatchObject({
      headline: 'Consultations in Astana',
      subheadline: 'Second round',
      summary: 'The sides met.',
      language: 'en',
      slug: 'consultations-in-astana',
      genre: 'press_release',
      dateline: { place: 'ASTANA', agency: null },
      body: { html: '<p>Text one.</p><p>Text two.</p>' },
      source: 'Ministry of Foreign Affairs',
      urgency: 3,
      authors: [
        { name: 'Adlet Seilkhanov', role: 'writer' },
        { name: 'Jane Doe', role: 'writer' },
      ],
      tags: [
        { name: 'Energy', kind: 'topic', uri: 'http://cv.iptc.org/newscodes/mediatopic/20000002' },
        { name: 'Astana', kind: 'place', uri: null },
        { name: 'United Nations', kind: 'organisation', uri: null },
      ],
    });
    expect(p.publishedAt.toISOString()).toBe('2023-06-30T15:38:00.000Z');
  });

  it('should read the lower-case fields of ninjs 1.x and key the item by its uri', () => {
    const old = {
      uri: 'urn:newsml:example.com:20200102:abc',
      type: 'text',
      headline: 'Old wire story',
      body_html: '<p>Body.</p>',
      versioncreated: '2020-01-02T10:00:00+00:00',
      language: 'ru',
      subject: [{ name: 'Economy', code: '04000000' }],
      by: 'By Olga Petrova',
    };
    const a = readNinjsItem(JSON.stringify(old));
    const b = readNinjsItem(JSON.stringify({ ...old, headline: 'Corrected headline' }));
    expect(a.key).toBe(b.key);
    expect(prepareItem(a, NOW)).toMatchObject({
      headline: 'Old wire story',
      language: 'ru',
      body: { html: '<p>Body.</p>' },
      authors: [{ name: 'Olga Petrova' }],
      tags: [{ name: 'Economy', kind: 'topic' }],
    });
  });

  it('should refuse items that are not usable text', () => {
    expect(problemOf(() => readNinjsItem(JSON.stringify({ uri: 'x', type: 'picture' })))).toBe(
      'a ninjs picture item; only text items are imported',
    );
    expect(problemOf(() => readNinjsItem(JSON.stringify({ uri: 'x', pubStatus: 'canceled' })))).toBe(
      'pubStatus is "canceled"; only usable items are imported',
    );
  });
});

describe('readKazinformItem', () => {
  const seed = readFileSync(join(__dirname, '..', 'fixtures', 'kazinform-seed.txt'), 'utf8');

  it('should read the seed with the single import parser and key it by the same hash', () => {
    const read = readKazinformItem(seed, OPTS);
    expect(read.key).toBe(importHash(seed));
    expect(read.tagLine).toBe('Kazakhstan and Canada Ministry of Foreign Affairs');
    expect(prepareItem(read, NOW)).toMatchObject({
      headline: 'Political consultations btw Kazakhstan and Canada held in Astana',
      dateline: { place: 'ASTANA', agency: 'KAZINFORM' },
      authors: [{ name: 'Adlet Seilkhanov', role: 'writer' }],
    });
  });

  it('should refuse a text without a time line and pass on the parser refusals', () => {
    expect(problemOf(() => readKazinformItem('Headline\n\nASTANA. KAZINFORM – Body text.', OPTS))).toMatch(
      /^no publish time line/,
    );
    expect(problemOf(() => readKazinformItem('Only a headline', OPTS))).toBe(
      'The text has a headline but no body paragraph',
    );
  });
});
