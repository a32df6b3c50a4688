import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type Call, WRITER, errorBody, fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';
import { StoriesList } from './StoriesList';
import { useNewsroomChanges } from './useNewsroomChanges';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function story(n: number, patch: Record<string, unknown> = {}) {
  return {
    id: id(n),
    headline: `Story number ${n}`,
    status: 'draft',
    language: 'en',
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...patch,
  };
}

const session = () => json({ user: WRITER, csrfToken: 'csrf-1' });

/** Pages of 50 over `total` stories; the cursor is the index to start at, as an opaque string. */
function pagedArticles(total: number) {
  return (c: Call) => {
    const start = Number(c.query.get('cursor') ?? '0');
    const limit = Number(c.query.get('limit'));
    const end = Math.min(total, start + limit);
    const data = Array.from({ length: end - start }, (_, i) => story(start + i + 1));
    return json({ data, meta: { nextCursor: end < total ? String(end) : null } });
  };
}

const rows = () => screen.getAllByRole('row').slice(1); // without the header row

describe('stories list', () => {
  it('should show each story headline as a link to the editor with its status', async () => {
    fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/articles': () =>
        json({
          data: [story(1), story(2, { status: 'published', headline: 'Published one' })],
          meta: { nextCursor: null },
        }),
    });
    renderDesk('/stories');
    const link = await screen.findByRole('link', { name: 'Published one' });
    expect(link.getAttribute('href')).toBe(`/stories/${id(2)}`);
    const [first, second] = rows();
    expect(within(first).getByText('Draft')).toBeTruthy();
    expect(within(second).getByText('Published')).toBeTruthy();
    expect(within(second).getByText(/2026/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'New story' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('should load the next page with the cursor when Load more is pressed', async () => {
    const api = fakeApi({ 'GET /api/v1/auth/session': session, 'GET /api/v1/articles': pagedArticles(120) });
    renderDesk('/stories');
    const user = userEvent.setup();
    await screen.findByRole('link', { name: 'Story number 50' });
    expect(rows()).toHaveLength(50);
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByRole('link', { name: 'Story number 100' });
    expect(rows()).toHaveLength(100);
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByRole('link', { name: 'Story number 120' });
    expect(rows()).toHaveLength(120);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    const cursors = api.to('GET', '/api/v1/articles').map((c) => c.query.get('cursor'));
    expect(cursors).toEqual([null, '50', '100']);
  });

  it('should send the filters as list query parameters and start from the first page', async () => {
    const api = fakeApi({ 'GET /api/v1/auth/session': session, 'GET /api/v1/articles': pagedArticles(3) });
    renderDesk('/stories');
    const user = userEvent.setup();
    await screen.findByRole('link', { name: 'Story number 1' });
    await user.selectOptions(screen.getByLabelText('Status'), 'In review');
    await user.click(screen.getByLabelText('Only mine'));
    await user.type(screen.getByLabelText('Language'), 'ru');
    await user.type(screen.getByLabelText('Search headlines'), 'astana');
    await waitFor(() => {
      const last = api.to('GET', '/api/v1/articles').at(-1)!.query;
      expect(Object.fromEntries(last)).toEqual({
        status: 'in_review',
        mine: 'true',
        language: 'ru',
        q: 'astana',
        limit: '50',
      });
    });
  });

  it('should list only stale translations when the filter is ticked, marking each', async () => {
    const stale = {
      id: id(9),
      language: 'kk',
      headline: 'Source',
      baseVersion: 2,
      currentVersion: 4,
      stale: true,
    };
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/articles': (c) =>
        json({
          data:
            c.query.get('stale') === 'true'
              ? [story(2, { language: 'ru', headline: 'Stale one', translationOf: stale })]
              : [story(1), story(2, { language: 'ru', headline: 'Stale one', translationOf: stale })],
          meta: { nextCursor: null },
        }),
    });
    renderDesk('/stories');
    const user = userEvent.setup();
    await screen.findByRole('link', { name: 'Story number 1' });
    expect(within(rows()[1]).getByText('Source changed')).toBeTruthy();
    expect(within(rows()[0]).queryByText('Source changed')).toBeNull();
    await user.click(screen.getByLabelText('Stale translations only'));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Story number 1' })).toBeNull());
    expect(api.to('GET', '/api/v1/articles').at(-1)!.query.get('stale')).toBe('true');
    expect(rows()).toHaveLength(1);
  });

  it('should read the filters from the address so a filtered list can be linked', async () => {
    const api = fakeApi({ 'GET /api/v1/auth/session': session, 'GET /api/v1/articles': pagedArticles(1) });
    renderDesk(`/stories?status=published&tag=${id(77)}&author=${id(78)}`);
    await screen.findByRole('link', { name: 'Story number 1' });
    const query = api.to('GET', '/api/v1/articles')[0].query;
    expect(query.get('status')).toBe('published');
    expect(query.get('tag')).toBe(id(77));
    expect(query.get('author')).toBe(id(78));
    expect(screen.getByLabelText<HTMLSelectElement>('Status').value).toBe('published');
  });

  it('should filter by a tag picked by name from the suggestions', async () => {
    const tag = { id: id(500), name: 'Astana', slug: 'astana', kind: 'place' };
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/articles': pagedArticles(2),
      'GET /api/v1/tags': (c) =>
        json({
          data: c.query.get('q') === 'Ast' || c.query.get('q') === 'Astana' ? [tag] : [],
          meta: { nextCursor: null },
        }),
      [`GET /api/v1/tags/${tag.id}`]: () => json(tag),
    });
    renderDesk('/stories');
    const user = userEvent.setup();
    await screen.findByRole('link', { name: 'Story number 1' });
    await user.type(screen.getByLabelText('Tag'), 'Ast');
    await waitFor(() => expect(api.to('GET', '/api/v1/tags').length).toBeGreaterThan(0));
    await waitFor(() => expect(document.querySelectorAll('datalist option').length).toBe(1));
    await user.type(screen.getByLabelText('Tag'), 'ana');
    await waitFor(() => expect(api.to('GET', '/api/v1/articles').at(-1)!.query.get('tag')).toBe(tag.id));
  });

  it('should say so in an alert when the list cannot be loaded', async () => {
    fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/articles': () => errorBody(400, 'VALIDATION_FAILED', 'language must be shorter'),
    });
    renderDesk('/stories');
    expect((await screen.findByRole('alert')).textContent).toContain('language must be shorter');
  });

  it('should refresh the list on each change the feed names: an edit, submit, approve and return by someone else', async () => {
    let current = story(1, { headline: 'Old headline' });
    const steps = [
      { action: 'article.update', patch: { headline: 'Edited headline' }, shows: 'Edited headline' },
      { action: 'article.submit', patch: { status: 'in_review' }, shows: 'In review' },
      { action: 'article.approve', patch: { status: 'approved' }, shows: 'Approved' },
      { action: 'article.return', patch: { status: 'draft' }, shows: 'Draft' },
    ];
    let released = 0;
    const change = (i: number) => ({
      seq: String(41 + i),
      action: steps[i].action,
      entityType: 'article',
      entityId: id(1),
      version: 2 + i,
      at: '2026-12-01T10:01:00.000Z',
    });
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/articles': () => json({ data: [current], meta: { nextCursor: null } }),
      'GET /api/v1/newsroom/changes': (c) => {
        const after = c.query.get('after');
        if (after === null) return json({ data: [], meta: { last: '40' } });
        // The changes committed so far after the position asked for.
        const data = Array.from({ length: released }, (_, i) => change(i)).filter(
          (ch) => Number(ch.seq) > Number(after),
        );
        return json({ data, meta: { last: data.at(-1)?.seq ?? after } });
      },
    });
    function Polled() {
      useNewsroomChanges(20);
      return <StoriesList />;
    }
    renderDesk('/stories', <Polled />);
    expect(await screen.findByRole('link', { name: 'Old headline' })).toBeTruthy();
    await waitFor(() => expect(api.to('GET', '/api/v1/newsroom/changes').length).toBeGreaterThan(1));

    for (const [i, step] of steps.entries()) {
      // Someone else's change commits; nothing reloads the page.
      current = { ...current, ...step.patch };
      released = i + 1;
      await waitFor(() => expect(within(rows()[0]).getByText(step.shows)).toBeTruthy());
      expect(api.to('GET', '/api/v1/articles')).toHaveLength(2 + i);
    }
    // The poller moved on from each position it was given, and asks from the last one now.
    // (The list can show the last change before the poller's next request, so wait for that request first.)
    await waitFor(() =>
      expect(api.to('GET', '/api/v1/newsroom/changes').at(-1)!.query.get('after')).toBe('44'),
    );
    const afters = api.to('GET', '/api/v1/newsroom/changes').map((c) => c.query.get('after'));
    expect(afters[0]).toBeNull();
    expect(new Set(afters.slice(1))).toEqual(new Set(['40', '41', '42', '43', '44']));
    expect(api.to('GET', '/api/v1/articles')).toHaveLength(1 + steps.length);
  });

  it('should refresh the list when a tag or author changes, and leave it alone for a picture', async () => {
    let released: { seq: string; entityType: string }[] = [];
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/articles': () => json({ data: [story(1)], meta: { nextCursor: null } }),
      'GET /api/v1/newsroom/changes': (c) => {
        const after = c.query.get('after');
        if (after === null) return json({ data: [], meta: { last: '10' } });
        const data = released
          .filter((ch) => Number(ch.seq) > Number(after))
          .map((ch) => ({
            ...ch,
            action: `${ch.entityType}.update`,
            entityId: id(9),
            version: null,
            at: '2026-12-01T10:01:00.000Z',
          }));
        return json({ data, meta: { last: data.at(-1)?.seq ?? after } });
      },
    });
    function Polled() {
      useNewsroomChanges(20);
      return <StoriesList />;
    }
    renderDesk('/stories', <Polled />);
    await screen.findByRole('link', { name: 'Story number 1' });
    await waitFor(() => expect(api.to('GET', '/api/v1/newsroom/changes').length).toBeGreaterThan(1));
    released = [{ seq: '11', entityType: 'media' }];
    await waitFor(() =>
      expect(api.to('GET', '/api/v1/newsroom/changes').at(-1)!.query.get('after')).toBe('11'),
    );
    expect(api.to('GET', '/api/v1/articles')).toHaveLength(1);
    released = [...released, { seq: '12', entityType: 'tag' }, { seq: '13', entityType: 'author' }];
    await waitFor(() => expect(api.to('GET', '/api/v1/articles')).toHaveLength(2));
    // Both came in one page: one refresh.
    await waitFor(() =>
      expect(api.to('GET', '/api/v1/newsroom/changes').at(-1)!.query.get('after')).toBe('13'),
    );
    expect(api.to('GET', '/api/v1/articles')).toHaveLength(2);
  });

  it('should keep the list working and keep polling when the changes endpoint is missing', async () => {
    const api = fakeApi({ 'GET /api/v1/auth/session': session, 'GET /api/v1/articles': pagedArticles(2) });
    function Polled() {
      useNewsroomChanges(20);
      return <StoriesList />;
    }
    renderDesk('/stories', <Polled />);
    await screen.findByRole('link', { name: 'Story number 2' });
    await waitFor(() => expect(api.to('GET', '/api/v1/newsroom/changes').length).toBeGreaterThan(2));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(api.to('GET', '/api/v1/articles')).toHaveLength(1);
  });
});
