import type { BeforeApplicationShutdown } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';

import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../common/errors';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface QueueDefinition {
  name: string;
  policy?: 'standard' | 'short' | 'singleton' | 'stately';
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
}

export interface WorkerDefinition<T> {
  queue: QueueDefinition;
  /** Parallel workers on this instance; each handles one job at a time. */
  concurrency?: number;
  pollingIntervalSeconds?: number;
  /**
   * Throwing fails the attempt: pg-boss runs the job again after the queue's retry delay until `retryLimit`
   * retries are spent (`job.retryCount` counts them; the last attempt has `retryCount === retryLimit`).
   */
  handler: (data: T, job: PgBoss.JobWithMetadata<T>) => Promise<void>;
}

export interface SendOptions {
  /** Sends inside this transaction: the job exists only if the transaction commits. */
  em?: EntityManager;
  /** A time, or seconds from the database's now. */
  startAfter?: Date | number;
  singletonKey?: string;
  /** With singletonKey: at most one job of the key per window of this many seconds (later sends queue nothing). */
  singletonSeconds?: number;
  retryLimit?: number;
}

// Marks errors of pg-boss's own statements (see guardJobOutcomes).
const JOB_ENGINE_SQL = Symbol('dateline.jobEngineSql');

/**
 * The PostgreSQL-backed job engine (pg-boss), on the same database. Safe with several app instances:
 * jobs are claimed with SKIP LOCKED, so each runs on one instance, and a job due while every instance
 * was down runs on the next start.
 */
@Injectable()
export class JobEngine implements BeforeApplicationShutdown {
  private readonly logger = new Logger(JobEngine.name);
  private boss: PgBoss | undefined;
  private readonly workers = new Map<string, WorkerDefinition<unknown>>();
  private starting: Promise<PgBoss> | undefined;
  private workersStarted = false;
  /** Handlers running now on this instance */
  private inFlight = 0;
  private shuttingDown = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Declares a queue with its handler; handlers run only once startWorkers() is called (the server, not the CLI). */
  register<T>(def: WorkerDefinition<T>): void {
    this.workers.set(def.queue.name, def as WorkerDefinition<unknown>);
  }

  private start(): Promise<PgBoss> {
    // Once shutdown has begun nothing may start pg-boss again (a dispatcher tick or a late request would):
    // the new instance's supervision timers would never be stopped and would outlive the application.
    if (this.shuttingDown) {
      return Promise.reject(
        new DomainError('SERVICE_UNAVAILABLE', 'The instance is shutting down', undefined, {
          'retry-after': '1',
        }),
      );
    }
    this.starting ??= (async () => {
      const options = this.dataSource.options as { url?: string };
      const boss = new PgBoss({
        connectionString: options.url,
        schema: 'pgboss',
        // A connection for every worker of this instance, plus maintenance and supervision: when pg-boss's pool
        // ends at shutdown it never serves requests still waiting for a connection, so a worker queued for
        // one would never stop (and pg-boss would check on it every second for as long as the process lives).
        max: this.workerSlots() + 3,
        application_name: 'dateline-jobs',
        supervise: true,
        // Maintenance fails jobs past their expiry (left active by a crashed instance) into a retry.
        maintenanceIntervalSeconds: 15,
        schedule: false,
        migrate: true,
      });
      boss.on('error', (err: Error) => this.logger.error({ err }, 'job engine error'));
      await boss.start();
      this.guardJobOutcomes(boss);
      for (const def of this.workers.values()) {
        const { name, ...queueOptions } = def.queue;
        await boss.createQueue(name, { name, ...queueOptions });
        // createQueue leaves an existing queue alone: options changed in code reach it here.
        await boss.updateQueue(name, { name, ...queueOptions });
      }
      // Jobs a crashed instance left active are retried now if they have expired, not at the first maintenance.
      await boss.expire();
      this.boss = boss;
      return boss;
    })();
    return this.starting;
  }

