import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';
import { STORY_ID, editorSession, story } from '../stories/StoryEditor.fixtures';
import type { PreviewDocument } from './api';

const path = `/api/v1/articles/${STORY_ID}`;
const revision = (number: number, version: number) => ({
  number,
  version,
  actor: { id: 'u1', name: 'Eddie Editor' },
  reason: null,
  createdAt: '2026-12-01T10:00:00.000Z',
});

// jsdom has no layout: ProseMirror's scroll-into-view after focus() asks a Range for its rectangles.
beforeAll(() => {
  const empty = () =>
    ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as unknown as DOMRectList;
  Range.prototype.getClientRects ??= empty;
  Range.prototype.getBoundingClientRect ??= () => new DOMRect();
});

describe('story panels', () => {
  it('should list the history when opened', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story()),
      [`GET ${path}/history`]: () =>
        json([
          {
            id: 'e1',
            action: 'return',
            from: 'in_review',
            to: 'draft',
            actor: { id: 'u1', name: 'Eddie Editor' },
            comment: 'Needs a source',
            data: {},
            at: '2026-12-01T10:00:00.000Z',
          },
        ]),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    await user.click(await screen.findByText('History'));
    expect(await screen.findByText(/Eddie Editor: Return \(In review → Draft\)/)).toBeTruthy();
    expect(screen.getByText('Needs a source')).toBeTruthy();
    expect(api.to('GET', `${path}/history`)).toHaveLength(1);
  });

  it('should show a word-level diff and restore a revision with If-Match', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story()),
      [`GET ${path}/revisions`]: () =>
        json({ data: [revision(3, 3), revision(2, 2)], meta: { nextCursor: null } }),
      [`GET ${path}/revisions/2/diff`]: () =>
        json({
          from: 1,
          to: 2,
          changes: [{ field: 'headline', from: 'Old', to: 'Floods in Astana' }],
          body: [
            { op: 'equal', text: 'Water ' },
            { op: 'delete', text: 'fell' },
            { op: 'insert', text: 'rose' },
          ],
        }),
      [`POST ${path}/revisions/2/restore`]: () =>
        json(story({ version: 4, headline: 'Restored headline', body: '<p>Old body.</p>' })),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    await user.click(await screen.findByText('Revisions'));
    // The current version cannot be restored onto itself.
    await screen.findByRole('button', { name: 'Restore revision 2' });
    expect(screen.queryByRole('button', { name: 'Restore revision 3' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Changes in revision 2' }));
    const diff = await screen.findByRole('group', { name: 'Changes in revision 2' });
    expect(within(diff).getByText('fell').tagName).toBe('DEL');
    expect(within(diff).getByText('rose').tagName).toBe('INS');
    expect(within(diff).getByText(/Headline/)).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Restore revision 2' }));
    await waitFor(() =>
      expect(screen.getByLabelText<HTMLInputElement>('Headline').value).toBe('Restored headline'),
    );
    expect(screen.getByRole('textbox', { name: 'Body' }).textContent).toBe('Old body.');
    expect(api.to('POST', `${path}/revisions/2/restore`)[0].headers.get('if-match')).toBe('"3"');
  });

  it('should render the preview in a sandboxed frame', async () => {
    // The whole document in the generated type, so a change of the server's shape fails the desk's typecheck.
    const preview: PreviewDocument = {
      id: STORY_ID,
      status: 'live',
      version: 0,
      slug: 'floods-in-astana',
      language: 'en',
      translationGroupId: STORY_ID,
      genre: 'news',
      headline: 'Floods <b>in</b> Astana',
      subheadline: null,
      summary: null,
      dateline: { place: 'ASTANA', agency: 'KAZINFORM', text: 'ASTANA. KAZINFORM –' },
      bodyHtml: '<p><span class="dateline">ASTANA</span> Text</p>',
      bodyText: 'Text',
      wordCount: 1,
      source: null,
      urgency: 5,
      byline: null,
      authors: [],
      tags: [],
      pictures: [],
      firstPublishedAt: '2026-12-01T10:00:00.000Z',
      publishedAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T10:00:00.000Z',
      timezone: 'Asia/Almaty',
      embargoUntil: null,
      notices: [],
      translationOf: null,
    };
    fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story()),
      [`GET ${path}/preview`]: () => json(preview),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    await user.click(await screen.findByText('Preview'));
    const frame = await screen.findByTitle<HTMLIFrameElement>('Public preview');
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.getAttribute('srcdoc')).toContain('<p><span class="dateline">ASTANA</span> Text</p>');
    expect(frame.getAttribute('srcdoc')).toContain('Floods &lt;b&gt;in&lt;/b&gt; Astana');
  });
});

