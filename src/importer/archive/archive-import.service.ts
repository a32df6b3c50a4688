import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { recordAudit } from '../../audit/audit.service';
import type { Actor } from '../../common/auth.decorators';
import { DomainError, badRequest, notFound } from '../../common/errors';
import { newsroomConfig, type NewsroomConfig } from '../../config/configuration';
import { JobEngine } from '../../jobs/job-engine.service';
import { MEDIA_STORE, type MediaStore } from '../../media/media-store';
import {
  ArchiveBatchWriter,
  type BatchTurn,
  ImportMovedOn,
  type JobTotals,
  RetryCarefully,
} from './archive-batch.writer';
import { batchesOf, openRecords } from './archive-reader';
import { SourceError, type SourcePosition } from './archive-sources';
import {
  type ArchiveFormat,
  ImportJob,
  type ImportJobOptions,
  type ImportJobOrigin,
  ImportJobProblem,
} from './import-job.entity';

/** Items per transaction unless the job says otherwise (smaller batches keep less in memory at once). */
export const DEFAULT_BATCH_SIZE = 500;
export const MIN_BATCH_SIZE = 1;
export const MAX_BATCH_SIZE = 5000;

/** Batches written at a time: while one commits, the next writes its rows (and a third is being prepared). */
const PIPELINE_DEPTH = 2;

/** The job engine's queue: each job runs a slice of an uploaded import and queues the next one. */
export const ARCHIVE_IMPORT_QUEUE = 'archive-import';
export interface ArchiveImportJobData {
  importJobId: string;
}

export interface NewImportJob {
  format: ArchiveFormat;
  origin: ImportJobOrigin;
  source: string;
  sourceBytes: number | null;
  options: ImportJobOptions;
}

export interface RunOptions {
  /** After every committed batch, with the job's checkpoint and counts. */
  onBatch?: (totals: JobTotals) => void;
  /** Asked between batches: true stops the run there (the job stays unfinished, to be continued). */
  stopWhen?: () => boolean;
}

export interface RunResult {
  job: ImportJob;
  /** Whether the source was read to its end. */
  finished: boolean;
}

const positionOf = (job: ImportJob): SourcePosition => ({
  bytes: Number(job.positionBytes),
  records: Number(job.positionRecords),
  lines: Number(job.positionLines),
});

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Archive imports (docs/importing.md): a job per run over a file, folder or upload, read in batches of
 * stories written in one transaction each (ArchiveBatchWriter), with the checkpoint moved in the same
 * transaction, so a run after a crash starts where the last committed batch ended.
 */
@Injectable()
export class ArchiveImportService {
  private readonly logger = new Logger(ArchiveImportService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ArchiveBatchWriter,
    private readonly jobs: JobEngine,
    @Inject(MEDIA_STORE) private readonly store: MediaStore,
    @Inject(newsroomConfig.KEY) private readonly config: NewsroomConfig,
  ) {}

  /** Records a new job (queued) and its audit row, in its own transaction or the caller's. */
  async create(actor: Actor, spec: NewImportJob, em?: EntityManager): Promise<ImportJob> {
    if (!em) return this.dataSource.transaction((tx) => this.create(actor, spec, tx));
    const repo = em.getRepository(ImportJob);
    const job = await repo.save(
      repo.create({
        format: spec.format,
        origin: spec.origin,
        source: spec.source,
        sourceBytes: spec.sourceBytes === null ? null : String(spec.sourceBytes),
        options: spec.options,
        status: 'queued',
        actorId: actor.id,
        actorEmail: actor.email,
      }),
    );
    await recordAudit(em, {
      action: 'import_job.create',
      entityType: 'import_job',
      entityId: job.id,
      actor,
      details: { format: spec.format, origin: spec.origin, source: spec.source },
    });
    return job;
  }

  async get(id: string): Promise<ImportJob> {
    const job = await this.dataSource.getRepository(ImportJob).findOneBy({ id });
    if (!job) throw notFound('Import job');
    return job;
  }

  /** The newest job over this source that has not completed (what `--resume` continues). */
  latestUnfinished(source: string, format: ArchiveFormat): Promise<ImportJob | null> {
    return this.dataSource
      .getRepository(ImportJob)
      .createQueryBuilder('j')
      .where("j.source = :source AND j.format = :format AND j.status <> 'completed'", { source, format })
      .orderBy('j.created_at', 'DESC')
      .getOne();
  }

  /** The records a job refused, in source order, after record `after`. */
  async problems(id: string, after: number, limit: number): Promise<ImportJobProblem[]> {
    await this.get(id);
    return this.dataSource
      .getRepository(ImportJobProblem)
      .createQueryBuilder('p')
      .where('p.job_id = :id AND p.record > :after', { id, after })
      .orderBy('p.record', 'ASC')
      .limit(limit)
      .getMany();
  }

  /**
   * Runs the job as `actor` from its checkpoint until the source ends (or `stopWhen` says stop). Two batches
   * are written at a time while the next is read and prepared (ArchiveBatchWriter orders them). When a
   * record cannot be stored, the run goes back to the checkpoint and writes up to that batch one at a time,
   * reporting the record. A failure that is not one record's marks the job failed (with the reason) and is
   * thrown; the job can be run again from its checkpoint.
   */
  async run(actor: Actor, jobId: string, options: RunOptions = {}): Promise<RunResult> {
    let job = await this.begin(jobId);
    if (job.status === 'completed') return { job, finished: true };
    let carefulUntil = 0;
    try {
      for (;;) {
        try {
          if ((await this.pass(actor, job, options, carefulUntil)) === 'stopped') {
            return { job: await this.get(job.id), finished: false };
          }
          break;
        } catch (e) {
          if (!(e instanceof RetryCarefully)) throw e;
          carefulUntil = e.untilRecord;
          job = await this.get(job.id);
        }
      }
    } catch (e) {
      if (!(e instanceof ImportMovedOn)) await this.fail(job.id, e);
      if (e instanceof SourceError) throw badRequest(e.message);
      throw e;
    }
    return { job: await this.finish(actor, job.id), finished: true };
  }

