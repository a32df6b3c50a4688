import { bodyWordDiff, canonicalJson, changedFieldNames, fieldChanges } from './article-diff';
import type { ArticleResponse } from './article.response';

const base: Partial<ArticleResponse> = {
  headline: 'Talks held in Astana',
  subheadline: null,
  language: 'en',
  slug: 'talks-held-in-astana',
  genre: 'news',
  dateline: { place: 'ASTANA', agency: 'KAZINFORM', text: 'ASTANA. KAZINFORM –' },
  body: '<p>One two three</p>',
  bodyText: 'One two three',
  authors: [{ id: 'a1', name: 'Adlet Seilkhanov', slug: 'adlet', role: 'writer' }],
  tags: [{ id: 't1', name: 'Canada', slug: 'canada', kind: 'place' }],
  urgency: 5,
  version: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('fieldChanges', () => {
  it('should report nothing when two snapshots differ only in bookkeeping fields', () => {
    expect(fieldChanges(base, { ...base, version: 2, updatedAt: '2026-01-02T00:00:00.000Z' })).toEqual([]);
  });

  it('should report each changed field with its old and new value when content changes', () => {
    const next = { ...base, headline: 'Talks held', urgency: 3, subheadline: 'More' };
    expect(fieldChanges(base, next)).toEqual([
      { field: 'headline', from: 'Talks held in Astana', to: 'Talks held' },
      { field: 'subheadline', from: null, to: 'More' },
      { field: 'urgency', from: 5, to: 3 },
    ]);
  });

  it('should compare authors by id and role only when an author was renamed in between', () => {
    const renamed = { ...base, authors: [{ ...base.authors![0], name: 'Adlet S.' }] };
    expect(changedFieldNames(base, renamed)).toEqual([]);
    const newRole = { ...base, authors: [{ ...base.authors![0], role: 'editor' as const }] };
    expect(changedFieldNames(base, newRole)).toEqual(['authors']);
  });

  it('should see a reordering of tags when their order changes', () => {
    const two = {
      ...base,
      tags: [...base.tags!, { id: 't2', name: 'MFA', slug: 'mfa', kind: 'organisation' as const }],
    };
    const swapped = { ...base, tags: [two.tags[1], two.tags[0]] };
    expect(changedFieldNames(two, swapped)).toEqual(['tags']);
  });

  it('should ignore key order when a snapshot came back from jsonb', () => {
    const reordered = {
      ...base,
      dateline: { text: 'ASTANA. KAZINFORM –', agency: 'KAZINFORM', place: 'ASTANA' },
    };
    expect(changedFieldNames(base, reordered)).toEqual([]);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
  });

  it('should list every set field from null when there is no older snapshot', () => {
    expect(changedFieldNames(null, base)).toEqual([
      'headline',
      'language',
      'slug',
      'genre',
      'dateline',
      'body',
      'authors',
      'tags',
      'urgency',
    ]);
  });
});

describe('bodyWordDiff', () => {
  it('should mark inserted and deleted words when the text changes', () => {
    expect(bodyWordDiff('The talks were held today', 'The talks were not held yesterday')).toEqual([
      { op: 'equal', text: 'The talks were ' },
      { op: 'insert', text: 'not ' },
      { op: 'equal', text: 'held ' },
      { op: 'delete', text: 'today' },
      { op: 'insert', text: 'yesterday' },
    ]);
  });

  it('should answer one equal run when the texts are the same', () => {
    expect(bodyWordDiff('Same text', 'Same text')).toEqual([{ op: 'equal', text: 'Same text' }]);
  });

  it('should answer one insert when there was no text before', () => {
    expect(bodyWordDiff('', 'New body')).toEqual([{ op: 'insert', text: 'New body' }]);
  });
});
