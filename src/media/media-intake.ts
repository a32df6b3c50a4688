import '@fastify/multipart';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import sharp from 'sharp';
import { DomainError, badRequest } from '../common/errors';
import { ACCEPTED_TYPES } from './media.constants';

/** An upload spooled to a private temporary folder; `discard()` removes it whatever happened. */
export interface SpooledUpload {
  path: string;
  bytes: number;
  sha256: string;
  fileName: string | null;
  fields: Record<string, string>;
  discard(): Promise<void>;
}

const tooLarge = (maxBytes: number) =>
  new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than the ${maxBytes} bytes allowed`, {
    maxBytes,
  });

/**
 * Streams the multipart field `file` to a temporary file while hashing (SHA-256) and counting it; the other
 * fields are kept as text. Nothing is held in memory but the fields; over `maxBytes` the file is removed and
 * 413 thrown, and a request cut off midway leaves nothing behind either.
 */
export async function spoolUpload(
  req: FastifyRequest,
  maxBytes: number,
  spoolRoot: string,
): Promise<SpooledUpload> {
  if (!req.isMultipart()) {
    throw new DomainError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the picture as multipart/form-data in the field "file"',
    );
  }
  await fs.mkdir(spoolRoot, { recursive: true, mode: 0o700 });
  const dir = await fs.mkdtemp(path.join(spoolRoot, 'upload-'));
  const discard = () => fs.rm(dir, { recursive: true, force: true });
  const file = path.join(dir, 'upload');
  const fields: Record<string, string> = {};
  let spooled: { bytes: number; sha256: string; fileName: string | null } | undefined;
  try {
    for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1 } })) {
      if (part.type === 'field') {
        if (typeof part.value !== 'string') throw badRequest(`Field "${part.fieldname}" must be text`);
        if (part.fieldname in fields) throw badRequest(`Field "${part.fieldname}" was sent twice`);
        fields[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== 'file' || spooled) {
        part.file.resume();
        throw badRequest('Send exactly one file, in the field "file"', { field: part.fieldname });
      }
      const hash = createHash('sha256');
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(part.file, counter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      // With throwFileSizeLimit (the default) the stream fails instead; this is the belt to those braces.
      if (part.file.truncated) throw tooLarge(maxBytes);
      spooled = { bytes, sha256: hash.digest('hex'), fileName: safeFileName(part.filename) };
    }
  } catch (e) {
    await discard();
    const status = (e as { statusCode?: unknown }).statusCode;
    if (status === 413 || (e as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw tooLarge(maxBytes);
    if (e instanceof DomainError || (typeof status === 'number' && status < 500)) throw e;
    // The client went away or sent a broken body ("Unexpected end of form"): nothing is kept.
    throw badRequest('The upload was cut off or is not well-formed multipart');
  }
  if (!spooled) {
    await discard();
    throw badRequest('Send the picture in the multipart field "file"', { field: 'file' });
  }
  if (spooled.bytes === 0) {
    await discard();
    throw badRequest('The file is empty', { field: 'file' });
  }
  return { path: file, fields, discard, ...spooled };
}

/** The client's file name reduced to a safe base name (no folders, no control characters), or null. */
export function safeFileName(name: string | undefined): string | null {
  if (!name) return null;
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} ._()-]/gu, '_')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  return cleaned === '' || /^_+$/.test(cleaned) ? null : cleaned;
}

export interface ProbedPicture {
  mimeType: string;
  ext: string;
  /** After EXIF orientation */
  width: number;
  height: number;
}

const unsupported = (what: string) =>
  new DomainError(
    'UNSUPPORTED_MEDIA_TYPE',
    `${what}: send a JPEG, PNG, WebP, AVIF or GIF picture (the type is read from the file's bytes)`,
  );
const unprocessable = (message: string) => new DomainError('UNPROCESSABLE', message);

/** HEIC/HEIF when this server's libvips can decode it (the prebuilt sharp reads AVIF but not HEVC). */
const heicReadable = () =>
  (sharp.format.heif?.input as { fileSuffix?: string[] } | undefined)?.fileSuffix?.includes('.heic') ?? false;

/**
 * What the bytes are, decided from the bytes alone: the sniffed type must be an accepted picture (SVG and
 * anything else refused, 415); the declared size must stay under `maxPixels` (422, read from the header,
 * nothing decoded); then one small decode that fails on truncation (422).
 */
export async function probePicture(file: string, maxPixels: number): Promise<ProbedPicture> {
  const { fileTypeFromFile } = await import('file-type');
  const type = await fileTypeFromFile(file);
  if (!type || /xml|svg|html/.test(type.mime)) {
    const head = await readHead(file, 4096);
    if (/<svg[\s>]/i.test(head)) {
      throw unsupported('SVG is refused (a document that can carry scripts, not a photo)');
    }
  }
  if (!type) throw unsupported('The file is not a picture this library takes');
  const ext = ACCEPTED_TYPES[type.mime];
  if (!ext) throw unsupported(`The file is ${type.mime}`);
  if ((type.mime === 'image/heic' || type.mime === 'image/heif') && !heicReadable()) {
    throw unsupported('HEIC/HEIF cannot be read by this server');
  }
  const options = { limitInputPixels: maxPixels, failOn: 'truncated' as const };
  let meta: sharp.Metadata;
  try {
    meta = await sharp(file, options).metadata();
  } catch (e) {
    throw readError(e, maxPixels);
  }
  if (!meta.width || !meta.height) throw unprocessable('The picture declares no size');
  const pageHeight = meta.pageHeight ?? meta.height;
  if (meta.width * pageHeight > maxPixels) throw overLimit(meta.width, pageHeight, maxPixels);
  try {
    // One small decode (JPEG shrinks on load): a truncated or corrupt file fails here, not in the job.
    await sharp(file, options).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
  } catch (e) {
    throw readError(e, maxPixels);
  }
  const oriented = meta.autoOrient ?? { width: meta.width, height: pageHeight };
  return { mimeType: type.mime, ext, width: oriented.width, height: oriented.height };
}

function overLimit(width: number, height: number, maxPixels: number): DomainError {
  return new DomainError(
    'UNPROCESSABLE',
    `The picture is ${width} × ${height} pixels, more than the ${maxPixels} allowed`,
    { width, height, maxPixels },
  );
}

function readError(e: unknown, maxPixels: number): DomainError {
  const message = e instanceof Error ? e.message : String(e);
  if (/pixel limit/i.test(message)) {
    return new DomainError('UNPROCESSABLE', `The picture has more than the ${maxPixels} pixels allowed`, {
      maxPixels,
    });
  }
  return unprocessable('The picture cannot be decoded: the file is truncated or corrupt');
}

async function readHead(file: string, n: number): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
