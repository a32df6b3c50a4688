import fs from 'node:fs';
import net from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Response as InjectResponse } from 'light-my-request';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import type { MediaResponse } from '../src/media/media.response';
import { type Client, bootApp, staff, waitFor } from './helpers';
import { errorShapeProblem } from './hostile';
import {
  BOUNDARY,
  MULTIPART_TYPE,
  multipartBody,
  noise,
  privateMediaDirs,
  storeKeys,
  uploadPicture,
} from './media.helpers';

const dirs = privateMediaDirs();

jest.setTimeout(120_000);

// CRC-32 as PNG chunks need it.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A PNG of a few dozen bytes whose header declares width × height (a decompression bomb's calling card). */
function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('picture uploads: bad input (e2e)', () => {
  let app: NestFastifyApplication;
  let writer: Client;

  beforeAll(async () => {
    app = await bootApp();
    writer = await staff(app, 'writer');
  });

  afterAll(async () => {
    await app.close();
  });

  // Other suites of the run share the database: rows are counted against the count before each test.
  let baseline = 0;
  beforeEach(async () => {
    baseline = await mediaRows();
  });
  const mediaRows = async () =>
    (await app.get(DataSource).query<{ n: number }[]>(`SELECT count(*)::int AS n FROM media`))[0].n;
  const leftovers = () => fs.readdirSync(dirs.tmpDir);

  /** The refusal must be in the one error shape and leave no row, no stored file and no temporary file. */
  async function refused(res: InjectResponse, status: number, code: string, message?: RegExp) {
    expect({ status: res.statusCode, body: res.json<unknown>() }).toMatchObject({ status, body: { code } });
    expect(errorShapeProblem(res)).toBeNull();
    if (message) expect(res.json<{ message: string }>().message).toMatch(message);
    expect(await mediaRows()).toBe(baseline);
    expect(await storeKeys(app)).toEqual([]);
    expect(leftovers()).toEqual([]);
  }

  it('should refuse a file that is not a picture (415)', async () => {
    const res = await uploadPicture(writer, Buffer.from('just some words, not a photo\n'.repeat(20)), {
      filename: 'notes.jpg',
    });
    await refused(res, 415, 'UNSUPPORTED_MEDIA_TYPE', /JPEG, PNG, WebP, AVIF or GIF/);
  });

  it('should refuse a truncated JPEG (422)', async () => {
    const jpeg = await noise(800, 600).jpeg().toBuffer();
    const res = await uploadPicture(writer, jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    await refused(res, 422, 'UNPROCESSABLE', /truncated or corrupt/);
  });

  it('should refuse an empty file (400)', async () => {
    await refused(await uploadPicture(writer, Buffer.alloc(0)), 400, 'BAD_REQUEST', /empty/);
  });

  it('should refuse a tiny PNG declaring 50,000 × 50,000 pixels from its header (422)', async () => {
    const bomb = pngDeclaring(50_000, 50_000);
    expect(bomb.length).toBeLessThan(100);
    const res = await uploadPicture(writer, bomb, { filename: 'bomb.png', contentType: 'image/png' });
    await refused(res, 422, 'UNPROCESSABLE', /pixels/);
  });

  it('should refuse SVG (415)', async () => {
    const svg = Buffer.from(
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
    );
    const res = await uploadPicture(writer, svg, { filename: 'logo.svg', contentType: 'image/svg+xml' });
    await refused(res, 415, 'UNSUPPORTED_MEDIA_TYPE', /SVG/);
  });

  it('should go by the bytes, not the declared Content-Type', async () => {
    const html = Buffer.from('<html><body><img src=x onerror=alert(1)></body></html>');
    await refused(
      await uploadPicture(writer, html, { filename: 'photo.jpg', contentType: 'image/jpeg' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    // A real PNG declared as a JPEG is taken as the PNG it is.
    const png = await noise(40, 30).png().toBuffer();
    const res = await uploadPicture(writer, png, { filename: 'photo.jpg', contentType: 'image/jpeg' });
    expect(res.statusCode).toBe(201);
    const m = res.json<MediaResponse>();
    expect(m.mimeType).toBe('image/png');
    expect(await storeKeys(app, 'originals/')).toEqual([`originals/${m.sha256}.png`]);
    await removeAll([m]);
  });

  it('should refuse a request that is not multipart, or has no file (415, 400)', async () => {
    await refused(await writer.post('/api/v1/media', { caption: 'no file' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const noFile = await writer.req({
      method: 'POST',
      url: '/api/v1/media',
      payload: multipartBody([{ name: 'caption', value: 'x' }]),
      headers: { 'content-type': MULTIPART_TYPE },
    });
    await refused(noFile, 400, 'BAD_REQUEST');
    const badField = await uploadPicture(writer, await noise(40, 30).jpeg().toBuffer(), {
      fields: { focalX: '7' },
    });
    await refused(badField, 400, 'VALIDATION_FAILED');
  });

  it('should keep only the base name of a file name that tries to climb out', async () => {
    const res = await uploadPicture(writer, await noise(40, 30).jpeg().toBuffer(), {
      filename: '../../../etc/cron.d/evil\u0000.jpg',
    });
    expect(res.statusCode).toBe(201);
    const m = res.json<MediaResponse>();
    expect(m.originalName).toBe('evil_.jpg');
    expect(await storeKeys(app)).toEqual([`originals/${m.sha256}.jpg`]);
    expect(fs.existsSync(`${dirs.dataDir}/etc`)).toBe(false);
    await removeAll([m]);
  });

  it('should refuse a body over MEDIA_MAX_BYTES (413) and remove what was spooled', async () => {
    const big = Buffer.concat([await noise(64, 64).jpeg().toBuffer(), Buffer.alloc(41 * 1024 * 1024, 1)]);
    const res = await uploadPicture(writer, big, { filename: 'huge.jpg' });
    await refused(res, 413, 'PAYLOAD_TOO_LARGE', /larger than/);
  });

  it('should store nothing when the upload is cut off mid-stream', async () => {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as net.AddressInfo;
    const jpeg = await noise(1200, 900).jpeg().toBuffer();
    const body = multipartBody([
      { name: 'file', filename: 'cut.jpg', contentType: 'image/jpeg', data: jpeg },
    ]);
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /api/v1/media HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${writer.token}\r\n` +
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.subarray(0, Math.floor(body.length / 2)));
    // Let the server start spooling, then vanish.
    await waitFor(
      () => Promise.resolve(leftovers().length > 0),
      10_000,
      'the upload to start spooling',
    ).catch((e: Error) => {
      throw new Error(`${e.message}; the server said ${JSON.stringify(answer)}`);
    });
    socket.destroy();
    await waitFor(() => Promise.resolve(leftovers().length === 0), 20_000, 'the spooled part to be removed');
    expect(await mediaRows()).toBe(baseline);
    expect(await storeKeys(app)).toEqual([]);
  });

  async function removeAll(items: MediaResponse[]) {
    for (const uploaded of items) {
      // Its renditions job first: one still running when the picture goes would write files after the
      // checks below (and delete them once it finds the row gone).
      const m = await waitFor(
        async () => {
          const now = (await writer.get(`/api/v1/media/${uploaded.id}`)).json<MediaResponse>();
          return now.renditionsStatus !== 'pending' && now;
        },
        30_000,
        'the renditions job to finish',
      );
      const res = await writer.delete(`/api/v1/media/${m.id}`, { 'if-match': `"${m.version}"` });
      expect(res.statusCode).toBe(204);
    }
    expect(await mediaRows()).toBe(baseline);
    expect(await storeKeys(app)).toEqual([]);
  }

  it('should have kept the refused pictures out of sharp entirely when sniffing failed', async () => {
    // The sniffed type decides before any decoder runs: a GIF header followed by garbage is a GIF to
    // file-type, and sharp then refuses it as corrupt (422), never a 500.
    const fake = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(200, 0xff)]);
    await refused(await uploadPicture(writer, fake, { filename: 'x.gif' }), 422, 'UNPROCESSABLE');
    expect(sharp).toBeDefined();
  });
});
