import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootApp, client } from './helpers';
import { draft, newsroom, published } from './content-api.helpers';
import { createPicture } from './picture.helpers';

// Settings are read once per test file (jest gives each file its own modules): this file serves originals.
process.env.MEDIA_PUBLIC_ORIGINALS = 'true';

describe('public picture delivery with MEDIA_PUBLIC_ORIGINALS=true (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await bootApp();
  });
  afterAll(async () => {
    await app.close();
    delete process.env.MEDIA_PUBLIC_ORIGINALS;
  });

  it("should serve a visible picture's original under original-<sha256>.<ext>, and still nothing of a draft's", async () => {
    const room = await newsroom(app);
    const pub = client(app);
    const shown = await createPicture(app);
    await published(room.editor, { featuredMedia: { mediaId: shown.id } });
    const res = await pub.get(`/media/${shown.id}/original-${shown.sha256}.jpg`);
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe(`"${shown.sha256}"`);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.rawPayload.length).toBe(256);

    const hidden = await createPicture(app);
    await draft(room.editor, { featuredMedia: { mediaId: hidden.id } });
    expect((await pub.get(`/media/${hidden.id}/original-${hidden.sha256}.jpg`)).statusCode).toBe(404);
    expect((await pub.get(`/media/${shown.id}/original-${hidden.sha256}.jpg`)).statusCode).toBe(404);
  });
});
