import type { OnModuleInit } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import type { Actor } from '../../common/auth.decorators';
import { JobEngine } from '../../jobs/job-engine.service';
import { UsersService } from '../../users/users.service';
import { ImportMovedOn } from './archive-batch.writer';
import {
  ARCHIVE_IMPORT_QUEUE,
  type ArchiveImportJobData,
  ArchiveImportService,
} from './archive-import.service';
import type { ImportJob } from './import-job.entity';

/** How long one job runs before it hands the rest of its import to the next job (and its checkpoint). */
export const SLICE_MS = 30_000;

/**
 * Runs uploaded imports on the job engine, a slice at a time: each job imports for about SLICE_MS from the
 * checkpoint, then queues the next slice. A job left behind by a crashed instance expires and is retried,
 * which resumes from the last committed batch; short slices keep that wait short.
 */
@Injectable()
export class ArchiveImportJobs implements OnModuleInit {
  private readonly logger = new Logger(ArchiveImportJobs.name);

  constructor(
    private readonly jobs: JobEngine,
    private readonly imports: ArchiveImportService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.jobs.register<ArchiveImportJobData>({
      queue: {
        name: ARCHIVE_IMPORT_QUEUE,
        retryLimit: 5,
        retryDelay: 5,
        retryBackoff: true,
        expireInSeconds: 300,
      },
      // An import is heavy: one slice at a time per instance.
      concurrency: 1,
      handler: (data) => this.runSlice(data.importJobId),
    });
  }

  async runSlice(importJobId: string): Promise<void> {
    const job = await this.imports.get(importJobId);
    // Completed by an earlier slice that died before removing the upload: it goes now.
    if (job.status === 'completed') return this.imports.dropUpload(job);
    const actor = await this.operator(job);
    if (!actor) return;
    const deadline = Date.now() + SLICE_MS;
    try {
      const result = await this.imports.run(actor, importJobId, { stopWhen: () => Date.now() > deadline });
      if (result.finished) await this.imports.dropUpload(result.job);
      else await this.jobs.send<ArchiveImportJobData>(ARCHIVE_IMPORT_QUEUE, { importJobId });
    } catch (e) {
      // Another slice of the same import is running (a retry of one that was slow): it carries on.
      if (e instanceof ImportMovedOn) return;
      throw e;
    }
  }

  /** The staff member who uploaded the archive, while still active; otherwise the job stops as failed. */
  private async operator(job: ImportJob): Promise<Actor | null> {
    const user = job.actorId ? await this.users.get(job.actorId).catch(() => null) : null;
    if (user?.active) return { id: user.id, email: user.email, name: user.name, role: user.role };
    this.logger.warn({ importJobId: job.id }, 'the operator of an import is gone or inactive; it stops');
    await this.imports.markFailed(job.id, 'The staff member who started this import is no longer active');
    return null;
  }
}
