import { randomUUID } from 'node:crypto';
import { type Dirent, createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { MediaS3Env } from '../config/env';

/** The injection token of the media store. */
export const MEDIA_STORE = Symbol('MEDIA_STORE');

/** What to put: a local file (uploads are spooled to one), a stream, or bytes already in memory (renditions). */
export type MediaSource = { path: string } | { stream: Readable } | Buffer;

export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface StoredFile {
  body: Readable;
  size: number;
  contentType: string;
}

/**
 * Where originals and renditions live. Keys are relative paths such as `originals/<sha256>.jpg`: lower-case
 * letters, digits, `.`, `_` and `-` in `/`-separated segments, none of them `.` or `..` (see assertKey).
 */
export interface MediaStore {
  /** Writes the whole object or nothing; an existing object under the key is replaced. */
  put(key: string, source: MediaSource, contentType: string): Promise<void>;
  /** The object's bytes (from byte `start` on, when given: `size` is then what is left), or null when there is none. */
  get(key: string, options?: { start?: number }): Promise<StoredFile | null>;
  head(key: string): Promise<(StoredObject & { contentType: string }) | null>;
  /** Removes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, in no particular order. */
  list(prefix: string): AsyncIterable<StoredObject>;
}

const SEGMENT = /^[a-z0-9_-][a-z0-9._-]{0,199}$/;

/** Refuses anything but a plain relative key: no absolute paths, no `..`, no empty or dot segments. */
export function assertKey(key: string): void {
  const segments = key.split('/');
  const ok =
    key.length > 0 &&
    key.length <= 1024 &&
    segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..' && !s.startsWith('.'));
  if (!ok) throw new Error(`Invalid media store key: ${JSON.stringify(key)}`);
}

/** A prefix is a key or the start of one: the same characters, and it may end with `/` or be empty. */
function assertPrefix(prefix: string): void {
  if (prefix === '') return;
  assertKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

/** The content type of a key by its extension (the file-system store keeps no metadata of its own). */
export const contentTypeOfKey = (key: string): string =>
  CONTENT_TYPES[path.extname(key).slice(1).toLowerCase()] ?? 'application/octet-stream';

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Files under `<DATA_DIR>/media`; each written under a temporary name in `.tmp/` and renamed into place. */
export class FileSystemMediaStore implements MediaStore {
  private readonly tmpDir: string;

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, '.tmp');
  }

  private file(key: string): string {
    assertKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, source: MediaSource, _contentType: string): Promise<void> {
    const target = this.file(key);
    await fs.mkdir(this.tmpDir, { recursive: true });
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    try {
      if (Buffer.isBuffer(source)) await fs.writeFile(tmp, source);
      else if ('path' in source) await fs.copyFile(source.path, tmp);
      else await pipeline(source.stream, createWriteStream(tmp));
      await fs.rename(tmp, target);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
  }

  async get(key: string, options: { start?: number } = {}): Promise<StoredFile | null> {
    const file = this.file(key);
    const start = options.start ?? 0;
    try {
      const handle = await fs.open(file, 'r');
      const { size } = await handle.stat();
      return {
        body: handle.createReadStream({ start }),
        size: Math.max(0, size - start),
        contentType: contentTypeOfKey(key),
      };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async head(key: string): Promise<(StoredObject & { contentType: string }) | null> {
    try {
      const st = await fs.stat(this.file(key));
      return { key, size: st.size, lastModified: st.mtime, contentType: contentTypeOfKey(key) };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.file(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertPrefix(prefix);
    // Walk from the deepest folder the prefix names, then filter on the whole prefix.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = dirPart === '' ? this.root : path.join(this.root, ...dirPart.split('/'));
    for await (const key of this.walk(start, dirPart)) {
      if (!key.startsWith(prefix)) continue;
      try {
        const st = await fs.stat(path.join(this.root, ...key.split('/')));
        yield { key, size: st.size, lastModified: st.mtime };
      } catch (e) {
        if (!isMissing(e)) throw e; // deleted meanwhile
      }
    }
  }

  private async *walk(dir: string, keyPrefix: string): AsyncIterable<string> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // .tmp: files being written
      const key = keyPrefix === '' ? e.name : `${keyPrefix}/${e.name}`;
      if (e.isDirectory()) yield* this.walk(path.join(dir, e.name), key);
      else if (e.isFile()) yield key;
    }
  }
}

/** An S3 bucket (AWS or a compatible service). Checksums only when the service requires them (s3rver, MinIO). */
export class S3MediaStore implements MediaStore {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(config: MediaS3Env) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials:
        config.accessKeyId && config.secretAccessKey
          ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
          : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, source: MediaSource, contentType: string): Promise<void> {
    assertKey(key);
    if (Buffer.isBuffer(source)) {
      await this.send(key, source, source.length, contentType);
      return;
    }
    if ('path' in source) {
      const { size } = await fs.stat(source.path);
      await this.send(key, createReadStream(source.path), size, contentType);
      return;
    }
    // A stream of unknown length: PutObject needs the length up front, so it is spooled to a file first.
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dateline-s3-'));
    try {
      const file = path.join(dir, 'body');
      await pipeline(source.stream, createWriteStream(file));
      await this.put(key, { path: file }, contentType);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  private async send(key: string, body: Buffer | Readable, size: number, contentType: string) {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentLength: size,
        ContentType: contentType,
      }),
    );
  }

  async get(key: string, options: { start?: number } = {}): Promise<StoredFile | null> {
    assertKey(key);
    const start = options.start ?? 0;
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(start > 0 ? { Range: `bytes=${start}-` } : {}),
        }),
      );
      return {
        body: out.Body as Readable,
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? contentTypeOfKey(key),
      };
    } catch (e) {
      if (e instanceof NoSuchKey || e instanceof NotFound) return null;
      throw e;
    }
  }

  async head(key: string): Promise<(StoredObject & { contentType: string }) | null> {
    assertKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        lastModified: out.LastModified ?? new Date(0),
        contentType: out.ContentType ?? contentTypeOfKey(key),
      };
    } catch (e) {
      if (e instanceof NotFound || e instanceof NoSuchKey) return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/** Reads a stored object whole (small files: renditions in tests, the renditions job's original). */
export async function readAll(file: StoredFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of Readable.from(file.body)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
