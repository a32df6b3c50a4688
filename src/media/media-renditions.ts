import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobWithMetadata } from 'pg-boss';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { loadEnv } from '../config/env';
import { JobEngine } from '../jobs/job-engine.service';
import { RERENDER_QUEUE, type RerenderJob } from '../publishing/queues';
import { CROPS, RENDITION_FORMATS, RENDITION_WIDTHS, type RenditionsJob } from './media.constants';
import { Media, type StoredRendition } from './media.entity';
import { MEDIA_STORE, type MediaStore, readAll } from './media-store';
import { renditionKey } from './media-urls';

/** The decoded picture every rendition is derived from: oriented, sRGB, at most the largest width. */
interface Base {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

interface Plan {
  name: string;
  width: number;
  /** Region of the base to take (whole frame when absent) */
  region?: { left: number; top: number; width: number; height: number };
}

export interface RenderedFile {
  rendition: StoredRendition;
  bytes: Buffer;
}

const MAX_WIDTH = RENDITION_WIDTHS[RENDITION_WIDTHS.length - 1];

/** The original cannot be rendered however often it is tried (missing, or not decodable): no retry. */
export class UnusablePicture extends Error {}

/** Full-frame widths for a base this wide: the listed ones that fit, or the base's own width when none does. */
function frameWidths(baseWidth: number): number[] {
  const fit = RENDITION_WIDTHS.filter((w) => w <= baseWidth);
  return fit.length > 0 ? fit : [baseWidth];
}

/** The largest region of the ratio inside the frame, centred on the focal point as far as the frame allows. */
export function cropRegion(
  frame: { width: number; height: number },
  ratio: number,
  focal: { x: number; y: number },
): { left: number; top: number; width: number; height: number } {
  let width = frame.width;
  let height = Math.round(width / ratio);
  if (height > frame.height) {
    height = frame.height;
    width = Math.min(frame.width, Math.round(height * ratio));
  }
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)));
  return {
    left: clamp(focal.x * frame.width - width / 2, frame.width - width),
    top: clamp(focal.y * frame.height - height / 2, frame.height - height),
    width,
    height,
  };
}

function plans(base: Base, focal: { x: number; y: number }): Plan[] {
  const out: Plan[] = frameWidths(base.width).map((w) => ({ name: `w${w}`, width: w }));
  for (const crop of CROPS) {
    const region = cropRegion(base, crop.ratio, focal);
    const widths = crop.widths.filter((w) => w <= region.width);
    for (const w of widths.length > 0 ? widths : [region.width]) {
      out.push({ name: `${crop.name}-w${w}`, width: w, region });
    }
  }
  return out;
}

async function encode(base: Base, plan: Plan, format: StoredRendition['format']): Promise<Buffer> {
  const { data, ...raw } = base;
  let img = sharp(data, { raw });
  if (plan.region) img = img.extract(plan.region);
  img = img.resize({ width: plan.width, withoutEnlargement: true });
  // No metadata call anywhere: sharp writes no EXIF, GPS, XMP or IPTC unless asked to.
  if (format === 'avif') return img.avif({ quality: 50, effort: 0 }).toBuffer();
  if (format === 'webp') return img.webp({ quality: 80, effort: 2 }).toBuffer();
  return img.flatten({ background: '#ffffff' }).jpeg({ quality: 80, mozjpeg: true }).toBuffer();
}

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Every rendition of a picture: decoded once (orientation applied, sRGB, at most 2048 px wide), then each
 * width and crop encoded from that in AVIF, WebP and JPEG. Also the ThumbHash placeholder.
 */