describe('authors, tags and picture', () => {
  it('should add authors in order with roles, and tags picked or created inline', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story({ authors: [], tags: [] })),
      'GET /api/v1/authors': () =>
        json({ data: [{ id: 'a2', name: 'Aigerim Bek' }], meta: { nextCursor: null } }),
      'GET /api/v1/tags': (c) =>
        json({
          data:
            c.query.get('q') === 'Weather'
              ? [{ id: 't1', name: 'Weather', slug: 'weather', kind: 'topic' }]
              : [],
          meta: { nextCursor: null },
        }),
      'POST /api/v1/tags': (c) =>
        json({ id: 't9', name: (c.body as { name: string }).name, slug: 'floods', kind: 'topic' }, 201),
      [`PATCH ${path}`]: () => json(story({ version: 4 })),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Authors'), 'Aig');
    await user.click(await screen.findByRole('button', { name: 'Add Aigerim Bek' }));
    await user.selectOptions(screen.getByLabelText('Role of Aigerim Bek'), 'Photographer');
    await user.type(screen.getByLabelText('Tags'), 'Weather');
    await screen.findByRole('button', { name: 'Add Weather' });
    await user.keyboard('{Enter}');
    await user.type(screen.getByLabelText('Tags'), 'Floods');
    await user.click(await screen.findByRole('button', { name: 'Create tag “Floods”' }));
    await screen.findByRole('button', { name: 'Remove Floods' });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.to('PATCH', path)).toHaveLength(1));
    expect(api.to('POST', '/api/v1/tags')[0].body).toEqual({ name: 'Floods', kind: 'topic' });
    expect(api.to('PATCH', path)[0].body).toMatchObject({
      authors: [{ id: 'a2', role: 'photographer' }],
      tags: ['t1', 't9'],
    });
  });

  it('should pick a featured picture from the library and warn about missing alt text and credit', async () => {
    const media = {
      id: 'm1',
      caption: 'Flooded street',
      altText: null,
      credit: null,
      originalName: 'street.jpg',
      renditions: [{ name: 'w480', url: 'https://cdn.test/m1-480.webp', width: 480 }],
    };
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story()),
      'GET /api/v1/media': () => json({ data: [media], meta: { nextCursor: null } }),
      'GET /api/v1/media/m1': () => json(media),
      [`PATCH ${path}`]: () => json(story({ version: 4 })),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Choose picture' }));
    const picker = screen.getByRole('dialog', { name: 'Choose picture' });
    await user.click(await within(picker).findByRole('button', { name: /Flooded street/ }));
    expect(await screen.findByText(/has no alt text/)).toBeTruthy();
    expect(screen.getByText(/has no credit/)).toBeTruthy();
    await user.type(screen.getByLabelText('Caption in this story'), 'Astana, Monday');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.to('PATCH', path)).toHaveLength(1));
    expect(api.to('PATCH', path)[0].body).toMatchObject({
      featuredMedia: { mediaId: 'm1', caption: 'Astana, Monday' },
    });
  });

  it('should insert a library picture into the body as a figure the server keeps', async () => {
    const media = {
      id: '0a8c2f1e-1111-4222-8333-444455556666',
      caption: 'Flooded street',
      altText: 'A street under water',
      credit: 'Kazinform',
      originalName: 'street.jpg',
      renditions: [],
    };
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story()),
      'GET /api/v1/media': () => json({ data: [media], meta: { nextCursor: null } }),
      [`PATCH ${path}`]: () => json(story({ version: 4 })),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Insert picture' }));
    const picker = screen.getByRole('dialog', { name: 'Choose picture' });
    await user.click(await within(picker).findByRole('button', { name: /Flooded street/ }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.to('PATCH', path)).toHaveLength(1));
    const body = (api.to('PATCH', path)[0].body as { body: string }).body;
    expect(body).toContain(`<figure data-media-id="${media.id}"><figcaption></figcaption></figure>`);
    expect(body).toContain('<p>Water rose fast today.</p>');
  });
});
