import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ADMIN, WRITER, errorBody, fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const T = '2026-12-01T10:00:00.000Z';
const session = () => json({ user: ADMIN, csrfToken: 'csrf-p' });
const page = (data: unknown[]) => json({ data, meta: { nextCursor: null } });

const key = {
  id: id(10),
  name: 'Astana site',
  prefix: 'dlk_a1B2c3D4',
  scopes: ['content:read'],
  status: 'active',
};
const otherKey = { ...key, id: id(11), name: 'Other site', prefix: 'dlk_zzzzzzzz' };
const hook = { id: id(20), url: 'https://partner.example/hooks', events: ['*'], active: true };

const partner = {
  id: id(1),
  name: 'Daily Astana',
  contacts: [{ name: 'Aigerim', email: 'desk@astana.example', phone: null, role: 'night editor' }],
  subscription: {
    languages: ['en'],
    genres: ['news'],
    tags: [{ id: 't1', slug: 'weather', name: 'Weather' }],
    tagMatch: 'any',
    embargoedEarly: false,
  },
  apiKeyIds: [key.id],
  webhookIds: [],
  openAdvisories: 1,
  version: 3,
  createdBy: ADMIN.id,
  createdAt: T,
  updatedAt: T,
};

const routes = (extra: Record<string, Parameters<typeof fakeApi>[0][string]> = {}) => ({
  'GET /api/v1/auth/session': session,
  'GET /api/v1/partners': () => page([partner]),
  'GET /api/v1/api-keys': () => page([key, otherKey]),
  'GET /api/v1/webhooks': () => page([hook]),
  'GET /api/v1/tags': () => page([{ id: 't2', name: 'Floods', slug: 'floods', kind: 'topic' }]),
  ...extra,
});