export async function renderPicture(
  original: Buffer,
  mediaId: string,
  focal: { x: number; y: number },
  maxPixels: number,
): Promise<{ files: RenderedFile[]; placeholder: string }> {
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    decoded = await sharp(original, { limitInputPixels: maxPixels, failOn: 'truncated' })
      .autoOrient()
      .resize({ width: MAX_WIDTH, withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new UnusablePicture(
      `The original cannot be decoded: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const base: Base = {
    data: decoded.data,
    width: decoded.info.width,
    height: decoded.info.height,
    channels: decoded.info.channels,
  };
  const jobs = plans(base, focal).flatMap((plan) => RENDITION_FORMATS.map((format) => ({ plan, format })));
  const files = await pool(jobs, 3, async ({ plan, format }): Promise<RenderedFile> => {
    const bytes = await encode(base, plan, format);
    const meta = await sharp(bytes).metadata();
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const rendition = {
      name: plan.name,
      format,
      width: meta.width,
      height: meta.height,
      bytes: bytes.length,
      hash,
    };
    return { rendition: { ...rendition, key: renditionKey(mediaId, rendition) }, bytes };
  });
  return { files, placeholder: await thumbHash(base) };
}

async function thumbHash(base: Base): Promise<string> {
  const { rgbaToThumbHash } = await import('thumbhash');
  const { data, ...raw } = base;
  const small = await sharp(data, { raw })
    .resize(100, 100, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(small.info.width, small.info.height, small.data)).toString('base64');
}

const CONTENT_TYPE: Record<StoredRendition['format'], string> = {
  avif: 'image/avif',
  webp: 'image/webp',
  jpeg: 'image/jpeg',
};

/** The renditions job: makes the files, records them on the row if the job is still current, drops replaced files. */
@Injectable()
export class MediaRenditions {
  private readonly logger = new Logger(MediaRenditions.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MEDIA_STORE) private readonly store: MediaStore,
    private readonly jobs: JobEngine,
  ) {}

  /**
   * Runs one attempt. A picture that cannot be rendered (original missing or undecodable) is marked failed at
   * once and the job ends; any other failure (the store, the encoder, the database) is thrown so the job engine
   * tries again with backoff, and the last attempt marks the picture failed before giving up.
   */
  async run(job: RenditionsJob, attempt: Pick<JobWithMetadata, 'retryCount' | 'retryLimit'>): Promise<void> {
    try {
      await this.render(job);
    } catch (e) {
      if (e instanceof UnusablePicture) {
        await this.recordFailure(job, e);
        return;
      }
      this.logger.warn({ err: e, ...job, ...attempt }, 'renditions attempt failed');
      if (attempt.retryCount >= attempt.retryLimit) await this.recordFailure(job, e);
      throw e;
    }
  }

  private async render(job: RenditionsJob): Promise<void> {
    const media = await this.dataSource.getRepository(Media).findOneBy({ id: job.mediaId });
    if (!media || media.renditionsVersion !== job.renditionsVersion) {
      this.logger.log(job, 'renditions job no longer current; nothing to do');
      return;
    }
    const original = await this.store.get(media.storageKey);
    if (!original) throw new UnusablePicture(`The original ${media.storageKey} is missing from the store`);
    const rendered = await renderPicture(
      await readAll(original),
      media.id,
      { x: media.focalX, y: media.focalY },
      loadEnv().media.maxPixels,
    );
    // Files first (an unreferenced file is swept later), then the row, then the files it no longer names.
    for (const f of rendered.files) {
      await this.store.put(f.rendition.key, f.bytes, CONTENT_TYPE[f.rendition.format]);
    }
    const newKeys = new Set(rendered.files.map((f) => f.rendition.key));
    const replaced = await this.dataSource.transaction(async (em) => {
      const row = await em.findOne(Media, {
        where: { id: job.mediaId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row || row.renditionsVersion !== job.renditionsVersion) return null;
      const old = row.renditions.map((r) => r.key);
      await em.update(
        Media,
        { id: row.id },
        {
          renditions: rendered.files.map((f) => f.rendition),
          renditionsStatus: 'ready',
          renditionsError: null,
          placeholder: rendered.placeholder,
        },
      );
      // Live stories showing the picture name its renditions (URLs with their hashes): rendered again.
      await this.jobs.send<RerenderJob>(RERENDER_QUEUE, { mediaId: row.id }, { em });
      return old;
    });
    // Superseded or deleted meanwhile: these files are nobody's; otherwise the old set is.
    const garbage = replaced === null ? [...newKeys] : replaced.filter((k) => !newKeys.has(k));
    for (const key of garbage) {
      await this.store.delete(key).catch((err: unknown) => {
        this.logger.warn({ err, key }, 'could not delete a replaced rendition; the sweep will');
      });
    }
  }

  private async recordFailure(job: RenditionsJob, e: unknown): Promise<void> {
    const message = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    this.logger.warn({ err: e, ...job }, 'renditions failed; the picture is marked failed');
    await this.dataSource
      .createQueryBuilder()
      .update(Media)
      .set({ renditionsStatus: 'failed', renditionsError: message })
      .where('id = :id AND renditions_version = :v', { id: job.mediaId, v: job.renditionsVersion })
      .execute();
  }
}
