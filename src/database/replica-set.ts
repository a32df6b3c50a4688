import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client, Pool } from 'pg';
import { replicasConfig, type ReplicasConfig } from '../config/configuration';

/** While a replica is behind a newly announced change: how often it is asked again (it replays in milliseconds). */
const CATCH_UP_MS = 5;
const POLL_TIMEOUT_MS = 1_000;
const POLL_SQL = 'SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS lsn';

/** A WAL position as PostgreSQL prints it (`16/B374D848`), as a number that orders like the position. */
export function parseLsn(lsn: string): bigint {
  const m = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(lsn);
  if (!m) throw new Error(`not a WAL position: "${lsn}"`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

/** One streaming replica: its read pool and what its last poll saw. */
export class Replica {
  /** In recovery and answering; false after a failed poll or a failed query, until a poll succeeds. */
  healthy = false;
  /** The WAL position it had replayed at its last successful poll. */
  replayed = 0n;
  poller: Client | null = null;

  constructor(
    /** host:port/database, for logs (no credentials) */
    readonly name: string,
    readonly url: string,
    readonly pool: Pool,
  ) {}
}

export interface ReplicaStatus {
  configured: number;
  /** Answering, in recovery */
  healthy: number;
  /** Healthy and past the newest change, so serving reads now */
  current: number;
}

/**
 * The read replicas of DATABASE_REPLICA_URLS: one pg pool each, a poll every DATABASE_REPLICA_POLL_MS
 * (200 ms) on a connection of its own (`pg_is_in_recovery()`, `pg_last_wal_replay_lsn()`), and `pick()`, which hands out the healthy
 * ones in turn, but only those that have replayed the horizon: the WAL position of the newest change
 * readers must see. The horizon is kept by whoever hears of the changes (the Content API's publication
 * listener); while it is unknown (null) no replica is picked and every read goes to the primary.
 */
@Injectable()
export class ReplicaSet implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ReplicaSet.name);
  readonly replicas: Replica[];
  private next = 0;
  private horizonLsn: bigint | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly pollMs: number;
  /** Polling runs (onModuleInit): only then do catch-up polls run too. */
  private polling = false;
  private catchingUp = false;
  private catchUpUntil = 0;

  constructor(@Inject(replicasConfig.KEY) config: ReplicasConfig) {
    this.pollMs = config.pollMs;
    const timeout = config.statementTimeoutMs;
    this.replicas = config.urls.map((url) => {
      const u = new URL(url);
      const pool = new Pool({
        connectionString: url,
        max: config.poolSize,
        connectionTimeoutMillis: 5000,
        application_name: 'dateline-replica-read',
        // As on the primary's pool; the client-side limit also ends a wait on a replica that stopped answering.
        ...(timeout > 0 ? { statement_timeout: timeout, query_timeout: timeout + 1000 } : {}),
      });
      const replica = new Replica(`${u.hostname}:${u.port || '5432'}${u.pathname}`, url, pool);
      // An idle connection lost (the replica restarted or went away).
      pool.on('error', (err) => this.failed(replica, err));
      return replica;
    });
  }

  get size(): number {
    return this.replicas.length;
  }

  /** The WAL position a replica must have replayed to serve reads; null: unknown, reads go to the primary. */
  get horizon(): bigint | null {
    return this.horizonLsn;
  }

  /** A change at or before `lsn` was announced: replicas serve again once they have replayed it. */
  setHorizon(lsn: bigint): void {
    this.horizonLsn = this.horizonLsn !== null && this.horizonLsn > lsn ? this.horizonLsn : lsn;
    this.catchUp();
  }

  /**
   * Asks the healthy replicas that are behind the horizon again every few milliseconds, until they have
   * replayed it or a poll interval has passed since the last announced change, so that reads go back to
   * them as soon as they can instead of at the next regular poll.
   */
  private catchUp(): void {
    if (!this.polling || this.stopped) return;
    this.catchUpUntil = Date.now() + this.pollMs;
    if (this.catchingUp) return;
    this.catchingUp = true;
    const behind = () => {
      const horizon = this.horizonLsn;
      if (horizon === null || this.stopped || Date.now() > this.catchUpUntil) return [];
      // Only over a poll connection already open: a new one is the regular poll's to make.
      return this.replicas.filter((r) => r.healthy && r.poller !== null && r.replayed < horizon);
    };
    void (async () => {
      try {
        for (let late = behind(); late.length > 0; late = behind()) {
          await Promise.all(late.map((r) => this.poll(r)));
          if (behind().length > 0) await new Promise((r) => setTimeout(r, CATCH_UP_MS));
        }
      } finally {
        this.catchingUp = false;
      }
    })();
  }

  /** The newest change is not known (being looked up, or changes may go unheard): the primary serves. */
  clearHorizon(): void {
    this.horizonLsn = null;
  }

  /** The next replica in turn that is healthy and has replayed the horizon; null: read on the primary. */
  pick(): Replica | null {
    const horizon = this.horizonLsn;
    if (horizon === null) return null;
    const n = this.replicas.length;
    for (let i = 0; i < n; i++) {
      const replica = this.replicas[(this.next + i) % n];
      if (replica.healthy && replica.replayed >= horizon) {
        this.next = (this.next + i + 1) % n;
        return replica;
      }
    }
    return null;
  }

  /** A query failed on the replica: it is not used again until a poll succeeds. */
  failed(replica: Replica, err: unknown): void {
    if (!replica.healthy) return;
    replica.healthy = false;
    this.logger.warn({ err, replica: replica.name }, 'Read replica failed a query; reading on the primary');
  }

  status(): ReplicaStatus {
    const horizon = this.horizonLsn;
    const healthy = this.replicas.filter((r) => r.healthy);
    return {
      configured: this.replicas.length,
      healthy: healthy.length,
      current: horizon === null ? 0 : healthy.filter((r) => r.replayed >= horizon).length,
    };
  }

  async onModuleInit(): Promise<void> {
    if (this.replicas.length === 0) return;
    this.polling = true;
    await this.pollAll();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(
      this.replicas.map(async (r) => {
        const poller = r.poller;
        r.poller = null;
        r.healthy = false;
        await poller?.end().catch(() => undefined);
        await r.pool.end().catch(() => undefined);
      }),
    );
  }

  private async pollAll(): Promise<void> {
    await Promise.all(this.replicas.map((r) => this.poll(r)));
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.pollAll(), this.pollMs);
    this.timer.unref();
  }

  private async poll(replica: Replica): Promise<void> {
    try {
      replica.poller ??= await this.connect(replica);
      const { rows } = await replica.poller.query<{ recovery: boolean; lsn: string | null }>(POLL_SQL);
      const [{ recovery, lsn }] = rows;
      if (!recovery || lsn === null) {
        this.mark(replica, false, 'it is not in recovery (not a streaming replica, or promoted)');
        return;
      }
      replica.replayed = parseLsn(lsn);
      this.mark(replica, true);
    } catch (err) {
      const poller = replica.poller;
      replica.poller = null;
      void poller?.end().catch(() => undefined);
      this.mark(replica, false, err);
    }
  }

  private async connect(replica: Replica): Promise<Client> {
    const client = new Client({
      connectionString: replica.url,
      connectionTimeoutMillis: POLL_TIMEOUT_MS,
      query_timeout: POLL_TIMEOUT_MS,
      application_name: 'dateline-replica-poll',
    });
    client.on('error', () => {
      if (replica.poller === client) replica.poller = null;
      void client.end().catch(() => undefined);
    });
    try {
      await client.connect();
    } catch (err) {
      void client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      throw new Error('shutting down');
    }
    return client;
  }

  private mark(replica: Replica, healthy: boolean, why?: unknown): void {
    if (this.stopped || replica.healthy === healthy) return;
    replica.healthy = healthy;
    if (healthy) this.logger.log({ replica: replica.name }, 'Read replica healthy');
    else if (typeof why === 'string')
      this.logger.warn({ replica: replica.name }, `Read replica unhealthy: ${why}`);
    else this.logger.warn({ err: why, replica: replica.name }, 'Read replica unhealthy: its poll failed');
  }
}
