import type { PublicDocument } from '../publishing/publication.renderer';
import { newsLanguage } from './content-feeds.service';
import { toNinjs } from './ninjs.mapper';

const doc: PublicDocument = {
  id: '3f1c1d7e-8a51-4f39-9a52-0b2b7f6f3c11',
  status: 'live',
  version: 3,
  slug: 'consultations-in-astana',
  language: 'en',
  translationGroupId: '9b7a3f5e-2f0d-4b9e-8a2c-7d1f0e6c5b4a',
  genre: 'news',
  headline: 'Consultations in Astana',
  subheadline: null,
  summary: null,
  dateline: { place: 'ASTANA', agency: 'KAZINFORM', text: 'ASTANA. KAZINFORM –' },
  bodyHtml: '<p>Text.</p>',
  bodyText: 'Text.',
  wordCount: 1,
  source: null,
  urgency: 4,
  byline: null,
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
  ],
  pictures: [],
  firstPublishedAt: '2025-11-28T05:00:00.000Z',
  publishedAt: '2025-11-28T06:00:00.000Z',
  updatedAt: '2025-11-28T06:00:00.000Z',
  timezone: 'Asia/Almaty',
  embargoUntil: null,
  notices: [],
  translationOf: null,
};

describe('toNinjs', () => {
  it('should map the typed tags, the dateline and the versions, leaving out what is empty', () => {
    const n = toNinjs(doc, 'KAZINFORM', new Date('2025-11-28T07:00:00Z'));
    expect(n).toMatchObject({
      uri: `urn:uuid:${doc.id}`,
      version: '3',
      firstCreated: doc.firstPublishedAt,
      versionCreated: doc.updatedAt,
      pubStatus: 'usable',
      located: 'ASTANA',
      subjects: [
        { name: 'Energy', literal: 'energy', uri: 'http://cv.iptc.org/newscodes/mediatopic/20000002' },
      ],
      places: [{ name: 'Astana', literal: 'astana' }],
    });
    for (const absent of ['by', 'descriptions', 'people', 'infoSources', 'embargoedUntil']) {
      expect(n).not.toHaveProperty(absent);
    }
  });

  it('should name a translation source as a partial association with its public version', () => {
    const source = { id: '6a0f5f0e-8d1b-4c1e-9f0a-3d2c1b0a9e8f', language: 'kk', version: 2 };
    const n = toNinjs(
      { ...doc, language: 'ru', translationOf: source },
      'K',
      new Date('2025-11-28T07:00:00Z'),
    );
    expect(n.associations).toEqual([
      {
        name: 'translationOf',
        rel: 'translationOf',
        uri: `urn:uuid:${source.id}`,
        type: 'text',
        representationType: 'partial',
        language: 'kk',
        version: '2',
      },
    ]);
    // A source whose matching text was never public: the association without a version.
    const unversioned = toNinjs({ ...doc, translationOf: { ...source, version: null } }, 'K', new Date());
    expect(unversioned.associations?.[0]).not.toHaveProperty('version');
    expect(toNinjs(doc, 'K', new Date())).not.toHaveProperty('associations');
  });

  it('should say withheld with embargoedUntil while the embargo runs, usable after it', () => {
    const embargoed = { ...doc, embargoUntil: '2025-11-28T08:00:00.000Z' };
    expect(toNinjs(embargoed, 'K', new Date('2025-11-28T07:00:00Z'))).toMatchObject({
      pubStatus: 'withheld',
      embargoedUntil: '2025-11-28T08:00:00.000Z',
    });
    expect(toNinjs(embargoed, 'K', new Date('2025-11-28T09:00:00Z')).pubStatus).toBe('usable');
  });
});

describe('feed text helpers', () => {
  it('should give Google News language codes', () => {
    expect(newsLanguage('kk')).toBe('kk');
    expect(newsLanguage('en-GB')).toBe('en');
    expect(newsLanguage('zh-Hant')).toBe('zh-tw');
    expect(newsLanguage('zh')).toBe('zh-cn');
  });
});
