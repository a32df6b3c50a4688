import path from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../common/auth.decorators';
import { DomainError, forbidden, notFound } from '../common/errors';
import { type Page, keysetPage, mapPage } from '../common/pagination';
import { createValidationPipe } from '../common/validation';
import type { ContentConfig } from '../config/configuration';
import { loadEnv } from '../config/env';
import { JobEngine } from '../jobs/job-engine.service';
import { RERENDER_QUEUE, type RerenderJob } from '../publishing/queues';
import { RENDITIONS_QUEUE, type RenditionsJob } from './media.constants';
import { type ListMediaQueryDto, MediaFieldsDto, type UpdateMediaDto } from './media.dto';
import { Media } from './media.entity';
import { probePicture, spoolUpload } from './media-intake';
import { type EmbeddedMetadata, readEmbeddedMetadata } from './media-metadata';
import { MEDIA_STORE, type MediaStore } from './media-store';
import { MEDIA_USAGE, type MediaUsage, assertMediaUnused } from './media-usage';
import { type MediaResponse, toMediaResponse } from './media.response';

/** The words of the library search: the expression of the GIN index `media_search_idx`, character for character. */
const SEARCH_VECTOR = `to_tsvector('simple', coalesce(m.caption, '') || ' ' || coalesce(m.credit, '') || ' ' || coalesce(m.photographer, ''))`;

/** Where uploads are spooled while they arrive: under DATA_DIR, so a crash leaves them where an operator looks. */
export const uploadSpoolDir = (dataDir: string): string => path.join(dataDir, 'uploads');

const TEXT_FIELDS = [
  'caption',
  'altText',
  'credit',
  'copyrightNotice',
  'usageTerms',
  'source',
  'photographer',
] as const;

/** A writer may change only the pictures they uploaded; editors and admins may change any. */
export function assertMayChangeMedia(
  actor: Pick<Actor, 'id' | 'role'>,
  media: Pick<Media, 'createdBy'>,
): void {
  if (actor.role === 'writer' && media.createdBy !== actor.id) {
    throw forbidden('Writers may change only the pictures they uploaded');
  }
}

export interface UploadResult {
  created: boolean;
  media: MediaResponse;
}

