import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import { type Client, bootApp, client } from './helpers';
import {
  type Newsroom,
  type Story,
  act,
  createApiKey,
  draft,
  edit,
  newsroom,
  published,
} from './content-api.helpers';
import { type TestPicture, createPicture, fileOf } from './picture.helpers';

const HOUR = 3_600_000;
const figure = (id: string) => `<figure data-media-id="${id}"></figure>`;

describe('public picture delivery (e2e)', () => {
  let app: NestFastifyApplication;
  let room: Newsroom;
  let pub: Client;
  let embargoKey: string;

  beforeAll(async () => {
    app = await bootApp();
    room = await newsroom(app);
    pub = client(app);
    embargoKey = await createApiKey(room.admin, ['content:read', 'content:embargoed']);
  });
  afterAll(async () => {
    await app.close();
  });

  const jpeg = (p: TestPicture, name = 'w1024') =>
    p.renditions.find((r) => r.name === name && r.format === 'jpeg')!;
  const urlOf = (p: TestPicture, name = 'w1024') => `/media/${p.id}/${fileOf(jpeg(p, name))}`;
  const fetch = (url: string, headers: Record<string, string> = {}) => pub.get(url, headers);

  function expectHidden(res: InjectResponse, what: string) {
    expect([what, res.statusCode]).toEqual([what, 404]);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.json<{ code: string }>().code).toBe('NOT_FOUND');
  }

  it('should serve a rendition of a picture a live story shows, immutable, with its hash as ETag', async () => {
    const pic = await createPicture(app);
    const story = await published(room.editor, { featuredMedia: { mediaId: pic.id } });
    const r = jpeg(pic);
    const res = await fetch(urlOf(pic));
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(pic.files.get(r.key)!)).toBe(true);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['content-length']).toBe(String(r.bytes));
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.etag).toBe(`"${r.hash}"`);
    expect(String(res.headers['surrogate-key']).split(' ').sort()).toEqual(
      [`media:${pic.id}`, `article:${story.id}`].sort(),
    );

    // Every rendition of the picture, not only the one the story's img loads.
    const webp = pic.renditions.find((x) => x.format === 'webp')!;
    const other = await fetch(`/media/${pic.id}/${fileOf(webp)}`);
    expect(other.statusCode).toBe(200);
    expect(other.headers['content-type']).toBe('image/webp');

    const again = await fetch(urlOf(pic), { 'if-none-match': `"${r.hash}"` });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(`"${r.hash}"`);
    const otherTag = await fetch(urlOf(pic), { 'if-none-match': '"something-else"' });
    expect(otherTag.statusCode).toBe(200);
  });

  it('should answer 404 for a wrong hash, an unknown file, the original (by default), an unknown or malformed id', async () => {
    const pic = await createPicture(app);
    await published(room.editor, { body: `<p>Lead.</p>${figure(pic.id)}` });
    const r = jpeg(pic);
    expect((await fetch(urlOf(pic))).statusCode).toBe(200);
    expectHidden(await fetch(`/media/${pic.id}/${r.name}-0000000000000000.jpg`), 'wrong hash');
    expectHidden(await fetch(`/media/${pic.id}/${r.name}-${r.hash}.png`), 'wrong extension');
    expectHidden(await fetch(`/media/${pic.id}/original-${pic.sha256}.jpg`), 'original');
    expectHidden(await fetch(`/media/00000000-0000-4000-8000-000000000000/${fileOf(r)}`), 'unknown id');
    expectHidden(await fetch(`/media/not-a-uuid/${fileOf(r)}`), 'malformed id');
    // Another picture's file under this id.
    const stranger = await createPicture(app);
    expectHidden(await fetch(`/media/${pic.id}/${fileOf(jpeg(stranger))}`), "another picture's file");
  });

  it('should not serve the pictures of drafts, scheduled or embargoed stories (except to an embargo key)', async () => {
    const inDraft = await createPicture(app);
    await draft(room.editor, { featuredMedia: { mediaId: inDraft.id } });
    expectHidden(await fetch(urlOf(inDraft)), 'draft');
    expectHidden(await fetch(urlOf(inDraft), { 'x-api-key': embargoKey }), 'draft, embargo key');

    const scheduled = await createPicture(app);
    const s = await draft(room.editor, { featuredMedia: { mediaId: scheduled.id } });
    await act(room.editor, s, { action: 'schedule', at: new Date(Date.now() + HOUR).toISOString() });
    expectHidden(await fetch(urlOf(scheduled), { 'x-api-key': embargoKey }), 'scheduled');

    const embargoed = await createPicture(app);
    const e = await published(
      room.editor,
      { featuredMedia: { mediaId: embargoed.id } },
      { embargoUntil: new Date(Date.now() + HOUR).toISOString() },
    );
    expectHidden(await fetch(urlOf(embargoed)), 'embargoed, anonymous');
    const withKey = await fetch(urlOf(embargoed), { 'x-api-key': embargoKey });
    expect(withKey.statusCode).toBe(200);
    // Only an embargoed story shows it: no shared cache may keep it, and no purge key names it.
    expect(withKey.headers['cache-control']).toBe('private, no-store');
    expect(withKey.headers['surrogate-key']).toBeUndefined();

    await act(room.editor, e, { action: 'lift_embargo', reason: 'Released early' });
    const lifted = await fetch(urlOf(embargoed));
    expect(lifted.statusCode).toBe(200);
    expect(lifted.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('should stop serving at once when the story is unpublished or killed, unless another live story shows it', async () => {
    const pic = await createPicture(app);
    let a: Story = await published(room.editor, { featuredMedia: { mediaId: pic.id } });
    expect((await fetch(urlOf(pic))).statusCode).toBe(200);
    a = await act(room.editor, a, { action: 'unpublish' });
    expectHidden(await fetch(urlOf(pic)), 'unpublished');
    expectHidden(await fetch(urlOf(pic), { 'x-api-key': embargoKey }), 'unpublished, embargo key');
    a = await act(room.editor, a, { action: 'publish' });
    expect((await fetch(urlOf(pic))).statusCode).toBe(200);
    await act(room.editor, a, { action: 'kill', reason: 'Withdrawn' });
    expectHidden(await fetch(urlOf(pic)), 'killed');

    // A picture two stories show: killing one leaves the other's.
    const shared = await createPicture(app);
    const one = await published(room.editor, { featuredMedia: { mediaId: shared.id } });
    const two = await published(room.editor, { body: `<p>x</p>${figure(shared.id)}` });
    await act(room.editor, one, { action: 'kill', reason: 'Withdrawn' });
    const still = await fetch(urlOf(shared));
    expect(still.statusCode).toBe(200);
    expect(String(still.headers['surrogate-key']).split(' ')).toEqual([
      `media:${shared.id}`,
      `article:${two.id}`,
    ]);
  });

  it('should serve what the public document shows, not the working copy: an unpublished edit adds nothing', async () => {
    const before = await createPicture(app);
    const added = await createPicture(app);
    const a = await published(room.editor, { featuredMedia: { mediaId: before.id } });
    // The working copy changes its picture; the public document still shows the old one.
    await edit(room.editor, a, { featuredMedia: { mediaId: added.id } });
    expect((await fetch(urlOf(before))).statusCode).toBe(200);
    expectHidden(await fetch(urlOf(added)), 'picture of an unpublished edit');
  });

  it('should answer a revoked or invalid key like the rest of the Content API', async () => {
    const pic = await createPicture(app);
    await published(room.editor, { featuredMedia: { mediaId: pic.id } });
    const res = await fetch(urlOf(pic), { 'x-api-key': 'dl_not_a_real_key' });
    expect(res.statusCode).toBe(401);
  });
});
