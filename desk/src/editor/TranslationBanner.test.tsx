import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { type Call, errorBody, fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';
import { SOURCE_ID, STORY_ID, editorSession, staleSource, story } from '../stories/StoryEditor.fixtures';

const path = `/api/v1/articles/${STORY_ID}`;
const confirmPath = `${path}/translation/confirm`;
const current = (of: ReturnType<typeof staleSource>) => ({
  ...of,
  baseVersion: of.currentVersion,
  stale: false,
  changes: null,
});

describe('stale translation banner', () => {
  it("should show the source's changes and confirm with If-Match and the source version seen", async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story({ translationOf: staleSource() })),
      [`POST ${confirmPath}`]: () => json(story({ version: 4, translationOf: current(staleSource()) })),
      [`PATCH ${path}`]: (c: Call) =>
        json(story({ version: 5, headline: (c.body as { headline: string }).headline })),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    const banner = await screen.findByRole('region', { name: 'The source has changed' });
    expect(banner.textContent).toContain(
      'matches version 5 of the kk source; the source is now at version 7',
    );
    expect(within(banner).getByRole('link', { name: 'Астанада су тасқыны' }).getAttribute('href')).toBe(
      `/stories/${SOURCE_ID}`,
    );
    const diff = within(banner).getByRole('group', {
      name: 'Changes in the source since the translated version',
    });
    expect(within(diff).getByText('тез').tagName).toBe('DEL');
    expect(within(diff).getByText('баяу').tagName).toBe('INS');
    expect(diff.textContent).toContain('Summary:');

    // An unsaved edit stays through the confirm (it changes no text) and saves on the new version.
    const headline = screen.getByLabelText<HTMLInputElement>('Headline');
    await user.type(headline, '!');
    await user.click(within(banner).getByRole('button', { name: 'Confirm translation' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'The source has changed' })).toBeNull());
    const [call] = api.to('POST', confirmPath);
    expect(call.headers.get('if-match')).toBe('"3"');
    expect(call.body).toEqual({ sourceVersion: 7 });
    expect(screen.getByText(/Translation of the kk story, matching its version 7/)).toBeTruthy();
    expect(headline.value).toBe('Floods in Astana!');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.to('PATCH', path)).toHaveLength(1));
    expect(api.to('PATCH', path)[0].headers.get('if-match')).toBe('"4"');
  });

  it('should show the newer changes when the source moved on before the confirm', async () => {
    let loads = 0;
    fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => {
        loads += 1;
        return json(story({ translationOf: staleSource(loads > 1 ? { currentVersion: 8 } : {}) }));
      },
      [`POST ${confirmPath}`]: () => errorBody(409, 'CONFLICT', 'The source changed since version 7'),
    });
    renderDesk(`/stories/${STORY_ID}`);
    const user = userEvent.setup();
    const banner = await screen.findByRole('region', { name: 'The source has changed' });
    await user.click(within(banner).getByRole('button', { name: 'Confirm translation' }));
    expect((await within(banner).findByRole('alert')).textContent).toBe(
      'The source changed again: check its new changes, then confirm.',
    );
    await waitFor(() => expect(banner.textContent).toContain('the source is now at version 8'));
  });

  it('should show no banner for a story that is not a translation, and a plain line for one up to date', async () => {
    fakeApi({ 'GET /api/v1/auth/session': editorSession, [`GET ${path}`]: () => json(story()) });
    const first = renderDesk(`/stories/${STORY_ID}`);
    await screen.findByLabelText('Headline');
    expect(screen.queryByRole('region', { name: 'The source has changed' })).toBeNull();
    expect(screen.queryByText(/Translation of/)).toBeNull();
    first.unmount();

    fakeApi({
      'GET /api/v1/auth/session': editorSession,
      [`GET ${path}`]: () => json(story({ translationOf: current(staleSource()) })),
    });
    renderDesk(`/stories/${STORY_ID}`);
    expect(await screen.findByText(/Translation of the kk story, matching its version 7/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Confirm translation' })).toBeNull();
  });
});
