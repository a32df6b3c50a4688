import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import {
  FileSystemMediaStore,
  type MediaStore,
  S3MediaStore,
  assertKey,
  readAll,
} from '../src/media/media-store';

// One contract, two stores: the file-system store and the S3 store against a real S3 server (s3rver) on
// 127.0.0.1. No real S3 exists here, so s3rver stands in for it.

async function collect(store: MediaStore, prefix: string) {
  const out: { key: string; size: number; lastModified: Date }[] = [];
  for await (const o of store.list(prefix)) out.push(o);
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

interface Harness {
  store: MediaStore;
  close(): Promise<void>;
}

const harnesses: [string, () => Promise<Harness>][] = [
  [
    'FileSystemMediaStore',
    async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'media-store-fs-'));
      return {
        store: new FileSystemMediaStore(path.join(dir, 'media')),
        close: () => fs.rm(dir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'S3MediaStore (s3rver)',
    async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'media-store-s3-'));
      const server = new S3rver({
        port: 0,
        address: '127.0.0.1',
        silent: true,
        directory: dir,
        configureBuckets: [{ name: 'pictures', configs: [] }],
      });
      const { port } = (await server.run()) as { port: number };
      const store = new S3MediaStore({
        bucket: 'pictures',
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        forcePathStyle: true,
      });
      return {
        store,
        close: async () => {
          store.client.destroy();
          await server.close();
          await fs.rm(dir, { recursive: true, force: true });
        },
      };
    },
  ],
];

describe.each(harnesses)('media store contract: %s', (_name, make) => {
  let h: Harness;
  beforeAll(async () => {
    h = await make();
  });
  afterAll(async () => {
    await h.close();
  });

  it('should put bytes, a file and a stream, and give back the same bytes and size', async () => {
    const bytes = Buffer.from('a small picture, honestly');
    await h.store.put('originals/aa.jpg', bytes, 'image/jpeg');

    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'media-src-'));
    const big = Buffer.alloc(300_000, 7);
    await fs.writeFile(path.join(tmp, 'f'), big);
    await h.store.put('originals/bb.png', { path: path.join(tmp, 'f') }, 'image/png');
    await fs.rm(tmp, { recursive: true });

    const streamed = Buffer.from('streamed bytes '.repeat(5000));
    await h.store.put('renditions/x1/w320-abc.webp', { stream: Readable.from([streamed]) }, 'image/webp');

    const a = await h.store.get('originals/aa.jpg');
    expect(a).not.toBeNull();
    expect(a!.size).toBe(bytes.length);
    expect(a!.contentType).toBe('image/jpeg');
    expect((await readAll(a!)).equals(bytes)).toBe(true);

    const b = await h.store.get('originals/bb.png');
    expect(b!.size).toBe(big.length);
    expect((await readAll(b!)).equals(big)).toBe(true);

    const c = await h.store.get('renditions/x1/w320-abc.webp');
    // Byte for byte: no aws-chunked framing stored with the body.
    expect(c!.size).toBe(streamed.length);
    expect((await readAll(c!)).equals(streamed)).toBe(true);
  });

  it('should head an object (size, time, type) and answer null for a missing one', async () => {
    const head = await h.store.head('originals/aa.jpg');
    expect(head).toMatchObject({ key: 'originals/aa.jpg', size: 25, contentType: 'image/jpeg' });
    expect(Math.abs(head!.lastModified.getTime() - Date.now())).toBeLessThan(10 * 60_000);
    expect(await h.store.head('originals/nope.jpg')).toBeNull();
    expect(await h.store.get('originals/nope.jpg')).toBeNull();
  });

  it('should replace an object put again under the same key', async () => {
    await h.store.put('originals/cc.gif', Buffer.from('one'), 'image/gif');
    await h.store.put('originals/cc.gif', Buffer.from('second'), 'image/gif');
    expect((await readAll((await h.store.get('originals/cc.gif'))!)).toString()).toBe('second');
  });

  it('should list the keys under a prefix with their sizes and last-modified times', async () => {
    expect((await collect(h.store, 'originals/')).map((o) => o.key)).toEqual([
      'originals/aa.jpg',
      'originals/bb.png',
      'originals/cc.gif',
    ]);
    const renditions = await collect(h.store, 'renditions/');
    expect(renditions.map((o) => [o.key, o.size])).toEqual([['renditions/x1/w320-abc.webp', 75_000]]);
    expect(Number.isFinite(renditions[0].lastModified.getTime())).toBe(true);
    expect((await collect(h.store, 'renditions/x1/')).length).toBe(1);
    expect((await collect(h.store, 'renditions/x2/')).length).toBe(0);
    expect((await collect(h.store, '')).length).toBe(4);
  });

  it('should delete an object, and deleting a missing one is no error', async () => {
    await h.store.delete('originals/cc.gif');
    expect(await h.store.head('originals/cc.gif')).toBeNull();
    await h.store.delete('originals/cc.gif');
    expect((await collect(h.store, 'originals/')).map((o) => o.key)).toEqual([
      'originals/aa.jpg',
      'originals/bb.png',
    ]);
  });

  it('should refuse keys that could leave the store', async () => {
    for (const key of [
      '../etc/passwd',
      'originals/../../x',
      '/abs.jpg',
      'a//b',
      '',
      'a/./b',
      '.hidden',
      'A B',
    ]) {
      await expect(h.store.put(key, Buffer.from('x'), 'image/jpeg')).rejects.toThrow(
        /Invalid media store key/,
      );
      await expect(h.store.get(key)).rejects.toThrow(/Invalid media store key/);
      await expect(h.store.delete(key)).rejects.toThrow(/Invalid media store key/);
    }
  });
});

describe('assertKey', () => {
  it('should accept the keys the library writes', () => {
    expect(() => assertKey(`originals/${'a'.repeat(64)}.jpg`)).not.toThrow();
    expect(() => assertKey('renditions/5f0c/16x9-w1024-0123456789abcdef.avif')).not.toThrow();
  });
});

describe('FileSystemMediaStore', () => {
  it('should leave no file under the key when the source stream fails midway', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'media-store-fail-'));
    const store = new FileSystemMediaStore(dir);
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('originals/broken.jpg', { stream: failing }, 'image/jpeg')).rejects.toThrow(
      'client went away',
    );
    expect(await store.head('originals/broken.jpg')).toBeNull();
    expect(await fs.readdir(path.join(dir, '.tmp'))).toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
