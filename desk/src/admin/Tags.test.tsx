import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ADMIN, type Call, errorBody, fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const tag = (n: number, name: string, kind = 'place') => ({
  id: id(n),
  name,
  slug: name.toLowerCase(),
  kind,
  description: null,
  externalUri: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
});
const ASTANA = tag(1, 'Astana');
const NURSULTAN = tag(2, 'Nursultan');

function tagsApi(extra: Record<string, (c: Call) => Response> = {}) {
  return fakeApi({
    'GET /api/v1/auth/session': () => json({ user: ADMIN, csrfToken: 'csrf-9' }),
    'GET /api/v1/tags': (c) => {
      const q = (c.query.get('q') ?? '').toLowerCase();
      const all = [ASTANA, NURSULTAN].filter((t) => t.name.toLowerCase().startsWith(q));
      return json({ data: all, meta: { nextCursor: null } });
    },
    ...extra,
  });
}

async function openMergeAndPick(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'Merge Nursultan' }));
  const dialog = screen.getByRole('dialog', { name: 'Merge Nursultan into another tag' });
  await user.type(within(dialog).getByLabelText('Find the tag to keep'), 'Ast');
  await user.click(await within(dialog).findByRole('radio', { name: /Astana/ }));
  await user.click(within(dialog).getByRole('button', { name: 'Continue' }));
}

describe('tags: merge', () => {
  it('should ask for confirmation, then send the merge with the target id and the CSRF token', async () => {
    const api = tagsApi({
      [`POST /api/v1/tags/${NURSULTAN.id}/merge`]: () => json({ ...ASTANA, aliases: ['nursultan'] }),
    });
    renderDesk('/tags');
    const user = userEvent.setup();
    await openMergeAndPick(user);

    const confirm = screen.getByRole('dialog', { name: 'Merge tags?' });
    expect(confirm.textContent).toContain('“nursultan” will lead to “Astana”');
    expect(api.to('POST', `/api/v1/tags/${NURSULTAN.id}/merge`)).toHaveLength(0);

    const listCallsBefore = api.to('GET', '/api/v1/tags').length;
    await user.click(within(confirm).getByRole('button', { name: 'Merge' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const [merge] = api.to('POST', `/api/v1/tags/${NURSULTAN.id}/merge`);
    expect(merge.body).toEqual({ into: ASTANA.id });
    expect(merge.headers.get('x-csrf-token')).toBe('csrf-9');
    // The list is read again after the merge.
    await waitFor(() => expect(api.to('GET', '/api/v1/tags').length).toBeGreaterThan(listCallsBefore));
  });

  it('should send nothing when the confirmation is cancelled', async () => {
    const api = tagsApi();
    renderDesk('/tags');
    const user = userEvent.setup();
    await openMergeAndPick(user);
    await user.click(
      within(screen.getByRole('dialog', { name: 'Merge tags?' })).getByRole('button', { name: 'Cancel' }),
    );
    expect(screen.queryByRole('dialog', { name: 'Merge tags?' })).toBeNull();
    expect(api.calls.filter((c) => c.method !== 'GET')).toHaveLength(0);
  });

  it('should keep the dialog open and show the refusal when the server refuses the merge', async () => {
    tagsApi({
      [`POST /api/v1/tags/${NURSULTAN.id}/merge`]: () =>
        errorBody(403, 'FORBIDDEN', 'Only admins may merge tags'),
    });
    renderDesk('/tags');
    const user = userEvent.setup();
    await openMergeAndPick(user);
    const confirm = screen.getByRole('dialog', { name: 'Merge tags?' });
    await user.click(within(confirm).getByRole('button', { name: 'Merge' }));
    expect((await within(confirm).findByRole('alert')).textContent).toContain('Only admins may merge tags');
  });

  it('should filter the list by kind and create a typed tag', async () => {
    const api = tagsApi({
      'POST /api/v1/tags': (c) => json({ ...tag(3, 'Energy', 'topic'), ...(c.body as object) }, 201),
    });
    renderDesk('/tags');
    const user = userEvent.setup();
    await screen.findByRole('button', { name: 'Merge Astana' });
    await user.selectOptions(screen.getByLabelText('Kind'), 'Organisation');
    await waitFor(() => expect(api.to('GET', '/api/v1/tags').at(-1)!.query.get('kind')).toBe('organisation'));
    await user.click(screen.getByRole('button', { name: 'New tag' }));
    const dialog = screen.getByRole('dialog', { name: 'New tag' });
    await user.type(within(dialog).getByLabelText('Name'), 'Energy');
    await user.selectOptions(within(dialog).getByLabelText('Kind'), 'Topic');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.to('POST', '/api/v1/tags')).toHaveLength(1));
    expect(api.to('POST', '/api/v1/tags')[0].body).toEqual({
      name: 'Energy',
      kind: 'topic',
      description: null,
      externalUri: null,
    });
  });
});
