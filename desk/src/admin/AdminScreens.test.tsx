import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ADMIN, type Call, fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const session = () => json({ user: ADMIN, csrfToken: 'csrf-a' });
const page = (data: unknown[], nextCursor: string | null = null) => json({ data, meta: { nextCursor } });
const T = '2026-12-01T10:00:00.000Z';

describe('users', () => {
  const wanda = {
    id: id(1),
    email: 'w@x.test',
    name: 'Wanda',
    role: 'writer',
    active: true,
    lastLoginAt: null,
    createdAt: T,
    updatedAt: T,
  };

  it('should create a user, change a role and deactivate after confirmation', async () => {
    let users = [wanda];
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/users': () => page(users),
      'POST /api/v1/users': (c) => json({ ...wanda, id: id(2), ...(c.body as object) }, 201),
      [`PATCH /api/v1/users/${id(1)}`]: (c) => {
        users = [{ ...wanda, ...(c.body as object) }];
        return json(users[0]);
      },
    });
    renderDesk('/users');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const form = screen.getByRole('dialog', { name: 'New user' });
    await user.type(within(form).getByLabelText('Email'), 'e@x.test');
    await user.type(within(form).getByLabelText('Name'), 'Eddie');
    await user.selectOptions(within(form).getByLabelText('Role'), 'editor');
    await user.type(within(form).getByLabelText('Password'), 'long-enough-secret');
    await user.click(within(form).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.to('POST', '/api/v1/users')[0].body).toEqual({
      email: 'e@x.test',
      name: 'Eddie',
      role: 'editor',
      password: 'long-enough-secret',
    });

    await user.selectOptions(screen.getByLabelText('Role of Wanda'), 'editor');
    await waitFor(() => expect(api.to('PATCH', `/api/v1/users/${id(1)}`)).toHaveLength(1));
    expect(api.to('PATCH', `/api/v1/users/${id(1)}`)[0].body).toEqual({ role: 'editor' });

    await user.click(await screen.findByRole('button', { name: 'Deactivate Wanda' }));
    expect(api.to('PATCH', `/api/v1/users/${id(1)}`)).toHaveLength(1);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Deactivate' }));
    await screen.findByRole('button', { name: 'Reactivate Wanda' });
    expect(api.to('PATCH', `/api/v1/users/${id(1)}`)[1].body).toEqual({ active: false });
  });
});

describe('authors', () => {
  const adlet = {
    id: id(5),
    name: 'Adlet Seilkhanov',
    slug: 'adlet-seilkhanov',
    title: null,
    bio: null,
    email: null,
    avatarUrl: null,
    userId: null,
    active: true,
    createdAt: T,
    updatedAt: T,
  };

  it('should search, edit with nulls for cleared fields, and deactivate', async () => {
    let author = adlet;
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/authors': () => page([author]),
      [`PATCH /api/v1/authors/${id(5)}`]: (c) => {
        author = { ...author, ...(c.body as object) };
        return json(author);
      },
      [`POST /api/v1/authors/${id(5)}/deactivate`]: () => {
        author = { ...author, active: false };
        return json(author);
      },
    });
    renderDesk('/authors');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Search'), 'Adl');
    await waitFor(() => expect(api.to('GET', '/api/v1/authors').at(-1)!.query.get('q')).toBe('Adl'));
    await user.click(await screen.findByRole('button', { name: 'Edit Adlet Seilkhanov' }));
    const form = screen.getByRole('dialog', { name: 'Edit author Adlet Seilkhanov' });
    await user.type(within(form).getByLabelText('Job title'), 'Correspondent');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.to('PATCH', `/api/v1/authors/${id(5)}`)[0].body).toEqual({
      name: 'Adlet Seilkhanov',
      slug: 'adlet-seilkhanov',
      title: 'Correspondent',
      bio: null,
      email: null,
      avatarUrl: null,
    });
    await user.click(screen.getByRole('button', { name: 'Deactivate Adlet Seilkhanov' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Deactivate' }));
    await screen.findByText('Inactive');
    expect(api.to('POST', `/api/v1/authors/${id(5)}/deactivate`)).toHaveLength(1);
  });
});

