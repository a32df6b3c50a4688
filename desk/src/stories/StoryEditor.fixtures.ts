// Test data for the editor's component tests (not imported by the app).
import { json } from '../../test/fake-api';

export const STORY_ID = '00000000-0000-4000-8000-000000000042';
export const EDITOR = {
  id: '33333333-3333-4333-8333-333333333333',
  email: 'e@x.test',
  name: 'Eddie Editor',
  role: 'editor',
};

export function story(patch: Record<string, unknown> = {}) {
  return {
    id: STORY_ID,
    translationGroupId: STORY_ID,
    language: 'en',
    slug: 'floods-in-astana',
    genre: 'news',
    headline: 'Floods in Astana',
    subheadline: null,
    summary: 'Rivers rose overnight.',
    dateline: { place: 'ASTANA', agency: 'KAZINFORM', text: 'ASTANA. KAZINFORM –' },
    body: '<p>Water rose fast today.</p>',
    bodyText: 'Water rose fast today.',
    wordCount: 4,
    source: null,
    featuredMedia: null,
    authors: [{ id: 'a1', name: 'Adlet Seilkhanov', slug: 'adlet', role: 'writer' }],
    byline: 'Adlet Seilkhanov',
    bylineOverride: null,
    tags: [{ id: 't1', name: 'Weather', slug: 'weather', kind: 'topic' }],
    urgency: 5,
    timezone: 'Asia/Tokyo',
    status: 'draft',
    version: 3,
    originalPublishedAt: null,
    publication: {
      state: 'draft',
      publishedVersion: null,
      firstPublishedAt: null,
      publishedAt: null,
      embargoUntil: null,
      scheduledAt: null,
      expiresAt: null,
    },
    createdBy: { id: EDITOR.id, name: EDITOR.name },
    updatedBy: { id: EDITOR.id, name: EDITOR.name },
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    translationOf: null,
    allowedActions: ['submit', 'spike'],
    ...patch,
  };
}

export const SOURCE_ID = '00000000-0000-4000-8000-000000000007';

/** What a translation says of a source that changed its body since the version the translation matches. */
export function staleSource(patch: Record<string, unknown> = {}) {
  return {
    id: SOURCE_ID,
    language: 'kk',
    headline: 'Астанада су тасқыны',
    baseVersion: 5,
    currentVersion: 7,
    stale: true,
    changes: {
      from: 5,
      to: 7,
      changes: [{ field: 'summary', from: 'Өзен тасыды.', to: 'Өзендер тасыды.' }],
      body: [
        { op: 'equal', text: 'Су ' },
        { op: 'delete', text: 'тез' },
        { op: 'insert', text: 'баяу' },
        { op: 'equal', text: ' көтерілді.' },
      ],
    },
    ...patch,
  };
}

export const editorSession = () => json({ user: EDITOR, csrfToken: 'csrf-1' });
