import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type Call, fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';
import { STORY_ID, editorSession, story } from './story-fixtures';

const path = `/api/v1/articles/${STORY_ID}`;

/** PATCH answers with the body applied and the version bumped, as the server does. */
function patchApplies(start = 3) {
  let version = start;
  return (c: Call) => {
    version += 1;
    const body = c.body as Record<string, unknown>;
    return json(story({ headline: body.headline, version }), 200);
  };
}

describe('story editor', () => {
  it('should show the story in labelled fields with the dateline as it will be published', async () => {
    fakeApi({ 'GET /api/v1/auth/session': editorSession, [`GET ${path}`]: () => json(story()) });
    renderDesk(`/stories/${STORY_ID}`);
    const headline = await screen.findByLabelText<HTMLInputElement>('Headline');
    expect(headline.value).toBe('Floods in Astana');
    expect(screen.getByLabelText<HTMLInputElement>('Dateline place').value).toBe('ASTANA');
    expect(screen.getByLabelText<HTMLTextAreaElement>('Summary').value).toBe('Rivers rose overnight.');
    expect(screen.getByRole('textbox', { name: 'Body' }).textContent).toBe('Water rose fast today.');
    expect(screen.getByLabelText('Tags')).toBeTruthy();
    expect(screen.getByLabelText('Authors')).toBeTruthy();
    expect(screen.getByText('ASTANA. KAZINFORM –')).toBeTruthy();
    expect(screen.getByText(/Asia\/Tokyo/)).toBeTruthy();
    expect(
      within(screen.getByRole('list', { name: /Authors of this story/ })).getByText('Adlet Seilkhanov'),
    ).toBeTruthy();
    expect(
      within(screen.getByRole('list', { name: 'Tags of this story' })).getByRole('button', {
        name: 'Remove Weather',
      }),
    ).toBeTruthy();
    expect(screen.getByText('4 words')).toBeTruthy();
    // The dateline preview follows the place as it is typed.
    await userEvent.setup().type(screen.getByLabelText('Dateline place'), 'X');
    expect(screen.getByText('ASTANAX. KAZINFORM –')).toBeTruthy();
  });

  it('should save with PATCH and If-Match of the loaded version, then of the saved one', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story()),
      [`PATCH ${path}`]: patchApplies(),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    const headline = await screen.findByLabelText('Headline');
    await user.clear(headline);
    await user.type(headline, 'Floods recede');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.to('PATCH', path)).toHaveLength(2));
    const [first, second] = api.to('PATCH', path);
    expect(first.headers.get('if-match')).toBe('"3"');
    expect(second.headers.get('if-match')).toBe('"4"');
    expect(first.headers.get('x-csrf-token')).toBe('csrf-1');
    expect(first.body).toMatchObject({
      headline: 'Floods recede',
      summary: 'Rivers rose overnight.',
      dateline: { place: 'ASTANA' },
      body: '<p>Water rose fast today.</p>',
      authors: [{ id: 'a1', role: 'writer' }],
      tags: ['t1'],
      language: 'en',
      featuredMedia: null,
    });
  });

  it('should save on Ctrl+S', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story()),
      [`PATCH ${path}`]: patchApplies(),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Summary'), ' More.');
    expect(api.to('PATCH', path)).toHaveLength(0);
    await user.keyboard('{Control>}s{/Control}');
    await waitFor(() => expect(api.to('PATCH', path)).toHaveLength(1));
    expect(api.to('PATCH', path)[0].headers.get('if-match')).toBe('"3"');
    expect(api.to('PATCH', path)[0].body).toMatchObject({ summary: 'Rivers rose overnight. More.' });
  });

  it('should create a new story with POST and no If-Match, then open it', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      'POST /api/v1/articles': (c) => json(story({ ...(c.body as object), version: 1 }), 201),
    });
    renderDesk('/stories/new');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Headline'), 'Floods in Astana');
    await user.type(screen.getByLabelText('Dateline place'), 'ASTANA');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.to('POST', '/api/v1/articles')).toHaveLength(1));
    const [post] = api.to('POST', '/api/v1/articles');
    expect(post.headers.get('if-match')).toBeNull();
    expect(post.body).toMatchObject({
      headline: 'Floods in Astana',
      dateline: { place: 'ASTANA' },
      body: '',
    });
    // Now the story's editor, with its workflow.
    expect(await screen.findByRole('button', { name: 'Submit' })).toBeTruthy();
  });

  it('should keep exactly what the server keeps in the body, library figures included', async () => {
    const figure =
      '<figure data-media-id="0a8c2f1e-1111-4222-8333-444455556666"><figcaption>Flooded street</figcaption></figure>';
    const loaded =
      '<h2>Section</h2><p><strong>Bold</strong> <em>it</em> <s>struck</s> <code>x</code> <a href="https://kazinform.kz">link</a></p>' +
      figure +
      '<pre><code>block</code></pre><hr><ul><li><p>one</p></li></ul><blockquote><p>q</p></blockquote>';
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story({ body: loaded })),
      [`PATCH ${path}`]: patchApplies(),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    await screen.findByRole('textbox', { name: 'Body' });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.to('PATCH', path)).toHaveLength(1));
    const body = (api.to('PATCH', path)[0].body as { body: string }).body;
    expect(body).toContain('<h2>Section</h2>');
    expect(body).toContain('<strong>Bold</strong>');
    expect(body).toContain('<em>it</em>');
    expect(body).toContain('<a rel="noopener noreferrer" href="https://kazinform.kz">link</a>');
    expect(body).toContain(figure);
    expect(body).toContain('<ul><li><p>one</p></li></ul>');
    expect(body).toContain('<blockquote><p>q</p></blockquote>');
    for (const dropped of ['<s>', '<code>', '<pre>', '<hr']) expect(body).not.toContain(dropped);
    expect(body).toContain('struck');
  });
});