describe('webhooks', () => {
  const hook = {
    id: id(7),
    url: 'https://partner.example.com/hook',
    events: ['article.published'],
    description: null,
    active: true,
    secretRotatedAt: null,
    createdAt: T,
    updatedAt: T,
  };
  const delivery = (n: number, status: string) => ({
    id: id(100 + n),
    webhookId: id(7),
    eventId: id(200 + n),
    eventSeq: String(n),
    eventType: 'article.published',
    articleId: null,
    status,
    attempts: 3,
    lastStatusCode: 500,
    lastError: null,
    nextAttemptAt: null,
    deliveredAt: null,
    createdAt: T,
    updatedAt: T,
  });

  it('should show the signing secret once on create and on rotate', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/webhooks': () => page([hook]),
      'POST /api/v1/webhooks': () => json({ ...hook, secret: 'whsec_first' }, 201),
      [`POST /api/v1/webhooks/${id(7)}/rotate-secret`]: () => json({ ...hook, secret: 'whsec_second' }),
    });
    renderDesk('/webhooks');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New webhook' }));
    const form = screen.getByRole('dialog', { name: 'New webhook' });
    await user.type(within(form).getByLabelText('URL'), 'https://partner.example.com/hook');
    await user.click(within(form).getByLabelText('article.corrected'));
    await user.click(within(form).getByRole('button', { name: 'Create webhook' }));
    const first = await screen.findByRole('dialog', { name: 'Signing secret' });
    expect((within(first).getByLabelText('Secret') as HTMLInputElement).value).toBe('whsec_first');
    expect(api.to('POST', '/api/v1/webhooks')[0].body).toEqual({
      url: 'https://partner.example.com/hook',
      events: ['article.published', 'article.corrected'],
      description: null,
    });
    await user.click(within(first).getByRole('button', { name: 'Done' }));
    expect(document.body.innerHTML).not.toContain('whsec_first');

    await user.click(screen.getByRole('button', { name: `Rotate the secret of ${hook.url}` }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Rotate secret' }));
    const second = await screen.findByRole('dialog', { name: 'Signing secret' });
    expect((within(second).getByLabelText('Secret') as HTMLInputElement).value).toBe('whsec_second');
  });

  it('should list deliveries with their status, filter them and redeliver one', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/webhooks': () => page([hook]),
      [`GET /api/v1/webhooks/${id(7)}/deliveries`]: (c: Call) =>
        page(
          c.query.get('status') === 'failed'
            ? [delivery(2, 'failed')]
            : [delivery(1, 'succeeded'), delivery(2, 'failed')],
        ),
      [`POST /api/v1/webhooks/${id(7)}/deliveries/${id(102)}/redeliver`]: () =>
        json(delivery(2, 'pending'), 202),
    });
    renderDesk('/webhooks');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: `Deliveries to ${hook.url}` }));
    const log = await screen.findByRole('region', { name: `Deliveries to ${hook.url}` });
    await within(log).findByRole('cell', { name: 'Succeeded' });
    expect(within(log).getByRole('cell', { name: 'Failed' })).toBeTruthy();
    await user.selectOptions(within(log).getByLabelText('Status'), 'failed');
    await waitFor(() =>
      expect(
        api
          .to('GET', `/api/v1/webhooks/${id(7)}/deliveries`)
          .at(-1)!
          .query.get('status'),
      ).toBe('failed'),
    );
    await waitFor(() => expect(within(log).queryByRole('cell', { name: 'Succeeded' })).toBeNull());
    await user.click(within(log).getByRole('button', { name: `Redeliver ${id(102)}` }));
    await waitFor(() =>
      expect(api.to('POST', `/api/v1/webhooks/${id(7)}/deliveries/${id(102)}/redeliver`)).toHaveLength(1),
    );
  });
});

describe('webhooks: disable and delete', () => {
  const hook = {
    id: id(8),
    url: 'https://other.example.com/hook',
    events: ['*'],
    description: null,
    active: true,
    secretRotatedAt: null,
    createdAt: T,
    updatedAt: T,
  };

  it('should disable, then delete after confirmation, and show a refused delete', async () => {
    let state: typeof hook | null = hook;
    let refuse = true;
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/webhooks': () => page(state ? [state] : []),
      [`POST /api/v1/webhooks/${id(8)}/disable`]: () => {
        state = { ...hook, active: false };
        return json(state);
      },
      [`DELETE /api/v1/webhooks/${id(8)}`]: () => {
        if (refuse) {
          refuse = false;
          return json({ statusCode: 403, code: 'FORBIDDEN', message: 'Not now' }, 403);
        }
        state = null;
        return new Response(null, { status: 204 });
      },
    });
    renderDesk('/webhooks');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: `Disable ${hook.url}` }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Disable' }));
    await screen.findByRole('button', { name: `Resume ${hook.url}` });

    await user.click(screen.getByRole('button', { name: `Delete ${hook.url}` }));
    const confirm = screen.getByRole('dialog', { name: `Delete ${hook.url}?` });
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    expect((await within(confirm).findByRole('alert')).textContent).toBe('Not now');
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await screen.findByText('Nothing here yet.');
    expect(api.to('DELETE', `/api/v1/webhooks/${id(8)}`)).toHaveLength(2);
  });
});

describe('audit log', () => {
  const entry = (n: number) => ({
    id: id(300 + n),
    at: T,
    actor: { id: ADMIN.id, email: ADMIN.email },
    action: 'tag.merge',
    entityType: 'tag',
    entityId: id(1),
    ip: null,
    requestId: null,
    details: { n },
  });

  it('should send the filters as query parameters and page with the cursor', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/users': () =>
        page([{ ...ADMIN, active: true, lastLoginAt: null, createdAt: T, updatedAt: T }]),
      'GET /api/v1/audit': (c) => (c.query.get('cursor') ? page([entry(2)]) : page([entry(1)], 'next-1')),
    });
    renderDesk('/audit');
    const user = userEvent.setup();
    await screen.findByText('{"n":1}');
    await user.selectOptions(screen.getByLabelText('Entity type'), 'tag');
    await user.type(screen.getByLabelText('Entity id'), id(1));
    await screen.findByRole('option', { name: `${ADMIN.name} <${ADMIN.email}>` });
    await user.selectOptions(screen.getByLabelText('Actor'), ADMIN.id);
    await user.type(screen.getByLabelText('Action'), 'tag.merge');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() =>
      expect(Object.fromEntries(api.to('GET', '/api/v1/audit').at(-1)!.query)).toEqual({
        entityType: 'tag',
        entityId: id(1),
        actorId: ADMIN.id,
        action: 'tag.merge',
        limit: '50',
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Load more' }));
    await screen.findByText('{"n":2}');
    expect(api.to('GET', '/api/v1/audit').at(-1)!.query.get('cursor')).toBe('next-1');
    expect(api.to('GET', '/api/v1/audit').at(-1)!.query.get('action')).toBe('tag.merge');
  });
});