describe('partners', () => {
  it('should be linked from the navigation for admins only', async () => {
    fakeApi(routes());
    renderDesk('/partners');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Partners' }).getAttribute('href')).toBe('/partners');
    expect(await screen.findByRole('heading', { name: 'Partners', level: 1 })).toBeTruthy();
    expect(await screen.findByText('en · News · any of Weather')).toBeTruthy();
  });

  it('should hide the link from writers', async () => {
    fakeApi({ 'GET /api/v1/auth/session': () => json({ user: WRITER, csrfToken: 'c' }) });
    renderDesk('/stories');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: 'Partners' })).toBeNull();
  });

  it('should create a partner with a contact, its subscription, keys and webhooks', async () => {
    const api = fakeApi(
      routes({
        'POST /api/v1/partners': (c) => json({ ...partner, id: id(2), ...(c.body as object) }, 201),
      }),
    );
    renderDesk('/partners');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New partner' }));
    const form = screen.getByRole('dialog', { name: 'New partner' });
    await user.type(within(form).getAllByLabelText('Name')[0], 'Steppe Times');
    await user.click(within(form).getByRole('button', { name: 'Add a contact' }));
    const contact = within(form).getByRole('group', { name: 'Contact 1' });
    await user.type(within(contact).getByLabelText('Name'), 'Dana');
    await user.type(within(contact).getByLabelText('Email'), 'dana@steppe.example');
    await user.type(within(form).getByLabelText('Languages'), 'en, kk');
    await user.click(within(form).getByLabelText('Press release'));
    await user.type(within(form).getByLabelText('Tags'), 'Flo');
    await user.click(await within(form).findByRole('button', { name: 'Add Floods' }));
    await user.selectOptions(within(form).getByLabelText('Tags match'), 'all of the tags');
    await user.click(within(form).getByLabelText('Gets embargoed stories early'));
    await user.click(await within(form).findByLabelText(/Other site/));
    await user.click(within(form).getByLabelText(/partner\.example/));
    // The key another partner has is named as its.
    expect(within(form).getByLabelText(/Astana site/).parentElement?.textContent).toContain(
      'belongs to Daily Astana',
    );
    await user.click(within(form).getByRole('button', { name: 'Create partner' }));
    await waitFor(() => expect(api.to('POST', '/api/v1/partners')).toHaveLength(1));
    const [create] = api.to('POST', '/api/v1/partners');
    expect(create.body).toEqual({
      name: 'Steppe Times',
      contacts: [{ name: 'Dana', email: 'dana@steppe.example', phone: null, role: null }],
      apiKeyIds: [otherKey.id],
      webhookIds: [hook.id],
      subscription: {
        languages: ['en', 'kk'],
        genres: ['press_release'],
        tagIds: ['t2'],
        tagMatch: 'all',
        embargoedEarly: true,
      },
    });
    expect(create.headers.get('x-csrf-token')).toBe('csrf-p');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('should save an edit with If-Match and say so when someone else changed the partner first', async () => {
    let stale = false;
    const api = fakeApi(
      routes({
        [`PATCH /api/v1/partners/${partner.id}`]: (c) =>
          stale
            ? errorBody(412, 'PRECONDITION_FAILED', 'changed')
            : json({ ...partner, version: 4, ...(c.body as object) }),
      }),
    );
    renderDesk('/partners');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Edit Daily Astana' }));
    const form = screen.getByRole('dialog', { name: 'Edit partner Daily Astana' });
    expect((within(form).getByLabelText('Languages') as HTMLInputElement).value).toBe('en');
    expect(within(form).getByRole('button', { name: 'Remove Weather' })).toBeTruthy();
    stale = true;
    await user.clear(within(form).getByLabelText('Languages'));
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByRole('alert')).toHaveProperty(
      'textContent',
      'Someone changed this partner since you opened it. Close the form and open it again to see their change.',
    );
    const [patch] = api.to('PATCH', `/api/v1/partners/${partner.id}`);
    expect(patch.headers.get('if-match')).toBe('"3"');
    expect(patch.body).toMatchObject({
      apiKeyIds: [key.id],
      subscription: { languages: [], tagIds: ['t1'] },
    });
  });

  it('should list the open advisories of a partner with their age, and delete a partner after confirmation', async () => {
    const api = fakeApi(
      routes({
        'GET /api/v1/advisories': (c) =>
          c.query.get('partnerId') === partner.id && c.query.get('status') === 'open'
            ? page([
                {
                  id: id(30),
                  partner: { id: partner.id, name: partner.name },
                  article: { id: id(40), headline: 'Floods in Astana', slug: 'floods', language: 'en' },
                  kind: 'kill',
                  version: 2,
                  receivedVersion: 1,
                  notice: 'Legal',
                  status: 'open',
                  overdue: true,
                  ageSeconds: 3720,
                  resends: 3,
                  openedAt: T,
                  lastResentAt: T,
                  nextResendAt: null,
                  overdueAt: T,
                  acknowledgedAt: null,
                  ackMethod: null,
                },
              ])
            : page([]),
        [`DELETE /api/v1/partners/${partner.id}`]: () => new Response(null, { status: 204 }),
      }),
    );
    renderDesk('/partners');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Advisories of Daily Astana' }));
    const panel = await screen.findByRole('region', { name: 'Open advisories of Daily Astana' });
    const row = await within(panel).findByRole('row', { name: /Floods in Astana/ });
    expect(row.textContent).toContain('Kill');
    expect(row.textContent).toContain('1 h overdue');

    await user.click(screen.getByRole('button', { name: 'Delete Daily Astana' }));
    const confirm = screen.getByRole('dialog', { name: 'Delete Daily Astana' });
    expect(api.to('DELETE', `/api/v1/partners/${partner.id}`)).toHaveLength(0);
    await user.click(within(confirm).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(api.to('DELETE', `/api/v1/partners/${partner.id}`)).toHaveLength(1));
    expect(api.to('DELETE', `/api/v1/partners/${partner.id}`)[0].headers.get('if-match')).toBe('"3"');
  });
});
