import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ADMIN, WRITER, fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';

const KEY_ID = '00000000-0000-4000-8000-000000000042';
const SECRET = 'dlk_a1B2c3D4_thisIsTheWholeSecretKey0123456789';

const stored = {
  id: KEY_ID,
  name: 'Partner site',
  prefix: 'dlk_a1B2c3D4',
  scopes: ['content:read', 'content:embargoed'],
  status: 'active',
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
  createdBy: ADMIN.id,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
};

describe('API keys', () => {
  it('should show the new key once in a dialog with a copy button, and never again after it is closed', async () => {
    let keys: (typeof stored)[] = [];
    const api = fakeApi({
      'GET /api/v1/auth/session': () => json({ user: ADMIN, csrfToken: 'csrf-k' }),
      'GET /api/v1/api-keys': () => json({ data: keys, meta: { nextCursor: null } }),
      'POST /api/v1/api-keys': () => {
        keys = [stored];
        return json({ ...stored, key: SECRET }, 201);
      },
    });
    renderDesk('/api-keys');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New API key' }));
    const form = screen.getByRole('dialog', { name: 'New API key' });
    await user.type(within(form).getByLabelText('Name'), 'Partner site');
    await user.click(within(form).getByLabelText('content:embargoed'));
    await user.click(within(form).getByRole('button', { name: 'Create key' }));

    const shown = await screen.findByRole('dialog', { name: 'API key created' });
    expect((within(shown).getByLabelText('Secret') as HTMLInputElement).value).toBe(SECRET);
    expect(shown.textContent).toContain('shown only this once');
    await user.click(within(shown).getByRole('button', { name: 'Copy' }));
    // user-event's clipboard stands in for the browser's.
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(within(shown).getByRole('status').textContent).toBe('Copied to the clipboard.');

    const [create] = api.to('POST', '/api/v1/api-keys');
    expect(create.body).toEqual({ name: 'Partner site', scopes: ['content:read', 'content:embargoed'] });
    expect(create.headers.get('x-csrf-token')).toBe('csrf-k');

    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    // The list shows the key's public prefix only; the secret is nowhere on the page any more.
    await screen.findByText('dlk_a1B2c3D4');
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(screen.queryByDisplayValue(SECRET)).toBeNull();
  });

  it('should revoke a key after confirmation', async () => {
    let revoked = false;
    const api = fakeApi({
      'GET /api/v1/auth/session': () => json({ user: ADMIN, csrfToken: 'csrf-k' }),
      'GET /api/v1/api-keys': () =>
        json({ data: [{ ...stored, status: revoked ? 'revoked' : 'active' }], meta: { nextCursor: null } }),
      [`POST /api/v1/api-keys/${KEY_ID}/revoke`]: () => {
        revoked = true;
        return json({ ...stored, status: 'revoked' });
      },
    });
    renderDesk('/api-keys');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Revoke Partner site' }));
    expect(api.to('POST', `/api/v1/api-keys/${KEY_ID}/revoke`)).toHaveLength(0);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    await screen.findByText('Revoked');
    expect(api.to('POST', `/api/v1/api-keys/${KEY_ID}/revoke`)).toHaveLength(1);
    expect(screen.queryByRole('button', { name: 'Revoke Partner site' })).toBeNull();
  });

  it('should not show the screen to a writer', async () => {
    const api = fakeApi({ 'GET /api/v1/auth/session': () => json({ user: WRITER, csrfToken: 'c' }) });
    renderDesk('/api-keys');
    expect((await screen.findByRole('alert')).textContent).toBe('This screen is for administrators.');
    await waitFor(() => expect(api.to('GET', '/api/v1/api-keys')).toHaveLength(0));
  });
});
