import type { OnModuleInit } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { JobEngine } from '../jobs/job-engine.service';
import { PublishingService } from './publishing.service';
import { EMBARGO_QUEUE, EXPIRE_QUEUE, PUBLISH_QUEUE, RERENDER_QUEUE, type RerenderJob } from './queues';

/** Registers the scheduler's queues: scheduled publish, expiry, embargo lift and re-rendering. */
@Injectable()
export class PublishingJobs implements OnModuleInit {
  constructor(
    private readonly jobs: JobEngine,
    private readonly publishing: PublishingService,
  ) {}

  onModuleInit(): void {
    for (const name of [PUBLISH_QUEUE, EXPIRE_QUEUE, EMBARGO_QUEUE]) {
      this.jobs.register<{ articleId: string }>({
        // A handler is one short transaction: a job left active by a crashed instance is retried after 30 s
        // (pg-boss's default is 15 minutes).
        queue: { name, retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 30 },
        concurrency: 2,
        handler: (data, job) => this.publishing.runScheduledJob(name, data.articleId, job.id),
      });
    }
    this.jobs.register<RerenderJob>({
      queue: { name: RERENDER_QUEUE, retryLimit: 5, retryDelay: 5, retryBackoff: true },
      handler: async (data) => {
        await this.publishing.rerender(data);
      },
    });
  }
}
