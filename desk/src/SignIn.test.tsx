import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ADMIN, WRITER, errorBody, fakeApi, json } from '../test/fake-api';
import { renderDesk } from '../test/render';

const page = { data: [], meta: { nextCursor: null } };

function signedOutApi(user = WRITER, extra = {}) {
  return fakeApi({
    'GET /api/v1/auth/session': () => errorBody(401, 'UNAUTHORIZED', 'Not signed in'),
    'POST /api/v1/auth/session': (c) => {
      const { email, password } = c.body as { email: string; password: string };
      return email === user.email && password === 'right-password'
        ? json({ user, csrfToken: 'csrf-123' })
        : errorBody(401, 'UNAUTHORIZED', 'Invalid email or password');
    },
    'DELETE /api/v1/auth/session': () => new Response(null, { status: 204 }),
    'GET /api/v1/articles': () => json(page),
    ...extra,
  });
}

async function signIn(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Email'), email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('sign-in', () => {
  it('should show the sign-in form when there is no session', async () => {
    signedOutApi();
    renderDesk('/stories');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('should post the credentials and show the desk with the writer links when they are right', async () => {
    const api = signedOutApi();
    renderDesk('/stories');
    await signIn(WRITER.email, 'right-password');
    const nav = await screen.findByRole('navigation');
    expect(api.to('POST', '/api/v1/auth/session')[0].body).toEqual({
      email: WRITER.email,
      password: 'right-password',
    });
    for (const name of ['Stories', 'Pictures', 'Tags', 'Authors']) {
      expect(within(nav).getByRole('link', { name })).toBeTruthy();
    }
    for (const name of ['Users', 'API keys', 'Webhooks', 'Audit log']) {
      expect(within(nav).queryByRole('link', { name })).toBeNull();
    }
    expect(await screen.findByRole('heading', { name: 'Stories' })).toBeTruthy();
  });

  it('should show the admin links when the session user is an admin', async () => {
    signedOutApi(ADMIN);
    renderDesk('/stories');
    await signIn(ADMIN.email, 'right-password');
    const nav = await screen.findByRole('navigation');
    for (const name of [
      'Stories',
      'Pictures',
      'Tags',
      'Authors',
      'Users',
      'API keys',
      'Webhooks',
      'Audit log',
    ]) {
      expect(within(nav).getByRole('link', { name })).toBeTruthy();
    }
  });

  it('should show an alert and stay on the form when the password is wrong', async () => {
    signedOutApi();
    renderDesk('/stories');
    await signIn(WRITER.email, 'wrong-password');
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong email or password.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('should say so when sign-in is rate limited', async () => {
    signedOutApi(WRITER, {
      'POST /api/v1/auth/session': () => errorBody(429, 'TOO_MANY_REQUESTS', 'Too many attempts'),
    });
    renderDesk('/stories');
    await signIn(WRITER.email, 'right-password');
    expect((await screen.findByRole('alert')).textContent).toBe('Too many attempts. Try again later.');
  });

  it('should send the CSRF token with a write and keep no token in storage when signed in', async () => {
    const api = signedOutApi();
    renderDesk('/stories');
    const user = await signIn(WRITER.email, 'right-password');
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    const [signOut] = api.to('DELETE', '/api/v1/auth/session');
    expect(signOut.headers.get('x-csrf-token')).toBe('csrf-123');
    // Reads carry no CSRF header, and nothing of the session is kept in storage.
    expect(api.to('GET', '/api/v1/articles')[0].headers.get('x-csrf-token')).toBeNull();
    expect(JSON.stringify({ ...localStorage })).not.toContain('csrf-123');
    expect(Object.keys(localStorage).filter((k) => k !== 'dateline.desk.language')).toEqual([]);
  });

  it('should sign out in the desk even when the server refuses the DELETE', async () => {
    signedOutApi(WRITER, {
      'DELETE /api/v1/auth/session': () => errorBody(403, 'FORBIDDEN', 'CSRF token missing or wrong'),
    });
    renderDesk('/stories');
    const user = await signIn(WRITER.email, 'right-password');
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('should resume an existing session without asking for the password', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': () => json({ user: WRITER, csrfToken: 'csrf-9' }),
      'GET /api/v1/articles': () => json(page),
    });
    renderDesk('/stories');
    expect(await screen.findByRole('heading', { name: 'Stories' })).toBeTruthy();
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(api.to('POST', '/api/v1/auth/session')).toHaveLength(0);
  });

  it('should go back to the sign-in form when the API answers 401', async () => {
    fakeApi({
      'GET /api/v1/auth/session': () => json({ user: WRITER, csrfToken: 'csrf-9' }),
      'GET /api/v1/articles': () => errorBody(401, 'UNAUTHORIZED', 'Session expired'),
    });
    renderDesk('/stories');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(screen.queryByRole('navigation')).toBeNull();
  });

  it('should switch the interface to Russian when Русский is chosen', async () => {
    signedOutApi();
    renderDesk('/stories');
    const user = await signIn(WRITER.email, 'right-password');
    const nav = await screen.findByRole('navigation');
    await user.selectOptions(screen.getByLabelText('Interface language'), 'Русский');
    await waitFor(() => expect(within(nav).getByRole('link', { name: 'Материалы' })).toBeTruthy());
    expect(within(nav).queryByRole('link', { name: 'Stories' })).toBeNull();
    expect(document.documentElement.lang).toBe('ru');
  });
});