/** The picture library: upload (de-duplicated by SHA-256), read, list, edit under If-Match, delete. */
@Injectable()
export class MediaService {
  private readonly logger = new Logger(MediaService.name);
  private readonly baseUrl: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MEDIA_STORE) private readonly store: MediaStore,
    @Inject(MEDIA_USAGE) private readonly usage: MediaUsage,
    private readonly jobs: JobEngine,
    config: ConfigService,
  ) {
    this.baseUrl = config.getOrThrow<ContentConfig>('content').baseUrl;
  }

  respond(media: Media): MediaResponse {
    return toMediaResponse(media, this.baseUrl);
  }

  /**
   * Takes a multipart upload: spooled and hashed, checked from its bytes, de-duplicated, the original
   * written to the store, then one transaction inserts the row, its audit row and the renditions job.
   */
  async upload(actor: Actor, req: FastifyRequest): Promise<UploadResult> {
    const env = loadEnv();
    const upload = await spoolUpload(req, env.media.maxBytes, uploadSpoolDir(env.dataDir));
    try {
      const fields = (await createValidationPipe().transform(upload.fields, {
        type: 'body',
        metatype: MediaFieldsDto,
      })) as MediaFieldsDto;
      const existing = await this.dataSource.getRepository(Media).findOneBy({ sha256: upload.sha256 });
      if (existing) return { created: false, media: this.respond(existing) };

      const picture = await probePicture(upload.path, env.media.maxPixels);
      const embedded = await readEmbeddedMetadata(upload.path);
      const storageKey = `originals/${upload.sha256}.${picture.ext}`;
      // The file first: a crash before the commit leaves an unreferenced file for the orphan sweep, never a
      // row without its file.
      await this.store.put(storageKey, { path: upload.path }, picture.mimeType);
      // A field sent with the form wins (an empty one clears); else what the file says about itself.
      const pick = (k: Exclude<keyof EmbeddedMetadata, 'takenAt'>) =>
        fields[k] !== undefined ? fields[k] || null : embedded[k];
      try {
        const media = await this.dataSource.transaction(async (em) => {
          const row = await em.save(
            em.create(Media, {
              sha256: upload.sha256,
              mimeType: picture.mimeType,
              originalName: upload.fileName,
              byteSize: upload.bytes,
              width: picture.width,
              height: picture.height,
              storageKey,
              caption: pick('caption'),
              altText: fields.altText || null,
              credit: pick('credit'),
              copyrightNotice: pick('copyrightNotice'),
              usageTerms: fields.usageTerms || null,
              source: pick('source'),
              photographer: pick('photographer'),
              takenAt: fields.takenAt ? new Date(fields.takenAt) : embedded.takenAt,
              focalX: fields.focalX ?? 0.5,
              focalY: fields.focalY ?? 0.5,
              renditionsStatus: 'pending',
              createdBy: actor.id,
            }),
          );
          await recordAudit(em, {
            action: 'media.upload',
            entityType: 'media',
            entityId: row.id,
            actor,
            details: { sha256: row.sha256, mimeType: row.mimeType, byteSize: row.byteSize },
          });
          await this.sendRenditionsJob(em, row);
          return row;
        });
        return { created: true, media: this.respond(media) };
      } catch (e) {
        // The same bytes uploaded at the same moment: the other upload's row is the answer.
        if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23505') {
          const winner = await this.dataSource.getRepository(Media).findOneBy({ sha256: upload.sha256 });
          if (winner) return { created: false, media: this.respond(winner) };
        }
        throw e;
      }
    } finally {
      await upload.discard();
    }
  }

  async get(id: string): Promise<MediaResponse> {
    return this.respond(await this.find(this.dataSource.manager, id));
  }

  async list(query: ListMediaQueryDto): Promise<Page<MediaResponse>> {
    const qb = this.dataSource.getRepository(Media).createQueryBuilder('m');
    if (query.q) qb.andWhere(`${SEARCH_VECTOR} @@ plainto_tsquery('simple', :q)`, { q: query.q });
    const page = await keysetPage(
      qb,
      { scope: 'media', column: 'm.created_at', id: 'm.id', direction: 'DESC', type: 'timestamptz' },
      query,
    );
    return mapPage(page, (m) => this.respond(m));
  }

  /** Applies the given fields if `expectedVersion` is current (else 412); a new focal point re-makes the renditions. */
  async update(
    actor: Actor,
    id: string,
    expectedVersion: number,
    dto: UpdateMediaDto,
  ): Promise<MediaResponse> {
    return this.respond(
      await this.dataSource.transaction(async (em) => {
        const media = await this.lockForWrite(em, actor, id, expectedVersion);
        const changed: string[] = [];
        for (const k of TEXT_FIELDS) {
          if (dto[k] === undefined) continue;
          const value = dto[k] || null;
          if (media[k] !== value) {
            media[k] = value;
            changed.push(k);
          }
        }
        if (dto.takenAt !== undefined) {
          const value = dto.takenAt === null ? null : new Date(dto.takenAt);
          if ((media.takenAt?.getTime() ?? null) !== (value?.getTime() ?? null)) {
            media.takenAt = value;
            changed.push('takenAt');
          }
        }
        let focalChanged = false;
        for (const k of ['focalX', 'focalY'] as const) {
          const value = dto[k];
          if (value !== undefined && value !== null && Math.fround(value) !== Math.fround(media[k])) {
            media[k] = value;
            changed.push(k);
            focalChanged = true;
          }
        }
        if (changed.length === 0) return media;
        media.version += 1;
        if (focalChanged) {
          media.renditionsVersion += 1;
          media.renditionsStatus = 'pending';
          media.renditionsError = null;
        }
        const saved = await em.save(media);
        await recordAudit(em, {
          action: 'media.update',
          entityType: 'media',
          entityId: id,
          actor,
          details: { fields: changed, version: saved.version },
        });
        if (focalChanged) await this.sendRenditionsJob(em, saved);
        // Live stories showing the picture carry its metadata in their documents: rendered again.
        await this.jobs.send<RerenderJob>(RERENDER_QUEUE, { mediaId: id }, { em });
        return saved;
      }),
    );
  }

  /** Deletes the row (with its audit row), then its files once that has committed. */
  async remove(actor: Actor, id: string, expectedVersion: number): Promise<void> {
    const media = await this.dataSource.transaction(async (em) => {
      const row = await this.lockForWrite(em, actor, id, expectedVersion);
      await this.assertNotInUse(em, row);
      await em.delete(Media, { id });
      await recordAudit(em, {
        action: 'media.delete',
        entityType: 'media',
        entityId: id,
        actor,
        details: { sha256: row.sha256, originalName: row.originalName, version: row.version },
      });
      return row;
    });
    for (const key of [media.storageKey, ...media.renditions.map((r) => r.key)]) {
      // A file left behind here (store unavailable) is removed by the orphan sweep.
      await this.store.delete(key).catch((err: unknown) => {
        this.logger.warn({ err, key }, 'could not delete a file of a deleted picture; the sweep will');
      });
    }
  }

  /**
   * The one place that decides whether a picture may be deleted, called under its row lock: 409 naming the
   * stories (id, headline) that use it, as the articles side answers MEDIA_USAGE (the foreign keys of
   * `article_media` and `article.featured_media_id` restrict the delete as well).
   */
  protected async assertNotInUse(em: EntityManager, media: Media): Promise<void> {
    await assertMediaUnused(this.usage, em, media.id);
  }

  private async find(em: EntityManager, id: string, lock = false): Promise<Media> {
    const media = await em.findOne(Media, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!media) throw notFound('Picture', { id });
    return media;
  }

  private async lockForWrite(em: EntityManager, actor: Actor, id: string, expected: number): Promise<Media> {
    const media = await this.find(em, id, true);
    assertMayChangeMedia(actor, media);
    if (media.version !== expected) {
      throw new DomainError(
        'PRECONDITION_FAILED',
        `The picture was changed since version ${expected}; it is now at version ${media.version}`,
        { currentVersion: media.version },
      );
    }
    return media;
  }

  private async sendRenditionsJob(em: EntityManager, media: Media): Promise<void> {
    const job: RenditionsJob = { mediaId: media.id, renditionsVersion: media.renditionsVersion };
    await this.jobs.send(RENDITIONS_QUEUE, job, { em });
  }
}
