import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { File as NodeFile } from 'node:buffer';
import { describe, expect, it, vi } from 'vitest';
import { type Call, WRITER, errorBody, fakeApi, json } from '../../test/fake-api';
import { renderDesk } from '../../test/render';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const session = () => json({ user: WRITER, csrfToken: 'csrf-p' });

function picture(n: number, patch: Record<string, unknown> = {}) {
  return {
    id: id(n),
    sha256: 'ab'.repeat(32),
    mimeType: 'image/jpeg',
    originalName: `photo-${n}.jpg`,
    byteSize: 1000,
    width: 1200,
    height: 800,
    caption: `Caption ${n}`,
    altText: null,
    credit: null,
    copyrightNotice: null,
    usageTerms: null,
    source: null,
    photographer: null,
    takenAt: null,
    focalX: 0.5,
    focalY: 0.5,
    placeholder: null,
    renditionsStatus: 'ready',
    renditionsError: null,
    renditions: [
      {
        name: '16x9-w320',
        format: 'webp',
        width: 320,
        height: 180,
        bytes: 1,
        hash: 'c',
        url: `/m/${n}/crop-320.webp`,
      },
      {
        name: 'w640',
        format: 'webp',
        width: 640,
        height: 427,
        bytes: 1,
        hash: 'b',
        url: `/m/${n}/w640.webp`,
      },
      { name: 'w320', format: 'jpeg', width: 320, height: 213, bytes: 1, hash: 'a', url: `/m/${n}/w320.jpg` },
      {
        name: 'w160',
        format: 'avif',
        width: 160,
        height: 107,
        bytes: 1,
        hash: 'd',
        url: `/m/${n}/w160.avif`,
      },
    ],
    version: 3,
    createdBy: WRITER.id,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...patch,
  };
}

/** Pages of 40 over `total` pictures; the cursor is the index to start at. */
const paged = (total: number) => (c: Call) => {
  const start = Number(c.query.get('cursor') ?? '0');
  const end = Math.min(total, start + Number(c.query.get('limit')));
  const data = Array.from({ length: end - start }, (_, i) => picture(start + i + 1));
  return json({ data, meta: { nextCursor: end < total ? String(end) : null } });
};

describe('pictures library', () => {
  it('should show the smallest uncropped rendition and load more with the cursor', async () => {
    const api = fakeApi({ 'GET /api/v1/auth/session': session, 'GET /api/v1/media': paged(45) });
    renderDesk('/pictures');
    const user = userEvent.setup();
    const first = await screen.findByRole('link', { name: 'Edit picture Caption 1' });
    expect(first.getAttribute('href')).toBe(`/pictures/${id(1)}`);
    expect(within(first).getByRole('img').getAttribute('src')).toBe('/m/1/w320.jpg');
    expect(within(screen.getByRole('list', { name: 'Library' })).getAllByRole('listitem')).toHaveLength(40);
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByRole('link', { name: 'Edit picture Caption 45' });
    expect(api.to('GET', '/api/v1/media').map((c) => c.query.get('cursor'))).toEqual([null, '40']);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('should upload the chosen file as multipart with the filled-in fields, then read the library again', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/media': paged(0),
      'POST /api/v1/media': () => json(picture(7), 201),
    });
    renderDesk('/pictures');
    const user = userEvent.setup();
    await screen.findByText('No pictures match.');
    const upload = screen.getByRole('form', { name: 'Upload a picture' });
    expect(within(upload).getByRole('button', { name: 'Upload' }).hasAttribute('disabled')).toBe(true);
    // Under jsdom, FormData and File are jsdom's while fetch and Request are Node's, which cannot read a
    // jsdom File; a browser has one kind of each. So the form is built from Node's own FormData and File.
    const nodeForm = await new Response('', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }).formData();
    vi.stubGlobal('FormData', nodeForm.constructor);
    const file = new NodeFile(['the-picture-bytes'], 'astana.jpg', {
      type: 'image/jpeg',
    }) as unknown as File;
    await user.upload(within(upload).getByLabelText('Picture file'), file);
    await user.type(within(upload).getByLabelText('Caption'), 'Astana at dusk');
    await user.type(within(upload).getByLabelText('Credit'), 'Kazinform');
    await user.click(within(upload).getByRole('button', { name: 'Upload' }));

    expect((await screen.findByRole('status')).textContent).toContain('Uploaded.');
    const [post] = api.to('POST', '/api/v1/media');
    expect(post.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect(post.headers.get('x-csrf-token')).toBe('csrf-p');
    const body = String(post.body);
    expect(body).toContain('name="caption"\r\n\r\nAstana at dusk');
    expect(body).toContain('name="credit"\r\n\r\nKazinform');
    expect(body).not.toContain('name="altText"');
    expect(body).toMatch(/name="file"; filename="astana.jpg"\r\nContent-Type: image\/jpeg/);
    expect(body).toContain('Content-Type: image/jpeg\r\n\r\nthe-picture-bytes\r\n');
    expect(body.indexOf('name="file"')).toBeGreaterThan(body.indexOf('name="caption"'));
    await waitFor(() => expect(api.to('GET', '/api/v1/media')).toHaveLength(2));
  });

  it('should show the server refusal of an upload in an alert', async () => {
    fakeApi({
      'GET /api/v1/auth/session': session,
      'GET /api/v1/media': paged(0),
      'POST /api/v1/media': () => errorBody(415, 'UNSUPPORTED_MEDIA_TYPE', 'The file is not a picture'),
    });
    renderDesk('/pictures');
    const user = userEvent.setup();
    const upload = await screen.findByRole('form', { name: 'Upload a picture' });
    await user.upload(
      within(upload).getByLabelText('Picture file'),
      new File(['x'], 'a.jpg', { type: 'image/jpeg' }),
    );
    await user.click(within(upload).getByRole('button', { name: 'Upload' }));
    expect((await within(upload).findByRole('alert')).textContent).toBe('The file is not a picture');
  });
});

