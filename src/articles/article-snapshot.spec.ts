import { responseFromSnapshot } from './article.response';
import {
  ARTICLE_SNAPSHOT_VERSION,
  type ArticleSnapshot,
  type StoredSnapshot,
  readSnapshot,
} from './article-snapshot';

// A revision row as stored before snapshots had a schema of their own: the Newsroom API response of the time.
const v0Row = {
  id: '7c1f3c1e-5d7e-4b7a-9a55-0d2f4f1c9a01',
  translationGroupId: '7c1f3c1e-5d7e-4b7a-9a55-0d2f4f1c9a01',
  language: 'en',
  slug: 'political-consultations-held-in-astana',
  genre: 'news',
  headline: 'Political consultations held in Astana',
  subheadline: null,
  summary: 'Kazakhstan and Canada held consultations.',
  dateline: { place: 'ASTANA', agency: 'KAZINFORM', text: 'ASTANA. KAZINFORM –' },
  body: '<p>Kazakhstan and Canada held political consultations.</p>',
  bodyText: 'Kazakhstan and Canada held political consultations.',
  wordCount: 6,
  source: null,
  authors: [
    { id: 'a1', name: 'Adlet Seilkhanov', slug: 'adlet-seilkhanov', role: 'writer' },
    { id: 'a2', name: 'Aida Zhaksybek', slug: 'aida-zhaksybek', role: 'photographer' },
  ],
  byline: 'Adlet Seilkhanov',
  bylineOverride: null,
  tags: [{ id: 't1', name: 'Canada', slug: 'canada', kind: 'place' }],
  urgency: 3,
  timezone: 'Asia/Almaty',
  status: 'published',
  version: 4,
  originalPublishedAt: null,
  publication: {
    state: 'changed',
    publishedVersion: 3,
    firstPublishedAt: '2026-11-30T08:00:00.000Z',
    publishedAt: '2026-11-30T09:00:00.000Z',
    embargoUntil: null,
    scheduledAt: null,
    expiresAt: null,
  },
  createdBy: { id: 'u1', name: 'Writer' },
  updatedBy: { id: 'u2', name: 'Editor' },
  createdAt: '2026-11-30T07:00:00.000Z',
  updatedAt: '2026-11-30T10:00:00.000Z',
};

describe('readSnapshot', () => {
  it('should upgrade a schema-0 row (the old response shape) to the current schema', () => {
    const s = readSnapshot(v0Row as StoredSnapshot);
    expect(s.schemaVersion).toBe(ARTICLE_SNAPSHOT_VERSION);
    expect(s.bodyHtml).toBe(v0Row.body);
    expect(s.dateline).toEqual({ place: 'ASTANA', agency: 'KAZINFORM' });
    expect(s.bylineOverride).toBeNull();
    expect(s.publication).toEqual({
      publishedVersion: 3,
      firstPublishedAt: '2026-11-30T08:00:00.000Z',
      publishedAt: '2026-11-30T09:00:00.000Z',
      embargoUntil: null,
      scheduledAt: null,
      expiresAt: null,
    });
    // Response-only fields are not carried into the stored shape.
    expect(s).not.toHaveProperty('body');
    expect(s).not.toHaveProperty('byline');
    expect(s.dateline).not.toHaveProperty('text');
  });

  it('should give back the same response from an upgraded schema-0 row as was stored', () => {
    // Rows from before pictures existed show no featured picture.
    expect(responseFromSnapshot(readSnapshot(v0Row as StoredSnapshot))).toEqual({
      ...v0Row,
      featuredMedia: null,
    });
  });

  it('should upgrade a schema-1 row (before pictures) to one without a featured picture', () => {
    const { featuredMedia: _none, ...v1 } = { ...readSnapshot(v0Row as StoredSnapshot), schemaVersion: 1 };
    const s = readSnapshot(v1);
    expect(s.schemaVersion).toBe(ARTICLE_SNAPSHOT_VERSION);
    expect(s.featuredMedia).toBeNull();
    expect(s.bodyHtml).toBe(v0Row.body);
  });

  it('should upgrade a schema-2 row (before translation sources) to one naming no source', () => {
    const { translationOf: _none, ...v2 } = { ...readSnapshot(v0Row as StoredSnapshot), schemaVersion: 2 };
    const s = readSnapshot(v2);
    expect(s.schemaVersion).toBe(ARTICLE_SNAPSHOT_VERSION);
    expect(s.translationOf).toBeNull();
    expect(s.featuredMedia).toBeNull();
  });

  it('should keep a byline override and a dateline without a place through the upgrade', () => {
    const row = {
      ...v0Row,
      dateline: { place: null, agency: null, text: null },
      byline: 'Staff',
      bylineOverride: 'Staff',
    };
    const response = responseFromSnapshot(readSnapshot(row as StoredSnapshot));
    expect(response.byline).toBe('Staff');
    expect(response.dateline).toEqual({ place: null, agency: null, text: null });
  });

  it('should pass a current snapshot through unchanged', () => {
    const current = readSnapshot(v0Row as StoredSnapshot);
    const copy: ArticleSnapshot = JSON.parse(JSON.stringify(current));
    expect(readSnapshot(copy)).toEqual(current);
  });

  it('should refuse a snapshot written by newer code', () => {
    const future = { ...readSnapshot(v0Row as StoredSnapshot), schemaVersion: ARTICLE_SNAPSHOT_VERSION + 1 };
    expect(() => readSnapshot(future as StoredSnapshot)).toThrow(/newer than this code/);
  });
});
