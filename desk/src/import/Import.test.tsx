import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useParams } from 'react-router';
import { describe, expect, it } from 'vitest';
import { WRITER, errorBody, fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';
import { ImportScreen } from './ImportScreen';
import { toPreview } from './importApi';

const ITEM = `Political consultations btw Kazakhstan and Canada held in Astana

30 June 2023, 21:38

ASTANA. KAZINFORM – The third round of Kazakh-Canadian political consultations took place.

During the meeting the parties discussed the current state of relations.

Author:

Adlet Seilkhanov

Kazakhstan and Canada Ministry of Foreign Affairs
`;
const ARTICLE_ID = '00000000-0000-4000-8000-000000000777';
const session = () => json({ user: WRITER, csrfToken: 'csrf-i' });

const DRY_RUN = {
  headline: 'Political consultations btw Kazakhstan and Canada held in Astana',
  dateline: { place: 'ASTANA', agency: 'KAZINFORM' },
  publishedAt: '2023-06-30T15:38:00.000Z',
  language: 'en',
  paragraphs: [
    'The third round of Kazakh-Canadian political consultations took place.',
    'During the meeting the parties discussed the current state of relations.',
  ],
  authors: [{ name: 'Adlet Seilkhanov', existing: false }],
  tags: [{ name: 'Kazakhstan' }, { name: 'Canada' }, { name: 'Ministry of Foreign Affairs' }],
  warnings: ['No existing tag matched "Canada" in the tag line; it would be created as a new topic tag'],
};

function Opened() {
  const { id } = useParams();
  return <h1>Editor for {id}</h1>;
}
const screenWithEditor = (
  <Routes>
    <Route path="/import" element={<ImportScreen />} />
    <Route path="/stories/:id" element={<Opened />} />
  </Routes>
);

describe('import', () => {
  it('should preview the pasted text through the dry run and show the parsed fields and warnings', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'POST /api/v1/articles/import': () => json(DRY_RUN),
    });
    renderDesk('/import', screenWithEditor);
    const user = userEvent.setup();
    const preview = await screen.findByRole('button', { name: 'Preview' });
    expect(preview.hasAttribute('disabled')).toBe(true);
    await user.click(screen.getByLabelText('Item text'));
    await user.paste(ITEM);
    await user.click(preview);

    const parsed = await screen.findByRole('region', { name: 'What the importer reads' });
    expect(within(parsed).getByText(DRY_RUN.headline)).toBeTruthy();
    expect(within(parsed).getByText('ASTANA · KAZINFORM')).toBeTruthy();
    expect(within(parsed).getByText('2023-06-30T15:38:00.000Z')).toBeTruthy();
    expect(within(parsed).getByText('Adlet Seilkhanov')).toBeTruthy();
    expect(within(parsed).getByText('Kazakhstan, Canada, Ministry of Foreign Affairs')).toBeTruthy();
    expect(within(parsed).getByText('Body (2 paragraphs)')).toBeTruthy();
    expect(within(parsed).getByText(DRY_RUN.paragraphs[1])).toBeTruthy();
    const warnings = within(parsed).getByRole('list', { name: 'Warnings' });
    expect(
      within(warnings)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(DRY_RUN.warnings);

    const [call] = api.to('POST', '/api/v1/articles/import');
    expect(api.to('POST', '/api/v1/articles/import')).toHaveLength(1);
    expect(call.query.get('dryRun')).toBe('true');
    expect(call.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(call.body).toBe(ITEM);
    expect(call.headers.get('x-csrf-token')).toBe('csrf-i');
  });

  it('should create the draft without dryRun and open it in the editor', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'POST /api/v1/articles/import': (c) =>
        c.query.get('dryRun') === 'true'
          ? json(DRY_RUN)
          : json(
              { article: { id: ARTICLE_ID, headline: DRY_RUN.headline }, warnings: [], created: true },
              201,
            ),
    });
    renderDesk('/import', screenWithEditor);
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText('Item text'));
    await user.paste(ITEM);
    await user.click(screen.getByRole('button', { name: 'Create draft' }));
    expect(await screen.findByRole('heading', { name: `Editor for ${ARTICLE_ID}` })).toBeTruthy();
    const calls = api.to('POST', '/api/v1/articles/import');
    expect(calls).toHaveLength(1);
    expect(calls[0].query.get('dryRun')).toBeNull();
    expect(calls[0].body).toBe(ITEM);
  });

  it('should show a refused text in an alert and stay on the screen', async () => {
    fakeApi({
      'GET /api/v1/auth/session': session,
      'POST /api/v1/articles/import': () => errorBody(400, 'VALIDATION_FAILED', 'The text has no headline'),
    });
    renderDesk('/import', screenWithEditor);
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText('Item text'));
    await user.paste('   \n\nx');
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The text has no headline');
    await waitFor(() => expect(screen.queryByRole('region', { name: 'What the importer reads' })).toBeNull());
  });

  it('should read a flat dry run with plain names and a string dateline', () => {
    expect(
      toPreview({
        headline: 'H',
        dateline: 'ALMATY. KAZINFORM',
        time: '30 June 2023, 21:38',
        body: ['a', 'b'],
        authorNames: ['A B'],
        tags: ['x', 'y'],
        warnings: [],
      }),
    ).toEqual({
      headline: 'H',
      dateline: 'ALMATY. KAZINFORM',
      time: '30 June 2023, 21:38',
      language: null,
      paragraphs: ['a', 'b'],
      authors: ['A B'],
      tags: ['x', 'y'],
      warnings: [],
    });
  });
});