  /** One pass over the source from the job's checkpoint; batches before `carefulUntil` go one at a time. */
  private async pass(
    actor: Actor,
    job: ImportJob,
    options: RunOptions,
    carefulUntil: number,
  ): Promise<'done' | 'stopped'> {
    const start = positionOf(job);
    const size = job.options.batchSize ?? DEFAULT_BATCH_SIZE;
    const kazinform = { timezone: this.config.timezone, defaultAgency: this.config.agencyName };
    const inflight: BatchTurn[] = [];
    const settleOldest = async () => {
      const totals = await inflight[0].committed;
      inflight.shift();
      options.onBatch?.(totals);
    };
    try {
      const records = await openRecords(job, this.store, start);
      for await (const batch of batchesOf(records, job.format, start, size, kazinform)) {
        const careful = batch.start.records < carefulUntil;
        while (inflight.length >= (careful ? 1 : PIPELINE_DEPTH)) await settleOldest();
        if (options.stopWhen?.()) {
          while (inflight.length > 0) await settleOldest();
          return 'stopped';
        }
        inflight.push(
          this.writer.commit(actor, job.id, batch, { previous: inflight.at(-1), split: careful }),
        );
      }
      while (inflight.length > 0) await settleOldest();
      return 'done';
    } catch (e) {
      // Batches still in flight roll back once an earlier one failed: the pass ends when they have.
      await Promise.allSettled(inflight.map((t) => t.committed));
      throw e;
    }
  }

  /** Marks the job running (again); a completed job stays as it is. */
  private async begin(jobId: string): Promise<ImportJob> {
    await this.dataSource.query(
      `UPDATE import_job SET status = 'running', error = NULL, started_at = coalesce(started_at, now()),
         updated_at = now()
       WHERE id = $1 AND status <> 'completed'`,
      [jobId],
    );
    return this.get(jobId);
  }

  /** Stops a job as failed, with the reason (it may be run again from its checkpoint). */
  markFailed(jobId: string, reason: string): Promise<void> {
    return this.fail(jobId, new Error(reason), ['queued', 'running']);
  }

  private async fail(jobId: string, e: unknown, from: string[] = ['running']): Promise<void> {
    try {
      await this.dataSource.query(
        `UPDATE import_job SET status = 'failed', error = $2, updated_at = now()
         WHERE id = $1 AND status = ANY($3::text[])`,
        [jobId, messageOf(e).slice(0, 2000), from],
      );
    } catch (err) {
      this.logger.warn({ err, jobId }, 'could not record that an import failed');
    }
  }

  private finish(actor: Actor, jobId: string): Promise<ImportJob> {
    return this.dataSource.transaction(async (em) => {
      const [rows] = await em.query<[ImportJob[], number]>(
        `UPDATE import_job SET status = 'completed', finished_at = now(), updated_at = now()
         WHERE id = $1 AND status = 'running' RETURNING id`,
        [jobId],
      );
      if (rows.length > 0) {
        const job = await em.getRepository(ImportJob).findOneByOrFail({ id: jobId });
        await recordAudit(em, {
          action: 'import_job.complete',
          entityType: 'import_job',
          entityId: jobId,
          actor,
          details: {
            created: Number(job.createdCount),
            present: Number(job.presentCount),
            failed: Number(job.failedCount),
            batches: job.batches,
          },
        });
      }
      return em.getRepository(ImportJob).findOneByOrFail({ id: jobId });
    });
  }

  /**
   * Keeps an NDJSON upload in the media store (streamed: never held in memory, at most `maxBytes`) and
   * queues its import for the job engine, which runs it in slices. Answers the queued job.
   */
  async startUpload(
    actor: Actor,
    body: AsyncIterable<Buffer>,
    format: ArchiveFormat,
    options: ImportJobOptions,
    maxBytes: number,
  ): Promise<ImportJob> {
    const id = randomUUID();
    const key = `imports/${id}.ndjson`;
    let bytes = 0;
    async function* limited(): AsyncGenerator<Buffer> {
      for await (const chunk of body) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          throw new DomainError('PAYLOAD_TOO_LARGE', `The upload is over ${maxBytes} bytes`, {
            max: maxBytes,
          });
        }
        yield chunk;
      }
    }
    await this.store.put(key, { stream: Readable.from(limited()) }, 'application/x-ndjson');
    try {
      if (bytes === 0) throw badRequest('The upload is empty: send NDJSON, one item per line');
      return await this.dataSource.transaction(async (em) => {
        const job = await this.create(
          actor,
          { format, origin: 'api', source: key, sourceBytes: bytes, options },
          em,
        );
        await this.jobs.send<ArchiveImportJobData>(ARCHIVE_IMPORT_QUEUE, { importJobId: job.id }, { em });
        return job;
      });
    } catch (e) {
      await this.store.delete(key);
      throw e;
    }
  }

  /** Removes a finished upload from the media store (its job keeps the counts and problems). */
  async dropUpload(job: ImportJob): Promise<void> {
    if (job.origin === 'api' && job.status === 'completed') await this.store.delete(job.source);
  }
}
