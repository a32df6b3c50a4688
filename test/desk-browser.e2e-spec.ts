import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
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

/** A small real JPEG for the upload. */
const picture = () =>
  sharp({ create: { width: 640, height: 427, channels: 3, background: { r: 30, g: 90, b: 140 } } })
    .jpeg({ quality: 80 })
    .toBuffer();

/** The datetime-local value of the next whole minute at least 20 s away, as wall time in `timeZone`. */
function nextMinuteIn(timeZone: string): string {
  const at = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

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

  it('should take a story from a writer through return, resubmission and schedule to the public Content API', async () => {
    const admin = await asAdmin(desk.app);
    const writer = await staff(desk.app, 'writer');
    const editor = await staff(desk.app, 'editor');
    const tag = uniq('Harbours');
    expect((await admin.post('/api/v1/tags', { name: tag, kind: 'topic' })).statusCode).toBe(201);
    const headline = `Grain ships leave the harbour ${uniq()}`;

    // The writer uploads a picture to the library and gives it alt text and a credit (needed to publish).
    const wp = await browserFor();
    await signIn(wp, writer.user.email, PASSWORD);
    await openScreen(wp, 'Pictures');
    await wp.getByLabel('Picture file').setInputFiles({
      name: 'harbour.jpg',
      mimeType: 'image/jpeg',
      buffer: await picture(),
    });
    await wp.getByRole('button', { name: 'Upload', exact: true }).click();
    await wp.getByRole('link', { name: 'Edit its details' }).click();
    const details = wp.getByRole('form', { name: 'Picture details' });
    const caption = `Grain terminal ${uniq()}`;
    await details.getByLabel('Caption', { exact: true }).fill(caption);
    await details
      .getByLabel('Alt text', { exact: true })
      .fill('Three cargo ships moored at a grain terminal');
    await details.getByLabel('Credit', { exact: true }).fill('Dateline / Staff');
    await details.getByRole('button', { name: 'Save', exact: true }).click();
    await wp.getByText('Saved.').waitFor();

    // Then drafts the story: fields, body, a tag, that picture; Save, then Submit.
    await openScreen(wp, 'Stories');
    await wp.getByRole('button', { name: 'New story' }).click();
    await wp.getByLabel('Headline', { exact: true }).fill(headline);
    await wp.getByLabel('Dateline place').fill('Odesa');
    await wp.getByLabel('Summary').fill('The first convoy in a month.');
    await wp.getByRole('textbox', { name: 'Body', exact: true }).click();
    await wp.keyboard.type('Three ships carrying grain left the harbour on Monday.');
    await wp.getByRole('textbox', { name: 'Tags', exact: true }).fill(tag);
    await wp.getByRole('button', { name: `Add ${tag}` }).click();
    await wp.getByRole('list', { name: 'Tags of this story' }).getByText(tag).waitFor();
    await wp.getByRole('button', { name: 'Choose picture' }).click();
    const picker = wp.getByRole('dialog', { name: 'Choose picture' });
    await picker.getByLabel('Search the library').fill(caption);
    await picker.getByRole('button', { name: caption }).click();
    await wp.getByLabel('Caption in this story').fill('Ships at the grain terminal.');
    const created = wp.waitForResponse(
      (r) => r.url().endsWith('/api/v1/articles') && r.request().method() === 'POST',
    );
    await wp.getByRole('button', { name: 'Save', exact: true }).click();
    const createdRes = await created;
    expect(createdRes.status()).toBe(201);
    const id = (await createdRes.json()).id as string;
    await wp.waitForURL(`**/desk/stories/${id}`);
    await wp.getByRole('button', { name: 'Submit', exact: true }).click();
    await wp.getByText(/^In review · version/).waitFor();
    const submitted = (await admin.get(`/api/v1/articles/${id}`)).json<{
      tags: { name: string }[];
      body: string;
      featuredMedia: unknown;
    }>();
    expect(submitted).toMatchObject({
      headline,
      status: 'in_review',
      summary: 'The first convoy in a month.',
    });
    expect(submitted.tags.map((t) => t.name)).toEqual([tag]);
    expect(submitted.body).toContain('Three ships carrying grain');
    expect(submitted.featuredMedia).toMatchObject({ caption: 'Ships at the grain terminal.' });

    // The editor finds it in the list and returns it with a comment.
    const ep = await browserFor();
    await signIn(ep, editor.user.email, PASSWORD);
    await ep.getByRole('link', { name: headline }).click();
    await ep.getByRole('button', { name: 'Return', exact: true }).click();
    const returning = ep.getByRole('dialog', { name: 'Return to the writer' });
    await returning.getByLabel('Comment for the author').fill('Say how many tonnes they carry.');
    await returning.getByRole('button', { name: 'Return story' }).click();
    await ep.getByText(/^Draft · version/).waitFor();

    // The writer sees the comment, fixes the story and resubmits.
    await wp.reload();
    await wp.locator('summary', { hasText: 'History' }).click();
    await wp.getByText('Say how many tonnes they carry.').waitFor();
    const fixed = `${headline}, 90,000 tonnes`;
    await wp.getByLabel('Headline', { exact: true }).fill(fixed);
    await wp.getByRole('button', { name: 'Save', exact: true }).click();
    await wp.getByRole('heading', { level: 1, name: fixed }).waitFor();
    await wp.getByRole('button', { name: 'Submit', exact: true }).click();
    await wp.getByText(/^In review · version/).waitFor();

    // The editor schedules it for the next whole minute in the newsroom's zone; the scheduler publishes it.
    await ep.reload();
    await ep.getByRole('heading', { level: 1, name: fixed }).waitFor();
    await ep.getByRole('button', { name: 'Schedule', exact: true }).click();
    const scheduling = ep.getByRole('dialog', { name: 'Schedule publication' });
    const timezone = (await admin.get(`/api/v1/articles/${id}`)).json<{ timezone: string }>().timezone;
    await scheduling.getByLabel(/^Publish at/).fill(nextMinuteIn(timezone));
    const scheduled = ep.waitForResponse((r) => r.url().endsWith(`/api/v1/articles/${id}/transitions`));
    await scheduling.getByRole('button', { name: 'Schedule story' }).click();
    const scheduledRes = await scheduled;
    expect(`${scheduledRes.status()} ${scheduledRes.status() === 200 ? '' : await scheduledRes.text()}`).toBe(
      '200 ',
    );
    await ep.getByText(/^Scheduled · version/).waitFor();
    // The stories list follows the newsroom changes feed: the row turns Published without a reload.
    await openScreen(ep, 'Stories');
    const row = ep.getByRole('row').filter({ has: ep.getByRole('link', { name: fixed }) });
    await row.getByRole('cell', { name: 'Scheduled', exact: true }).waitFor();
    await row.getByRole('cell', { name: 'Published', exact: true }).waitFor({ timeout: 150_000 });

    const slug = (await admin.get(`/api/v1/articles/${id}`)).json<{ slug: string }>().slug;
    const live = await desk.app.inject({ method: 'GET', url: `/api/v1/content/articles/${slug}` });
    expect(live.statusCode).toBe(200);
    expect(live.body).toContain(fixed);
  }, 300_000);

  it("should show another user's draft edit and submit in the stories list without a reload", async () => {
    const writer = await staff(desk.app, 'writer');
    const editor = await staff(desk.app, 'editor');
    const before = `Tram line plans ${uniq()}`;
    let story = (await writer.post('/api/v1/articles', { headline: before, body: '<p>Plans.</p>' })).json<{
      id: string;
      version: number;
    }>();
    const page = await browserFor();
    await signIn(page, editor.user.email, PASSWORD);
    const rowOf = (headline: string) =>
      page.getByRole('row').filter({ has: page.getByRole('link', { name: headline, exact: true }) });
    await rowOf(before).getByRole('cell', { name: 'Draft', exact: true }).waitFor();
    // A mark in the page's memory: a reload would wipe it.
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

    // The writer edits the draft (no public event), then submits it; each shows up in the editor's list.
    const after = `Tram line plans approved ${uniq()}`;
    const edited = await writer.patch(
      `/api/v1/articles/${story.id}`,
      { headline: after },
      { 'if-match': `"${story.version}"` },
    );
    expect(edited.statusCode).toBe(200);
    story = edited.json();
    await rowOf(after).getByRole('cell', { name: 'Draft', exact: true }).waitFor();
    const submitted = await writer.post(
      `/api/v1/articles/${story.id}/transitions`,
      { action: 'submit' },
      { 'if-match': `"${story.version}"` },
    );
    expect(submitted.statusCode).toBe(200);
    await rowOf(after).getByRole('cell', { name: 'In review', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: before, exact: true }).count()).toBe(0);
    expect(
      await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage),
    ).toBe(true);
  });

  it('should show the second of two editors a conflict dialog naming the field the first one changed', async () => {
    const writer = await staff(desk.app, 'writer');
    const story = (
      await writer.post('/api/v1/articles', {
        headline: `Bridge repairs ${uniq()}`,
        body: '<p>Work starts.</p>',
      })
    ).json<{ id: string }>();
    const [first, second] = [await browserFor(), await browserFor()];
    for (const page of [first, second]) {
      await signIn(page, writer.user.email, PASSWORD);
      await page.goto(`/desk/stories/${story.id}`);
      await page.getByLabel('Summary').waitFor();
    }
    await first.getByLabel('Summary').fill('Repairs take two weeks.');
    await first.getByRole('button', { name: 'Save', exact: true }).click();
    await first.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    await second.getByLabel('Headline', { exact: true }).fill('Bridge repairs start on Monday');
    const refused = second.waitForResponse((r) => r.request().method() === 'PATCH');
    await second.getByRole('button', { name: 'Save', exact: true }).click();
    expect((await refused).status()).toBe(412);
    const dialog = second.getByRole('dialog', { name: 'This story changed' });
    await dialog.waitFor();
    await screenshot(second, 'conflict');
    expect(
      await dialog
        .getByRole('list', { name: 'Fields they changed:' })
        .getByRole('listitem')
        .allTextContents(),
    ).toEqual(['Summary']);
    // Nothing of the second editor's text was saved.
    const stored = (await writer.get(`/api/v1/articles/${story.id}`)).json<{
      headline: string;
      summary: string;
    }>();
    expect(stored.summary).toBe('Repairs take two weeks.');
    expect(stored.headline).not.toBe('Bridge repairs start on Monday');
  });

  it('should kill a published story only after a reason and confirmation, and take it off the Content API', async () => {
    const editor = await staff(desk.app, 'editor');
    const story = (
      await editor.post('/api/v1/articles', { headline: `Minister resigns ${uniq()}`, body: '<p>Text.</p>' })
    ).json<{ id: string; version: number }>();
    const published = await editor.post(
      `/api/v1/articles/${story.id}/transitions`,
      { action: 'publish' },
      { 'if-match': `"${story.version}"` },
    );
    expect(published.statusCode).toBe(200);
    const slug = published.json<{ slug: string }>().slug;
    expect(
      (await desk.app.inject({ method: 'GET', url: `/api/v1/content/articles/${slug}` })).statusCode,
    ).toBe(200);

    const page = await browserFor();
    await signIn(page, editor.user.email, PASSWORD);
    await page.goto(`/desk/stories/${story.id}`);
    await page.getByRole('button', { name: 'Kill', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Kill this story?' });
    const confirm = dialog.getByRole('button', { name: 'Kill story' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Reason').fill('The resignation was not confirmed.');
    await screenshot(page, 'kill');
    await confirm.click();
    await page.getByText(/^Killed · version/).waitFor();
    expect((await editor.get(`/api/v1/articles/${story.id}`)).json<{ status: string }>().status).toBe(
      'killed',
    );
    const gone = await desk.app.inject({ method: 'GET', url: `/api/v1/content/articles/${slug}` });
    expect(gone.statusCode).not.toBe(200);
  });

  it('should show a stale translation with its source changes and clear it with Confirm translation', async () => {
    const editor = await staff(desk.app, 'editor');
    const source = (
      await editor.post('/api/v1/articles', {
        headline: `Floods in the north ${uniq()}`,
        body: '<p>Rivers rose overnight in the north.</p>',
      })
    ).json<{ id: string; version: number }>();
    const created = await editor.post(`/api/v1/articles/${source.id}/translations`, { language: 'ru' });
    const ru = created.json<{ id: string; version: number }>();
    const headline = `Наводнение на севере ${uniq()}`;
    const written = await editor.patch(
      `/api/v1/articles/${ru.id}`,
      { headline, body: '<p>Ночью на севере поднялись реки.</p>' },
      { 'if-match': `"${ru.version}"` },
    );
    expect(written.statusCode).toBe(200);
    const changed = await editor.patch(
      `/api/v1/articles/${source.id}`,
      { body: '<p>Rivers rose overnight in the north and the east.</p>' },
      { 'if-match': `"${source.version}"` },
    );
    expect(changed.statusCode).toBe(200);

    const page = await browserFor();
    await signIn(page, editor.user.email, PASSWORD);
    await page.goto('/desk/stories');
    // The filter lives in the URL, and the router renders its change as a transition: the box shows
    // checked a moment after the URL has changed (check() demanded it right after its click, and a slow
    // machine had not re-rendered yet). So: click, then wait for the URL and for the box to show it.
    await page.getByLabel('Stale translations only').click();
    await page.waitForURL(/[?&]stale=1(&|$)/);
    await page.getByRole('checkbox', { name: 'Stale translations only', checked: true }).waitFor();
    const row = page.getByRole('row').filter({ hasText: headline });
    await row.getByText('Source changed').waitFor();
    await row.getByRole('link', { name: headline }).click();
    const banner = page.getByRole('region', { name: 'The source has changed' });
    await banner.getByRole('group', { name: 'Changes in the source since the translated version' }).waitFor();
    expect((await banner.locator('ins').allTextContents()).join('')).toContain('the east');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'translation-stale');

    await banner.getByRole('button', { name: 'Confirm translation' }).click();
    await page.getByText(/^Translation of the en story, matching its version/).waitFor();
    expect(await banner.count()).toBe(0);
    const after = (await editor.get(`/api/v1/articles/${ru.id}`)).json<{
      version: number;
      translationOf: { stale: boolean };
    }>();
    expect(after.translationOf.stale).toBe(false);
    expect(after.version).toBe(ru.version + 2);
  });

  it('should let an admin merge two tags after confirming, moving the stories to the kept tag', async () => {
    const admin = await asAdmin(desk.app);
    const mk = async (name: string) =>
      (await admin.post('/api/v1/tags', { name, kind: 'place' })).json<{ id: string; slug: string }>();
    const suffix = uniq();
    const dup = await mk(`Almaty city ${suffix}`);
    const keep = await mk(`Almaty ${suffix}`);
    const story = (
      await admin.post('/api/v1/articles', {
        headline: `Snow in Almaty ${suffix}`,
        body: '<p>Text.</p>',
        tags: [dup.id],
      })
    ).json<{ id: string }>();

    const page = await browserFor();
    await signIn(page, ADMIN.email, ADMIN.password);
    await openScreen(page, 'Tags');
    await page.getByRole('searchbox', { name: 'Search' }).fill(`Almaty city ${suffix}`);
    await page.getByRole('button', { name: `Merge Almaty city ${suffix}` }).click();
    const picking = page.getByRole('dialog', { name: `Merge Almaty city ${suffix} into another tag` });
    await picking.getByRole('searchbox', { name: 'Find the tag to keep' }).fill(`Almaty ${suffix}`);
    await picking.getByRole('radio', { name: new RegExp(`^Almaty ${suffix} \\(`) }).check();
    await picking.getByRole('button', { name: 'Continue' }).click();
    const confirming = page.getByRole('dialog', { name: 'Merge tags?' });
    await confirming.getByText('This cannot be undone.', { exact: false }).waitFor();
    await screenshot(page, 'tag-merge');
    // Nothing happens before the confirmation.
    expect((await admin.get(`/api/v1/tags/${dup.id}`)).statusCode).toBe(200);
    const merged = page.waitForResponse((r) => r.url().endsWith(`/api/v1/tags/${dup.id}/merge`));
    await confirming.getByRole('button', { name: 'Merge', exact: true }).click();
    expect((await merged).status()).toBe(200);
    await confirming.waitFor({ state: 'detached' });
    await page
      .getByRole('cell', { name: `Almaty city ${suffix}`, exact: true })
      .waitFor({ state: 'detached' });

    expect((await admin.get(`/api/v1/tags/${dup.id}`)).statusCode).toBe(404);
    const tags = (await admin.get(`/api/v1/articles/${story.id}`)).json<{ tags: { id: string }[] }>().tags;
    expect(tags.map((t) => t.id)).toEqual([keep.id]);
  });

  it('should preview pasted wire text without storing it, then create the draft and open it', async () => {
    const writer = await staff(desk.app, 'writer');
    const headline = `Wheat harvest reaches a record ${uniq()}`;
    const text = [
      headline,
      '',
      '12 April 2024, 10:15',
      '',
      'ALMATY. KAZINFORM – Farmers gathered a record wheat harvest this year.',
      '',
      'A second paragraph adds the detail.',
      '',
      'Author:',
      '',
      `Aigerim Test ${uniq()}`,
      '',
      'Agriculture',
    ].join('\n');

    const page = await browserFor();
    await signIn(page, writer.user.email, PASSWORD);
    await openScreen(page, 'Import');
    await page.getByLabel('Item text').fill(text);
    const previewed = page.waitForResponse((r) => r.url().includes('/api/v1/articles/import?dryRun=true'));
    await page.getByRole('button', { name: 'Preview' }).click();
    expect((await previewed).status()).toBe(200);
    const parsed = page.getByRole('region', { name: 'What the importer reads' });
    await parsed.getByText(headline).waitFor();
    await parsed.getByText('Farmers gathered a record wheat harvest this year.').waitFor();
    await screenshot(page, 'import-preview');
    const none = await writer.get(`/api/v1/articles?q=${encodeURIComponent(headline)}`);
    expect(none.json<{ data: unknown[] }>().data).toEqual([]);

    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('heading', { level: 1, name: headline }).waitFor();
    await page.getByText(/^Draft · version/).waitFor();
    const found = (await writer.get(`/api/v1/articles?q=${encodeURIComponent(headline)}`)).json<{
      data: { headline: string; status: string }[];
    }>().data;
    expect(found).toMatchObject([{ headline, status: 'draft' }]);
  });

  it('should pass axe (WCAG 2 A/AA, best practice) with no serious or critical finding on every screen', async () => {
    const admin = await asAdmin(desk.app);
    for (const headline of ['Storm closes the coast road', 'Council approves the budget']) {
      expect((await admin.post('/api/v1/articles', { headline, body: '<p>Text.</p>' })).statusCode).toBe(201);
    }
    const partner = await admin.post('/api/v1/partners', {
      name: 'Daily Astana',
      contacts: [{ name: 'Aigerim Sadykova', email: 'desk@astana.example' }],
      subscription: { languages: ['en', 'ru'], genres: ['news'] },
    });
    expect(partner.statusCode).toBe(201);
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
      ['Partners', 'partners'],
      ['Audit log', 'audit-log'],
    ]) {
      await openScreen(page, link);
      await check(link);
      await screenshot(page, file);
    }

    // The partner form: contacts, the subscription, keys and webhooks.
    await openScreen(page, 'Partners');
    await page.getByRole('button', { name: 'Edit Daily Astana' }).click();
    await page.getByRole('dialog', { name: 'Edit partner Daily Astana' }).waitFor();
    await check('partner form');
    await screenshot(page, 'partner-form');
    await page.keyboard.press('Escape');

    await openScreen(page, 'Stories');
    await page.getByRole('link', { name: 'Council approves the budget' }).first().click();
    await page.getByRole('textbox', { name: 'Body', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Workflow' }).waitFor();
    await check('story editor');
    await screenshot(page, 'editor');

    expect(findings).toEqual({});
  });
});
