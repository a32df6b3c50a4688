import fs from 'node:fs/promises';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { MEDIA_STORE, type MediaStore } from '../src/media/media-store';
import { MediaOrphanSweep } from '../src/media/media-sweep';
import type { MediaResponse } from '../src/media/media.response';
import { type Client, bootApp, staff, waitFor } from './helpers';
import { noise, privateMediaDirs, storeKeys, uploadPicture } from './media.helpers';

const dirs = privateMediaDirs();

jest.setTimeout(120_000);

/** Makes a stored file look `ageMs` old (the file-system store reports the file's mtime). */
async function age(key: string, ageMs: number): Promise<void> {
  const when = new Date(Date.now() - ageMs);
  await fs.utimes(path.join(dirs.dataDir, 'media', ...key.split('/')), when, when);
}

const HOUR = 3_600_000;

describe('media orphan sweep (e2e)', () => {
  let app: NestFastifyApplication;
  let store: MediaStore;
  let sweep: MediaOrphanSweep;
  let writer: Client;

  beforeAll(async () => {
    app = await bootApp();
    store = app.get<MediaStore>(MEDIA_STORE);
    sweep = app.get(MediaOrphanSweep);
    writer = await staff(app, 'writer');
  });

  afterAll(async () => {
    await app.close();
  });

  it('should delete old files no row references and keep young ones', async () => {
    // What a crash between the file write and the commit leaves: an original and renditions of no row.
    const orphans = [
      `originals/${'a'.repeat(64)}.jpg`,
      'renditions/6f1d2c3b-0000-4000-8000-000000000001/w320-0123456789abcdef.webp',
    ];
    for (const key of orphans) await store.put(key, Buffer.from('left behind'), 'image/jpeg');
    const young = `originals/${'b'.repeat(64)}.png`;
    await store.put(young, Buffer.from('just written'), 'image/png');
    for (const key of orphans) await age(key, 7 * HOUR);

    const deleted = await sweep.sweep(6 * HOUR);
    expect(deleted.sort()).toEqual([...orphans].sort());
    expect(await storeKeys(app)).toEqual([young]);
    // The young one goes once it is past the grace period too.
    await age(young, 7 * HOUR);
    expect(await sweep.sweep(6 * HOUR)).toEqual([young]);
  });

  it("should never delete a live row's original or renditions, however old", async () => {
    const res = await uploadPicture(writer, await noise(700, 500).jpeg().toBuffer());
    expect(res.statusCode).toBe(201);
    const { id } = res.json<MediaResponse>();
    const m = await waitFor(
      async () => {
        const r = (await writer.get(`/api/v1/media/${id}`)).json<MediaResponse>();
        return r.renditionsStatus === 'ready' ? r : null;
      },
      90_000,
      'renditions ready',
    );
    const live = await storeKeys(app);
    expect(live).toHaveLength(1 + m.renditions.length);
    // A rendition file of this picture that the row does not name (a superseded job's): an orphan.
    const stray = `renditions/${id}/w320-ffffffffffffffff.jpg`;
    await store.put(stray, Buffer.from('superseded'), 'image/jpeg');
    for (const key of [...live, stray]) await age(key, 30 * 24 * HOUR);

    expect(await sweep.sweep(6 * HOUR)).toEqual([stray]);
    expect(await storeKeys(app)).toEqual(live);
    const [{ n }] = await app.get(DataSource).query<{ n: number }[]>(`SELECT count(*)::int AS n FROM media`);
    expect(n).toBe(1);
  });
});