describe('picture editor', () => {
  it('should save the metadata and the clicked focal point with If-Match naming the version edited', async () => {
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      [`GET /api/v1/media/${id(5)}`]: () => json(picture(5)),
      [`PATCH /api/v1/media/${id(5)}`]: (c) => json(picture(5, { ...(c.body as object), version: 4 })),
    });
    renderDesk(`/pictures/${id(5)}`);
    const user = userEvent.setup();
    const alt = await screen.findByLabelText('Alt text');
    await user.type(alt, 'The Baiterek tower');
    await user.clear(screen.getByLabelText('Caption'));
    const img = screen.getByRole('img');
    expect(img.getAttribute('src')).toBe('/m/5/w640.webp');
    img.getBoundingClientRect = () => ({ left: 100, top: 50, width: 400, height: 200 }) as DOMRect;
    fireEvent.click(img, { clientX: 200, clientY: 200 });
    expect((screen.getByLabelText('Focal point X (0–1)') as HTMLInputElement).value).toBe('0.25');
    expect((screen.getByLabelText('Focal point Y (0–1)') as HTMLInputElement).value).toBe('0.75');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('status')).textContent).toBe('Saved.');

    const [patch] = api.to('PATCH', `/api/v1/media/${id(5)}`);
    expect(patch.headers.get('if-match')).toBe('"3"');
    expect(patch.body).toEqual({
      caption: null,
      altText: 'The Baiterek tower',
      credit: null,
      copyrightNotice: null,
      usageTerms: null,
      photographer: null,
      source: null,
      focalX: 0.25,
      focalY: 0.75,
    });
  });

  it('should say the picture changed meanwhile on a 412', async () => {
    fakeApi({
      'GET /api/v1/auth/session': session,
      [`GET /api/v1/media/${id(5)}`]: () => json(picture(5)),
      [`PATCH /api/v1/media/${id(5)}`]: () => errorBody(412, 'PRECONDITION_FAILED', 'stale'),
    });
    renderDesk(`/pictures/${id(5)}`);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Credit'), 'AP');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Someone changed this picture');
  });

  it('should list the stories that use the picture when the delete is refused with 409', async () => {
    const stories = [
      { id: id(91), headline: 'Consultations in Astana' },
      { id: id(92), headline: 'Trade figures' },
    ];
    const api = fakeApi({
      'GET /api/v1/auth/session': session,
      [`GET /api/v1/media/${id(5)}`]: () => json(picture(5)),
      [`DELETE /api/v1/media/${id(5)}`]: () =>
        json(
          {
            statusCode: 409,
            code: 'CONFLICT',
            message: 'The picture is used by 2 stories',
            details: { stories },
          },
          409,
        ),
    });
    renderDesk(`/pictures/${id(5)}`);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete picture' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Delete this picture?' })).getByRole('button', {
        name: 'Delete picture',
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('used by 2 stories');
    expect(within(alert).getByRole('link', { name: 'Trade figures' }).getAttribute('href')).toBe(
      `/stories/${id(92)}`,
    );
    expect(api.to('DELETE', `/api/v1/media/${id(5)}`)[0].headers.get('if-match')).toBe('"3"');
  });
});