  /**
   * pg-boss 10 records a job's outcome (complete or fail) without awaiting it: when the database is gone
   * at that moment, the rejection is unhandled and would end the process. Its statements' errors are
   * marked, and such a rejection is only logged (the job stays active and is retried once it expires);
   * any other unhandled rejection still ends the process, as Node does by default.
   */
  private guardJobOutcomes(boss: PgBoss): void {
    const db = boss.getDb();
    const executeSql = db.executeSql.bind(db);
    db.executeSql = (text, values) =>
      executeSql(text, values).catch((err: unknown) => {
        if (err !== null && typeof err === 'object') Object.assign(err, { [JOB_ENGINE_SQL]: true });
        throw err;
      });
    process.on('unhandledRejection', this.onUnhandledRejection);
  }

  private readonly onUnhandledRejection = (reason: unknown): void => {
    if (reason !== null && typeof reason === 'object' && JOB_ENGINE_SQL in reason) {
      this.logger.warn(
        { err: reason },
        'job engine could not record a job outcome; the job runs again once it expires',
      );
      return;
    }
    throw reason;
  };

  /** How many handlers this instance runs at once, over all queues. */
  private workerSlots(): number {
    let n = 0;
    for (const def of this.workers.values()) n += def.concurrency ?? 1;
    return n;
  }

  async startWorkers(): Promise<void> {
    const boss = await this.start();
    if (this.workersStarted) return;
    this.workersStarted = true;
    for (const def of this.workers.values()) {
      for (let i = 0; i < (def.concurrency ?? 1); i++) {
        let workerId = '';
        workerId = await boss.work<unknown>(
          def.queue.name,
          {
            batchSize: 1,
            pollingIntervalSeconds: def.pollingIntervalSeconds ?? 1,
            includeMetadata: true,
          },
          async ([job]) => {
            // A job fetched while shutting down is handed back (failed, so pg-boss retries it later) at once:
            // starting it now would outlive the shutdown.
            if (this.shuttingDown) throw new Error('The instance is shutting down; the job runs again later');
            this.inFlight += 1;
            try {
              await def.handler(job.data, job);
            } finally {
              this.inFlight -= 1;
            }
            // pg-boss waits out the polling interval even after finding a job (one job per second per
            // worker); a worker that found work looks for the next job at once instead.
            boss.notifyWorker(workerId);
          },
        );
      }
    }
  }

  async send<T extends object>(queue: string, data: T, opts: SendOptions = {}): Promise<string | null> {
    const boss = await this.start();
    // pg-boss validates present keys, so absent options must be left out rather than undefined.
    const options: PgBoss.SendOptions = {};
    if (opts.startAfter !== undefined) options.startAfter = opts.startAfter;
    if (opts.singletonKey) options.singletonKey = opts.singletonKey;
    if (opts.singletonSeconds !== undefined) options.singletonSeconds = opts.singletonSeconds;
    if (opts.retryLimit !== undefined) options.retryLimit = opts.retryLimit;
    if (opts.em) options.db = this.executor(opts.em);
    return boss.send(queue, data, options);
  }

  async cancel(queue: string, id: string, opts: Pick<SendOptions, 'em'> = {}): Promise<void> {
    const boss = await this.start();
    await boss.cancel(queue, id, opts.em ? { db: this.executor(opts.em) } : undefined);
  }

  private executor(em: EntityManager): PgBoss.Db {
    return {
      executeSql: async (text: string, values: unknown[]) => {
        const rows = await em.query<unknown[]>(text, values);
        return { rows };
      },
    };
  }

  // Before the shutdown hooks close the database pool: running handlers finish with a live pool.
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    // A start still under way when shutdown begins is waited for, so that its instance is stopped too.
    const boss = this.boss ?? (await this.starting?.catch(() => undefined));
    this.boss = undefined;
    this.starting = undefined;
    const busy = this.inFlight > 0;
    // Waits for running handlers, then closes pg-boss's own pool.
    await boss?.stop({ graceful: true, wait: true, timeout: 15_000 });
    for (const until = Date.now() + 15_000; this.inFlight > 0 && Date.now() < until;) await sleep(50);
    // pg-boss checks once a second, after stop() has returned, whether a worker that was busy has exited;
    // waiting out that check keeps its timer from outliving the application (and a test's environment).
    if (busy) await sleep(1100);
    process.off('unhandledRejection', this.onUnhandledRejection);
  }
}
