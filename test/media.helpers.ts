import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import sharp from 'sharp';
import { MEDIA_STORE, type MediaStore } from '../src/media/media-store';
import type { Client } from './helpers';

/**
 * Gives this test file its own DATA_DIR (set before the app boots): media store and upload spool folder, so "no file
 * left behind" can be checked exactly even while other suites run.
 */
export function privateMediaDirs(): { dataDir: string; tmpDir: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-media-data-'));
  process.env.DATA_DIR = dataDir;
  // Where uploads are spooled (uploadSpoolDir).
  const tmpDir = path.join(dataDir, 'uploads');
  fs.mkdirSync(tmpDir);
  return { dataDir, tmpDir };
}

export type Part =
  { name: string; value: string } | { name: string; filename: string; contentType?: string; data: Buffer };

export const BOUNDARY = '----dateline-test-boundary-7MA4YWxkTrZu0gW';

/** A multipart/form-data body. */
export function multipartBody(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n`));
    if ('value' in p) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`));
    } else {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\n` +
            `Content-Type: ${p.contentType ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        p.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/** Uploads one file (field `file`) with optional form fields. */
export function uploadPicture(
  c: Client,
  data: Buffer,
  opts: { filename?: string; contentType?: string; fields?: Record<string, string> } = {},
): Promise<InjectResponse> {
  const parts: Part[] = Object.entries(opts.fields ?? {}).map(([name, value]) => ({ name, value }));
  parts.push({
    name: 'file',
    filename: opts.filename ?? 'photo.jpg',
    contentType: opts.contentType ?? 'image/jpeg',
    data,
  });
  return c.req({
    method: 'POST',
    url: '/api/v1/media',
    payload: multipartBody(parts),
    headers: { 'content-type': MULTIPART_TYPE },
  });
}

/** A photo-like picture (noise, so encoders have work to do and every picture differs). */
export function noise(width: number, height: number, seed = Math.random()): sharp.Sharp {
  const data = Buffer.alloc(width * height * 3);
  let x = Math.floor(seed * 2 ** 31) | 1;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    // Smooth gradients plus a little noise: compresses like a photo, not like static.
    data[i] = ((i % (width * 3)) / 12 + (x & 31)) & 255;
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

export const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"><photoshop:Credit>Dateline Photo Desk</photoshop:Credit><photoshop:Source>Wire feed</photoshop:Source><dc:description><rdf:Alt><rdf:li xml:lang="x-default">Flood waters reach the old bridge</rdf:li></rdf:Alt></dc:description><dc:creator><rdf:Seq><rdf:li>Aigerim Sadykova</rdf:li></rdf:Seq></dc:creator><dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2025 Dateline</rdf:li></rdf:Alt></dc:rights></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** A JPEG with EXIF (camera, GPS, date taken, orientation 6: shown rotated a quarter turn) and XMP. */
export function jpegWithMetadata(width: number, height: number, seed?: number): Promise<Buffer> {
  return noise(width, height, seed)
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'T1000', Artist: 'EXIF Artist', Copyright: 'EXIF Copyright' },
      IFD2: { DateTimeOriginal: '2025:03:14 09:26:53' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 10/1 1234/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '71/1 26/1 0/1',
      },
    })
    .withXmp(XMP)
    .toBuffer();
}

export async function storeKeys(app: NestFastifyApplication, prefix = ''): Promise<string[]> {
  const store = app.get<MediaStore>(MEDIA_STORE);
  const keys: string[] = [];
  for await (const o of store.list(prefix)) keys.push(o.key);
  return keys.sort();
}
