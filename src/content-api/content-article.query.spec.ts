// Cursors are signed with a key derived from JWT_SECRET.
process.env.JWT_SECRET ??= 'unit-test-secret-that-is-long-enough-0123456789';

import { encodeCursor } from '../common/pagination';
import { DomainError } from '../common/errors';
import {
  decodeListCursor,
  encodeListCursor,
  indexDecides,
  pageJson,
  singleArticleBody,
  singleArticleEtag,
  tsQuerySql,
} from './content-article.query';
import { acceptsNinjs, toInstant } from './content-articles.service';

const ID = '3f1c1d7e-8a51-4f39-9a52-0b2b7f6f3c11';

describe('list cursors', () => {
  it('should round-trip the time and id, and the search tier too when searching', () => {
    const row = { doc: '{}', fp: '2025-11-28T05:43:00.123+00:00', id: ID, rank: 2 };
    expect(decodeListCursor(encodeListCursor(row, false), false)).toEqual({
      firstPublishedAt: row.fp,
      id: ID,
      rank: undefined,
    });
    expect(decodeListCursor(encodeListCursor(row, true), true)).toEqual({
      firstPublishedAt: row.fp,
      id: ID,
      rank: 2,
    });
  });

  it('should reject garbage, a wrong shape and a search cursor used without the search', () => {
    const search = encodeCursor('content-search', [1, '2025-11-28T05:43:00Z', ID]);
    for (const [cursor, ranked] of [
      ['garbage', false],
      [encodeCursor('content-articles', ['yesterday', ID]), false],
      [encodeCursor('content-articles', ['2025-11-28T05:43:00Z', 'not-a-uuid']), false],
      [search, false],
      [encodeCursor('content-search', ['x', '2025-11-28T05:43:00Z', ID]), true],
      [encodeCursor('content-search', [0.06, '2025-11-28T05:43:00Z', ID]), true],
      [encodeCursor('content-search', [3, '2025-11-28T05:43:00Z', ID]), true],
    ] as const) {
      expect(() => decodeListCursor(cursor, ranked)).toThrow(DomainError);
    }
  });

  it('should reject a cursor whose values were changed, one it did not sign and one of another list', () => {
    const row = { doc: '{}', fp: '2025-11-28T05:43:00.123+00:00', id: ID, rank: null };
    const [, signature] = encodeListCursor(row, false).split('.');
    const altered = Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000+00:00', ID])).toString('base64url');
    const unsigned = Buffer.from(JSON.stringify([row.fp, ID])).toString('base64url');
    for (const cursor of [`${altered}.${signature}`, unsigned, encodeCursor('content-tags', [row.fp, ID])]) {
      expect(() => decodeListCursor(cursor, false)).toThrow(DomainError);
    }
  });
});

describe('pageJson', () => {
  it('should join the documents and give a cursor only when a further row was fetched', () => {
    const rows = ['{"a":1}', '{"a":2}', '{"a":3}'].map((doc, i) => ({
      doc,
      fp: `2025-11-28T05:43:0${i}Z`,
      id: ID,
      rank: null,
    }));
    const full = JSON.parse(pageJson(rows, 2, false)) as { data: unknown[]; meta: { nextCursor: string } };
    expect(full.data).toEqual([{ a: 1 }, { a: 2 }]);
    expect(decodeListCursor(full.meta.nextCursor, false).firstPublishedAt).toBe('2025-11-28T05:43:01Z');
    expect(JSON.parse(pageJson(rows.slice(0, 2), 2, false))).toEqual({
      data: [{ a: 1 }, { a: 2 }],
      meta: { nextCursor: null },
    });
  });
});

describe('singleArticleBody', () => {
  // As PostgreSQL prints jsonb: keys sorted, a space after each colon and comma.
  const stored =
    '{"id": "a1", "slug": "x", "embargoUntil": "2030-01-01T00:00:00Z", "headline": "Ä \\"q\\" }"}';

  it('should add the translations to the stored text, keeping every other key as it was', () => {
    const body = singleArticleBody(stored, '{"kk": "x-kk", "ru": "x-ru"}', null);
    expect(JSON.parse(body)).toEqual({
      ...(JSON.parse(stored) as object),
      translations: { kk: 'x-kk', ru: 'x-ru' },
    });
    expect(JSON.parse(singleArticleBody(stored, '{}', false))).toMatchObject({ translations: {} });
    expect(JSON.parse(singleArticleBody(stored, '{}', false))).not.toHaveProperty('embargoed');
  });

  it('should mark a document under embargo for the embargoed scope', () => {
    expect(JSON.parse(singleArticleBody(stored, '{}', true))).toMatchObject({
      embargoed: true,
      embargoUntil: '2030-01-01T00:00:00Z',
      translations: {},
    });
  });
});

describe('singleArticleEtag', () => {
  const md5 = 'a3f5c0d1e2b4968877665544332211ff';

  it('should give each body its own strong ETag: the same additions the same tag, any other a different one', () => {
    const tags = [
      singleArticleEtag(md5, '{}', null),
      singleArticleEtag(md5, '{}', true),
      singleArticleEtag(md5, '{"kk": "x-kk"}', null),
      singleArticleEtag(md5, '{"kk": "x-kk"}', true),
      singleArticleEtag(md5, '{"ru": "x-kk"}', null),
      singleArticleEtag('b3f5c0d1e2b4968877665544332211ff', '{}', null),
    ];
    expect(new Set(tags).size).toBe(tags.length);
    expect(singleArticleEtag(md5, '{"kk": "x-kk"}', false)).toBe(tags[2]);
    expect(singleArticleEtag(md5, '{}', false)).toBe(`"${md5}"`);
    for (const t of tags) expect(t).toMatch(/^"[\w-]+"$/);
  });
});

describe('indexDecides', () => {
  it('should leave phrases to a bounded walk and words, OR and excluded words to the index', () => {
    expect(indexDecides("'oil' & 'price'")).toBe(true);
    expect(indexDecides("'oil' | 'gas'")).toBe(true);
    expect(indexDecides("'oil' & !'gas'")).toBe(true);
    expect(indexDecides("'oil' <-> 'price'")).toBe(false);
    expect(indexDecides("'oil-price' <-> 'oil' <-> 'price' | 'oil' & 'price'")).toBe(false);
    expect(indexDecides("'oil' <2> 'price'")).toBe(false);
  });
});

describe('tsQuerySql', () => {
  it('should use the language configuration, or several when no language is given', () => {
    expect(tsQuerySql('ru', '$1')).toBe("websearch_to_tsquery('russian'::regconfig, $1)");
    expect(tsQuerySql('kk', '$1')).toBe("websearch_to_tsquery('simple'::regconfig, $1)");
    expect(tsQuerySql(undefined, '$2')).toContain("'english'::regconfig, $2) || ");
  });
});

describe('acceptsNinjs', () => {
  it('should see ninjs in an Accept list unless it has q=0', () => {
    expect(acceptsNinjs('application/ninjs+json')).toBe(true);
    expect(acceptsNinjs('application/json, application/ninjs+json;q=0.9')).toBe(true);
    expect(acceptsNinjs('application/ninjs+json;q=0')).toBe(false);
    expect(acceptsNinjs('application/json')).toBe(false);
    expect(acceptsNinjs(undefined)).toBe(false);
  });
});

describe('toInstant', () => {
  it('should read a date alone as UTC midnight and keep an explicit offset', () => {
    expect(toInstant('2025-11-28')).toBe('2025-11-28T00:00:00.000Z');
    expect(toInstant('2025-11-28T10:00:00+05:00')).toBe('2025-11-28T05:00:00.000Z');
  });
});
