import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type Call, WRITER, fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';
import { STORY_ID, editorSession, story } from '../stories/StoryEditor.fixtures';

const path = `/api/v1/articles/${STORY_ID}`;
const transitions = `${path}/transitions`;

const workflowButtons = () =>
  within(screen.getByRole('region', { name: 'Workflow' }))
    .queryAllByRole('button')
    .map((b) => b.textContent);

function open(article: Record<string, unknown>, transition?: (c: Call) => Response) {
  const api = fakeApi({
    'GET /api/v1/auth/session': editorSession,
    [`GET ${path}`]: () => json(story(article)),
    [`POST ${transitions}`]:
      transition ??
      ((c) => json(story({ ...article, version: 4, allowedActions: [], ...(c.body as object) }))),
  });
  renderDesk(`/stories/${STORY_ID}`);
  return api;
}

describe('workflow panel', () => {
  it('should show exactly the allowed actions, in their order', async () => {
    open({ allowedActions: ['approve', 'return', 'publish', 'schedule'], status: 'in_review' });
    await screen.findByRole('region', { name: 'Workflow' });
    expect(workflowButtons()).toEqual(['Approve', 'Return', 'Publish', 'Schedule']);
  });

  it('should show no action button when the server allows none', async () => {
    open({ allowedActions: [] });
    await screen.findByRole('region', { name: 'Workflow' });
    expect(workflowButtons()).toEqual([]);
  });

  it('should offer Publish update, Correct and Clarify for a published story', async () => {
    open({ status: 'published', allowedActions: ['publish', 'unpublish', 'kill', 'lift_embargo'] });
    await screen.findByRole('region', { name: 'Workflow' });
    expect(workflowButtons()).toEqual([
      'Publish update',
      'Correct',
      'Clarify',
      'Unpublish',
      'Kill',
      'Lift embargo',
    ]);
  });

  it('should send a plain action at once with If-Match and show the new allowed actions', async () => {
    const api = open({ allowedActions: ['submit', 'spike'] }, () =>
      json(story({ status: 'in_review', version: 4, allowedActions: ['return'] })),
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Submit' }));
    await waitFor(() => expect(workflowButtons()).toEqual(['Return']));
    const [call] = api.to('POST', transitions);
    expect(call.body).toEqual({ action: 'submit' });
    expect(call.headers.get('if-match')).toBe('"3"');
  });

  it('should ask for a reason and a confirmation before killing', async () => {
    const api = open({ status: 'published', allowedActions: ['kill'] });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Kill' }));
    const dialog = screen.getByRole('dialog', { name: 'Kill this story?' });
    expect(api.to('POST', transitions)).toHaveLength(0);
    const confirm = within(dialog).getByRole('button', { name: 'Kill story' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    await user.type(within(dialog).getByLabelText('Reason'), 'Legal request');
    await user.click(confirm);
    await waitFor(() => expect(api.to('POST', transitions)).toHaveLength(1));
    expect(api.to('POST', transitions)[0].body).toEqual({ action: 'kill', reason: 'Legal request' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('should not kill when the confirmation is cancelled', async () => {
    const api = open({ status: 'published', allowedActions: ['kill'] });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Kill' }));
    await user.type(screen.getByLabelText('Reason'), 'Oops');
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.to('POST', transitions)).toHaveLength(0);
  });

  it('should ask for the public notice on Correct', async () => {
    const api = open({ status: 'published', allowedActions: ['publish', 'return'] });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Correct' }));
    await user.type(screen.getByLabelText('Public notice'), 'An earlier version misnamed the river.');
    await user.click(screen.getByRole('button', { name: 'Publish correction' }));
    await waitFor(() => expect(api.to('POST', transitions)).toHaveLength(1));
    expect(api.to('POST', transitions)[0].body).toEqual({
      action: 'publish',
      change: 'correction',
      notice: 'An earlier version misnamed the river.',
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('should put the notice on the published translations too when asked on Correct', async () => {
    const api = open({ status: 'published', allowedActions: ['publish'] });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Correct' }));
    await user.type(screen.getByLabelText('Public notice'), 'The river was misnamed.');
    expect(screen.queryByLabelText(/Notice for the translations/)).toBeNull();
    await user.click(screen.getByLabelText('Also put a correction notice on the published translations'));
    await user.type(screen.getByLabelText(/Notice for the translations/), 'Өзеннің атауы түзетілді.');
    await user.click(screen.getByRole('button', { name: 'Publish correction' }));
    await waitFor(() => expect(api.to('POST', transitions)).toHaveLength(1));
    expect(api.to('POST', transitions)[0].body).toEqual({
      action: 'publish',
      change: 'correction',
      notice: 'The river was misnamed.',
      noticeTranslations: true,
      translationNotice: 'Өзеннің атауы түзетілді.',
    });
  });

  it('should ask for a comment on Return', async () => {
    const api = open({ status: 'in_review', allowedActions: ['return'] });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Return' }));
    const dialog = screen.getByRole('dialog', { name: 'Return to the writer' });
    await user.type(within(dialog).getByLabelText('Comment for the author'), 'Needs a second source');
    await user.click(within(dialog).getByRole('button', { name: 'Return story' }));
    await waitFor(() => expect(api.to('POST', transitions)).toHaveLength(1));
    expect(api.to('POST', transitions)[0].body).toEqual({
      action: 'return',
      comment: 'Needs a second source',
    });
  });

  it('should schedule at a time typed in the newsroom zone, showing and sending UTC', async () => {
    const api = open({ status: 'approved', allowedActions: ['schedule'] });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Schedule' }));
    const dialog = screen.getByRole('dialog', { name: 'Schedule publication' });
    const at = within(dialog).getByLabelText('Publish at, Asia/Tokyo time');
    await user.type(at, '2026-12-06T10:30');
    expect(within(dialog).getByText('2026-12-06 01:30 UTC')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Schedule story' }));
    await waitFor(() => expect(api.to('POST', transitions)).toHaveLength(1));
    expect(api.to('POST', transitions)[0].body).toEqual({
      action: 'schedule',
      at: '2026-12-06T01:30:00.000Z',
    });
  });

  it('should show the server refusal in an alert', async () => {
    open({ allowedActions: ['approve'] }, () =>
      json({ statusCode: 403, code: 'FORBIDDEN', message: 'You may not approve your own story' }, 403),
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Approve' }));
    expect((await screen.findByRole('alert')).textContent).toBe('You may not approve your own story');
  });

  it('should say that unsaved edits are not part of an action until saved', async () => {
    open({ allowedActions: ['submit'] }, () => json(story({ version: 4, allowedActions: [] })));
    const user = userEvent.setup();
    const unsaved = /unsaved changes/;
    await user.type(await screen.findByLabelText('Headline'), '!');
    expect(screen.getByText(unsaved)).toBeTruthy();
  });

  it('should not warn about unsaved edits after saving them', async () => {
    fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story()),
      [`PATCH ${path}`]: () => json(story({ version: 4 })),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Headline'), '!');
    expect(screen.getByText(/unsaved changes/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved');
    expect(screen.queryByText(/unsaved changes/)).toBeNull();
  });

  it('should show which partners have a published story, how, and their open advisories', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story({ status: 'killed', allowedActions: [] })),
      [`GET ${path}/recipients`]: () =>
        json({
          articleId: STORY_ID,
          data: [
            {
              partnerId: 'p1',
              partnerName: 'Daily Astana',
              latestVersion: 2,
              deliveries: [
                {
                  version: 2,
                  method: 'push',
                  at: '2026-12-01T10:00:00.000Z',
                  webhookId: 'w1',
                  apiKeyId: null,
                },
                {
                  version: 1,
                  method: 'pull',
                  at: '2026-12-01T09:00:00.000Z',
                  webhookId: null,
                  apiKeyId: 'k1',
                },
              ],
              openAdvisories: [
                {
                  id: 'a1',
                  partner: { id: 'p1', name: 'Daily Astana' },
                  article: { id: STORY_ID, headline: 'Floods in Astana', slug: 'floods', language: 'en' },
                  kind: 'kill',
                  version: 2,
                  receivedVersion: 2,
                  notice: 'Legal',
                  status: 'open',
                  overdue: false,
                  ageSeconds: 600,
                  resends: 2,
                  openedAt: '2026-12-01T10:00:00.000Z',
                  lastResentAt: null,
                  nextResendAt: null,
                  overdueAt: null,
                  acknowledgedAt: null,
                  ackMethod: null,
                },
              ],
            },
          ],
        }),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const region = await screen.findByRole('region', { name: 'Partners' });
    const row = await within(region).findByRole('row', { name: /Daily Astana/ });
    expect(row.textContent).toContain('version 2');
    expect(row.textContent).toContain('pushed to its webhook');
    expect(within(region).getByText(/Daily Astana: Kill, open for 10 min, re-sent 2 times/)).toBeTruthy();
    expect(api.to('GET', `${path}/recipients`)).toHaveLength(1);
  });

  it('should not ask for the recipients of a story that was never public', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story({ status: 'draft' })),
    });
    renderDesk(`/stories/${STORY_ID}`);
    await screen.findByRole('region', { name: 'Workflow' });
    expect(screen.queryByRole('region', { name: 'Partners' })).toBeNull();
    expect(api.to('GET', `${path}/recipients`)).toHaveLength(0);
  });

  it('should not ask writers for the recipients of a published story', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': () => json({ user: WRITER, csrfToken: 'c' }),
      [`GET ${path}`]: () => json(story({ status: 'published', allowedActions: [] })),
    });
    renderDesk(`/stories/${STORY_ID}`);
    await screen.findByRole('region', { name: 'Workflow' });
    expect(screen.queryByRole('region', { name: 'Partners' })).toBeNull();
    expect(api.to('GET', `${path}/recipients`)).toHaveLength(0);
  });
});
