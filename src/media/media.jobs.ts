import type { OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { JobEngine } from '../jobs/job-engine.service';
import {
  ORPHAN_SWEEP_INTERVAL_MS,
  ORPHAN_SWEEP_QUEUE,
  RENDITIONS_QUEUE,
  type RenditionsJob,
} from './media.constants';
import { MediaRenditions } from './media-renditions';
import { MediaOrphanSweep } from './media-sweep';

/** Registers the library's queues (renditions, orphan sweep) and, in servers, asks for a sweep every hour. */
@Injectable()
export class MediaJobs implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MediaJobs.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly jobs: JobEngine,
    private readonly renditions: MediaRenditions,
    private readonly sweep: MediaOrphanSweep,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    this.jobs.register<RenditionsJob>({
      // Several seconds of CPU for a large photo: a job left active by a crashed instance is retried after 5 min.
      // A failed attempt (the store or the encoder) is tried again after 10-20 s, 20-40 s, 40-80 s; an original
      // that cannot be decoded is not (MediaRenditions.run).
      queue: {
        name: RENDITIONS_QUEUE,
        retryLimit: 3,
        retryDelay: 10,
        retryBackoff: true,
        expireInSeconds: 300,
      },
      concurrency: 1,
      handler: (data, job) => this.renditions.run(data, job),
    });
    this.jobs.register<Record<string, never>>({
      // stately: at most one sweep waiting and one running, however many instances ask.
      queue: { name: ORPHAN_SWEEP_QUEUE, policy: 'stately', retryLimit: 1, expireInSeconds: 3600 },
      pollingIntervalSeconds: 30,
      handler: async () => {
        await this.sweep.sweep();
      },
    });
  }

  onApplicationBootstrap(): void {
    if (!this.adapterHost.httpAdapter) return;
    this.timer = setInterval(() => {
      this.jobs.send(ORPHAN_SWEEP_QUEUE, {}).catch((err: unknown) => {
        this.logger.warn({ err }, 'could not ask for a media orphan sweep');
      });
    }, ORPHAN_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
