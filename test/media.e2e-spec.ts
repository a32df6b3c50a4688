import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import exifr from 'exifr';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { MEDIA_STORE, type MediaStore, readAll } from '../src/media/media-store';
import { renditionUrl } from '../src/media/media-urls';
import type { MediaResponse } from '../src/media/media.response';
import { type Client, asAdmin, bootApp, staff, waitFor } from './helpers';
import { jpegWithMetadata, noise, privateMediaDirs, storeKeys, uploadPicture } from './media.helpers';

const dirs = privateMediaDirs();

jest.setTimeout(180_000);

describe('picture library (e2e)', () => {
  let app: NestFastifyApplication;
  let store: MediaStore;
  let writer: Client & { user: { id: string } };
  let otherWriter: Client & { user: { id: string } };
  let editor: Client;

  beforeAll(async () => {
    app = await bootApp();
    store = app.get<MediaStore>(MEDIA_STORE);
    writer = await staff(app, 'writer');
    otherWriter = await staff(app, 'writer');
    editor = await staff(app, 'editor');
  });

  afterAll(async () => {
    await app.close();
  });

  const ready = (c: Client, id: string) =>
    waitFor(
      async () => {
        const m = (await c.get(`/api/v1/media/${id}`)).json<MediaResponse>();
        if (m.renditionsStatus === 'failed') throw new Error(`renditions failed: ${m.renditionsError}`);
        return m.renditionsStatus === 'ready' ? m : null;
      },
      150_000,
      'renditions ready',
    );

  const audit = async (id: string) =>
    (
      await app
        .get(DataSource)
        .query<{ action: string; actor_id: string }[]>(
          `SELECT action, actor_id FROM audit_log WHERE entity_type = 'media' AND entity_id = $1 ORDER BY seq`,
          [id],
        )
    ).map((r) => r.action);

  let photo: MediaResponse;
  let photoBytes: Buffer;

  it('should take a JPEG, prefill its fields from EXIF and XMP (form fields winning) and answer 201', async () => {
    photoBytes = await jpegWithMetadata(2400, 1600);
    const res = await uploadPicture(writer, photoBytes, {
      filename: 'flood.jpg',
      fields: { credit: 'Form credit wins', altText: 'Water under a stone bridge' },
    });
    expect(res.statusCode).toBe(201);
    photo = res.json<MediaResponse>();
    expect(res.headers.etag).toBe('"1"');
    expect(photo).toMatchObject({
      mimeType: 'image/jpeg',
      originalName: 'flood.jpg',
      byteSize: photoBytes.length,
      // Orientation 6: the stored 2400 × 1600 pixels are shown as 1600 × 2400.
      width: 1600,
      height: 2400,
      caption: 'Flood waters reach the old bridge',
      credit: 'Form credit wins',
      altText: 'Water under a stone bridge',
      photographer: 'Aigerim Sadykova',
      copyrightNotice: '© 2025 Dateline',
      source: 'Wire feed',
      takenAt: '2025-03-14T09:26:53.000Z',
      focalX: 0.5,
      focalY: 0.5,
      renditionsStatus: expect.stringMatching(/^(pending|ready)$/),
      version: 1,
      createdBy: writer.user.id,
    });
    expect(photo.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.head(`originals/${photo.sha256}.jpg`)).toMatchObject({ size: photoBytes.length });
    expect(await audit(photo.id)).toEqual(['media.upload']);
  });

  it('should answer 200 with the same picture for the same bytes, under any name', async () => {
    const again = await uploadPicture(otherWriter, photoBytes, { filename: 'copy.jpg' });
    expect(again.statusCode).toBe(200);
    expect(again.json<MediaResponse>().id).toBe(photo.id);
    const [{ n }] = await app
      .get(DataSource)
      .query<{ n: number }[]>(`SELECT count(*)::int AS n FROM media WHERE sha256 = $1`, [photo.sha256]);
    expect(n).toBe(1);
  });

  it('should make the renditions through the job engine: listed sizes, orientation applied, no metadata kept', async () => {
    const done = await ready(writer, photo.id);
    expect(done.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const names = [...new Set(done.renditions.map((r) => r.name))].sort();
    // 1600 px wide once oriented: 2048 would be an enlargement.
    expect(names).toEqual(
      [
        'w320',
        'w640',
        'w1024',
        'w1600',
        '16x9-w640',
        '16x9-w1024',
        '4x3-w640',
        '4x3-w1024',
        '1x1-w320',
        '1x1-w640',
      ].sort(),
    );
    expect(done.renditions).toHaveLength(names.length * 3);
    for (const r of done.renditions) {
      expect(r.url).toBe(renditionUrl(r.url.split('/media/')[0], photo.id, r));
      expect(r.url).toMatch(new RegExp(`/media/${photo.id}/${r.name}-${r.hash}\\.(avif|webp|jpg)$`));
      const file = await store.get(`renditions/${photo.id}/${r.url.split('/').pop()}`);
      expect(file).not.toBeNull();
      const bytes = await readAll(file!);
      expect(bytes.length).toBe(r.bytes);
      const meta = await sharp(bytes).metadata();
      expect(meta.format === 'heif' ? 'avif' : meta.format).toBe(r.format);
      expect([meta.width, meta.height]).toEqual([r.width, r.height]);
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.orientation ?? 1).toBe(1);
      if (r.format !== 'webp') {
        expect(await exifr.gps(bytes).catch(() => undefined)).toBeUndefined();
        expect(
          await exifr.parse(bytes, { tiff: true, xmp: true, iptc: true }).catch(() => undefined),
        ).toBeUndefined();
      }
      const expectedRatio: Record<string, number> = { '16x9': 16 / 9, '4x3': 4 / 3, '1x1': 1 };
      const crop = r.name.split('-')[0];
      if (crop in expectedRatio)
        expect(Math.abs(r.width / r.height - expectedRatio[crop])).toBeLessThan(0.01);
      else expect(r.height).toBeGreaterThan(r.width); // portrait: the orientation was applied
      expect(r.width).toBe(Number(/w(\d+)$/.exec(r.name)![1]));
    }
  });

  it.each([
    ['PNG', 'image/png', () => noise(500, 300).png().toBuffer(), 'png'],
    ['WebP', 'image/webp', () => noise(500, 300).webp().toBuffer(), 'webp'],
    ['AVIF', 'image/avif', () => noise(500, 300).avif({ effort: 0 }).toBuffer(), 'avif'],
    [
      'GIF (first frame)',
      'image/gif',
      () =>
        sharp(Buffer.concat([Buffer.alloc(200 * 150 * 3, 200), Buffer.alloc(200 * 150 * 3, 20)]), {
          raw: { width: 200, height: 300, channels: 3, pageHeight: 150 },
        })
          .gif()
          .toBuffer(),
      'gif',
    ],
  ])('should take a %s upload and make its renditions', async (_label, mime, make, ext) => {
    const bytes = await make();
    const res = await uploadPicture(editor, bytes, { filename: `pic.${ext}`, contentType: mime });
    expect(res.statusCode).toBe(201);
    const m = res.json<MediaResponse>();
    expect(m.mimeType).toBe(mime);
    expect(await store.head(`originals/${m.sha256}.${ext}`)).not.toBeNull();
    const done = await ready(editor, m.id);
    if (ext === 'gif') expect([done.width, done.height]).toEqual([200, 150]);
    // Smaller than 320 px (GIF): one full-frame width, its own.
    const widths = done.renditions.filter((r) => /^w\d+$/.test(r.name)).map((r) => r.width);
    expect(Math.max(...widths)).toBeLessThanOrEqual(done.width);
  });

  it('should list newest first with signed cursors and search caption, credit and photographer', async () => {
    const word = `zebra${Date.now().toString(36)}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await uploadPicture(writer, await noise(64, 48).jpeg().toBuffer(), {
        fields: { caption: `${word} crossing number ${i}`, credit: i === 2 ? 'Nomad Agency' : 'Staff' },
      });
      expect(res.statusCode).toBe(201);
      ids.push(res.json<MediaResponse>().id);
    }
    const byPhotographer = await uploadPicture(writer, await noise(64, 48).jpeg().toBuffer(), {
      fields: { photographer: `Daniyar ${word}` },
    });
    ids.push(byPhotographer.json<MediaResponse>().id);

    const first = await writer.get(`/api/v1/media?q=${word}&limit=3`);
    expect(first.statusCode).toBe(200);
    const page1 = first.json<{ data: MediaResponse[]; meta: { nextCursor: string | null } }>();
    expect(page1.data.map((m) => m.id)).toEqual([ids[3], ids[2], ids[1]]);
    const page2 = (
      await writer.get(`/api/v1/media?q=${word}&limit=3&cursor=${encodeURIComponent(page1.meta.nextCursor!)}`)
    ).json<{ data: MediaResponse[]; meta: { nextCursor: string | null } }>();
    expect(page2.data.map((m) => m.id)).toEqual([ids[0]]);
    expect(page2.meta.nextCursor).toBeNull();

    const credit = (await writer.get(`/api/v1/media?q=${encodeURIComponent(`${word} nomad`)}`)).json<{
      data: MediaResponse[];
    }>();
    expect(credit.data.map((m) => m.id)).toEqual([ids[2]]);

    const all = (await writer.get('/api/v1/media?limit=2')).json<{ data: MediaResponse[] }>();
    expect(all.data[0].id).toBe(ids[3]);
    const tampered = await writer.get(
      `/api/v1/media?cursor=${encodeURIComponent(`${page1.meta.nextCursor}x`)}`,
    );
    expect(tampered.statusCode).toBe(400);
  });

  it('should need If-Match on PATCH (428), refuse a stale one (412) and bump the version', async () => {
    const url = `/api/v1/media/${photo.id}`;
    const missing = await writer.patch(url, { caption: 'New caption' });
    expect(missing.statusCode).toBe(428);
    expect(missing.json()).toMatchObject({ code: 'PRECONDITION_REQUIRED' });
    const ok = await writer.patch(
      url,
      { caption: 'New caption', usageTerms: 'Editorial use only' },
      { 'if-match': '"1"' },
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect(ok.json<MediaResponse>()).toMatchObject({
      caption: 'New caption',
      usageTerms: 'Editorial use only',
      version: 2,
    });
    const stale = await writer.patch(url, { caption: 'Lost update' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ code: 'PRECONDITION_FAILED', details: { currentVersion: 2 } });
    const bad = await writer.patch(url, { focalX: 1.5 }, { 'if-match': '"2"' });
    expect(bad.statusCode).toBe(400);
    // A caption change leaves the renditions alone.
    expect(ok.json<MediaResponse>().renditionsStatus).toBe('ready');
  });

  it("should keep writers off another writer's picture (403) and let editors change it", async () => {
    const url = `/api/v1/media/${photo.id}`;
    const denied = await otherWriter.patch(url, { caption: 'Not mine' }, { 'if-match': '"2"' });
    expect(denied.statusCode).toBe(403);
    expect((await otherWriter.delete(url, { 'if-match': '"2"' })).statusCode).toBe(403);
    const byEditor = await editor.patch(url, { credit: 'Desk credit' }, { 'if-match': '"2"' });
    expect(byEditor.statusCode).toBe(200);
    expect(byEditor.json<MediaResponse>().version).toBe(3);
  });

  it('should make the crops again when the focal point moves, and drop the replaced files', async () => {
    const before = (await writer.get(`/api/v1/media/${photo.id}`)).json<MediaResponse>();
    const oldKeys = await storeKeys(app, `renditions/${photo.id}/`);
    expect(oldKeys).toHaveLength(before.renditions.length);
    const res = await writer.patch(
      `/api/v1/media/${photo.id}`,
      { focalX: 0.1, focalY: 0.9 },
      { 'if-match': '"3"' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json<MediaResponse>()).toMatchObject({ renditionsStatus: 'pending', focalX: 0.1, version: 4 });
    const after = await ready(writer, photo.id);
    const hashOf = (m: MediaResponse, name: string, format: string) =>
      m.renditions.find((r) => r.name === name && r.format === format)?.hash;
    for (const crop of ['16x9-w640', '4x3-w1024', '1x1-w320']) {
      expect(hashOf(after, crop, 'jpeg')).toBeDefined();
      expect(hashOf(after, crop, 'jpeg')).not.toBe(hashOf(before, crop, 'jpeg'));
    }
    // The full frame does not depend on the focal point.
    expect(hashOf(after, 'w640', 'webp')).toBe(hashOf(before, 'w640', 'webp'));
    // The replaced files go once the new set has committed, so just after "ready" is seen.
    const wanted = after.renditions.map((r) => `renditions/${photo.id}/${r.url.split('/').pop()}`).sort();
    const keys = await waitFor(
      async () => {
        const k = await storeKeys(app, `renditions/${photo.id}/`);
        return k.length === wanted.length ? k : null;
      },
      30_000,
      'replaced renditions deleted',
    );
    expect(keys).toEqual(wanted);
  });

  it('should delete the row and its files, and record upload, update and delete in the audit log', async () => {
    const admin = await asAdmin(app);
    const url = `/api/v1/media/${photo.id}`;
    expect((await admin.delete(url)).statusCode).toBe(428);
    expect((await admin.delete(url, { 'if-match': '"1"' })).statusCode).toBe(412);
    const res = await writer.delete(url, { 'if-match': '"4"' });
    expect(res.statusCode).toBe(204);
    expect((await writer.get(url)).statusCode).toBe(404);
    expect(await storeKeys(app, `renditions/${photo.id}/`)).toEqual([]);
    expect(await store.head(`originals/${photo.sha256}.jpg`)).toBeNull();
    expect(await audit(photo.id)).toEqual([
      'media.upload',
      'media.update',
      'media.update',
      'media.update',
      'media.delete',
    ]);
    const listed = await admin.get(`/api/v1/audit?entityType=media&entityId=${photo.id}`);
    expect(listed.statusCode).toBe(200);
  });

  it('should keep its files under its own DATA_DIR', () => {
    expect(dirs.dataDir).toBeTruthy();
  });
});
