import { createHash, randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Media, type StoredRendition } from '../src/media/media.entity';
import { MEDIA_STORE, type MediaStore } from '../src/media/media-store';

/** A picture of the library made directly in the table (and its files in the media store), as uploads leave it. */
export interface TestPicture {
  id: string;
  renditions: StoredRendition[];
  /** The bytes stored under each rendition's key */
  files: Map<string, Buffer>;
  sha256: string;
  storageKey: string;
}

const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export async function createPicture(
  app: NestFastifyApplication,
  fields: Partial<Pick<Media, 'caption' | 'altText' | 'credit' | 'copyrightNotice' | 'usageTerms'>> = {},
): Promise<TestPicture> {
  const store = app.get<MediaStore>(MEDIA_STORE);
  const original = randomBytes(256);
  const sha256 = hex(original);
  const storageKey = `originals/${sha256}.jpg`;
  await store.put(storageKey, original, 'image/jpeg');
  const files = new Map<string, Buffer>();
  const renditions: StoredRendition[] = [];
  for (const [name, format, width] of [
    ['w320', 'jpeg', 320],
    ['w1024', 'jpeg', 1024],
    ['w1024', 'webp', 1024],
    ['16x9-w640', 'jpeg', 640],
  ] as const) {
    const bytes = randomBytes(64 + width / 16);
    const hash = hex(bytes).slice(0, 16);
    const key = `renditions/${sha256.slice(0, 16)}/${name}-${hash}.${format === 'jpeg' ? 'jpg' : format}`;
    await store.put(key, bytes, `image/${format}`);
    files.set(key, bytes);
    renditions.push({
      name,
      format,
      width,
      height: name.startsWith('16x9') ? 360 : Math.round((width * 2) / 3),
      bytes: bytes.length,
      key,
      hash,
    });
  }
  const repo = app.get(DataSource).getRepository(Media);
  const inserted = await repo.insert({
    sha256,
    mimeType: 'image/jpeg',
    originalName: 'photo.jpg',
    byteSize: original.length,
    width: 3000,
    height: 2000,
    storageKey,
    caption: 'Library caption',
    altText: 'Delegations at the table',
    credit: 'Photo: Kazinform',
    copyrightNotice: '© Kazinform',
    usageTerms: 'Editorial use only',
    focalX: 0.4,
    focalY: 0.3,
    placeholder: 'YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw',
    renditions,
    renditionsStatus: 'ready',
    ...fields,
  });
  return { id: inserted.identifiers[0].id as string, renditions, files, sha256, storageKey };
}

/** `<name>-<hash>.<ext>` of a rendition, as its public URL names it. */
export const fileOf = (r: StoredRendition) => `${r.name}-${r.hash}.${r.format === 'jpeg' ? 'jpg' : r.format}`;
