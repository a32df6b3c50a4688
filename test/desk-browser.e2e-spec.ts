import type { BrowserContext, Page } from 'playwright-core';
import { ADMIN, asAdmin, staff, uniq } from './helpers';
import {
  type Desk,
  newContext,
  openScreen,
  screenshot,
  seriousViolations,
  sessionCookie,
  signIn,
  startDesk,
} from './desk-browser.helpers';

// The built desk (desk/dist) in headless chromium against the whole app on a loopback port and the
// run's throw-away database. Every wait is on a condition (a locator, a response), never a sleep.
jest.setTimeout(180_000);

const PASSWORD = 'staff-password-123';

describe('the desk in a browser (e2e)', () => {
  let desk: Desk;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    desk = await startDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  async function browserFor(): Promise<Page> {
    const context = await newContext(desk);
    contexts.push(context);
    return context.newPage();
  }

  it('should refuse a wrong password with an alert and sign a writer in to the stories list', async () => {
    const writer = await staff(desk.app, 'writer');
    const headline = `Harbour reopens ${uniq()}`;
    const created = await writer.post('/api/v1/articles', { headline, body: '<p>Ships are back.</p>' });
    expect(created.statusCode).toBe(201);

    const page = await browserFor();
    await page.goto('/desk/');
    await page.getByLabel('Email').fill(writer.user.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password' }).waitFor();
    expect(await sessionCookie(page.context())).toBeUndefined();

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Stories' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: headline });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('Draft');
    // Writers see no admin screens.
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Users' }).count()).toBe(0);
  });

  it('should clear the session when the user signs out: the cookie is gone and /desk asks to sign in', async () => {
    const writer = await staff(desk.app, 'writer');
    const page = await browserFor();
    await signIn(page, writer.user.email, PASSWORD);
    const cookie = await sessionCookie(page.context());
    expect(cookie).toBeTruthy();

    const signedOut = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/auth/session') && r.request().method() === 'DELETE',
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect((await signedOut).status()).toBe(204);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await sessionCookie(page.context())).toBeUndefined();

    await page.goto('/desk/stories');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);

    // The old cookie, replayed by someone who kept it, is refused too.
    const replay = await desk.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: `dateline_session=${cookie}` },
    });
    expect(replay.statusCode).toBe(401);
  });

  it('should pass axe (WCAG 2 A/AA, best practice) with no serious or critical finding on every screen', async () => {
    const admin = await asAdmin(desk.app);
    for (const headline of ['Storm closes the coast road', 'Council approves the budget']) {
      expect((await admin.post('/api/v1/articles', { headline, body: '<p>Text.</p>' })).statusCode).toBe(201);
    }
    const page = await browserFor();
    const findings: Record<string, unknown> = {};
    const check = async (screen: string) => {
      const found = await seriousViolations(page);
      if (found.length) findings[screen] = found;
    };

    await page.goto('/desk/');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await check('sign-in');
    await screenshot(page, 'sign-in');

    await signIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole('row').filter({ hasText: 'Council approves the budget' }).first().waitFor();
    await check('stories');
    await screenshot(page, 'stories');

    for (const [link, file] of [
      ['Pictures', 'pictures'],
      ['Tags', 'tags'],
      ['Authors', 'authors'],
      ['Import', 'import'],
      ['Users', 'users'],
      ['API keys', 'api-keys'],
      ['Webhooks', 'webhooks'],
      ['Audit log', 'audit-log'],
    ]) {
      await openScreen(page, link);
      await check(link);
      await screenshot(page, file);
    }

    expect(findings).toEqual({});
  });
});