describe('conflict dialog', () => {
  const conflict = () =>
    json(
      {
        statusCode: 412,
        code: 'PRECONDITION_FAILED',
        message: 'The article changed since version 3: it is now version 5',
        details: {
          currentVersion: 5,
          updatedBy: { id: 'u2', name: 'Gulnara Desk' },
          updatedAt: '2026-12-01T11:00:00.000Z',
          changedFields: ['headline', 'body'],
        },
      },
      412,
    );

  it('should open on 412 naming who changed which fields, keeping the user text', async () => {
    let theirs = 0;
    fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => {
        theirs += 1;
        return json(
          theirs === 1
            ? story()
            : story({ version: 5, headline: 'Their headline', body: '<p>Their body.</p>' }),
        );
      },
      [`PATCH ${path}`]: conflict,
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    const headline = await screen.findByLabelText<HTMLInputElement>('Headline');
    await user.clear(headline);
    await user.type(headline, 'My better headline');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const dialog = await screen.findByRole('dialog', { name: 'This story changed' });
    expect(within(dialog).getByText(/Gulnara Desk saved version 5/)).toBeTruthy();
    const fields = within(dialog).getByRole('list');
    expect(within(fields).getByText('Headline')).toBeTruthy();
    expect(within(fields).getByText('Body')).toBeTruthy();
    // The form behind keeps what the user typed.
    expect(screen.getByLabelText<HTMLInputElement>('Headline').value).toBe('My better headline');

    await user.click(within(dialog).getByRole('button', { name: 'Copy my text' }));
    const mine = within(dialog).getByLabelText<HTMLTextAreaElement>('My text');
    expect(mine.value).toBe('My better headline\n\nWater rose fast today.');
    expect(await navigator.clipboard.readText()).toBe('My better headline\n\nWater rose fast today.');

    await user.click(within(dialog).getByRole('button', { name: 'Reload their version' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByLabelText<HTMLInputElement>('Headline').value).toBe('Their headline');
    expect(screen.getByRole('textbox', { name: 'Body' }).textContent).toBe('Their body.');
  });

  it('should keep the edit when the dialog is closed and save again with the same If-Match', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story()),
      [`PATCH ${path}`]: conflict,
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    const headline = await screen.findByLabelText<HTMLInputElement>('Headline');
    await user.type(headline, '!');
    fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    const dialog = await screen.findByRole('dialog', { name: 'This story changed' });
    await user.click(within(dialog).getByRole('button', { name: 'Keep editing' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByLabelText<HTMLInputElement>('Headline').value).toBe('Floods in Astana!');
    expect(api.to('PATCH', path)[0].headers.get('if-match')).toBe('"3"');
  });
});
