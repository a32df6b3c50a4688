import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, QueryConfig, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { type Replica, ReplicaSet } from '../database/replica-set';

/**
 * Where one read ran: on a replica (and the WAL position that replica had replayed when the read
 * started), or on the primary (`replica` null). A read that began on a replica and met a failure there
 * finished on the primary; `replayed` still tells what its first answers were read at.
 */
export interface ReadSource {
  replica: Replica | null;
  replayed: bigint | null;
}

const PRIMARY: ReadSource = Object.freeze({ replica: null, replayed: null });

/** SQLSTATE class 22 (data exception): the statement's own values were refused; any server would refuse them. */
const refusedForItsValues = (err: unknown): boolean =>
  typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('22');

/**
 * The Content API's access to PostgreSQL: plain parameterized queries on the application's pg pool (the
 * one TypeORM opened) or, with DATABASE_REPLICA_URLS, on a read replica, without the ORM's per-query work.
 * Queries select text columns (`document::text`), so the rows come back as ready JSON text and are sent
 * without a parse/stringify.
 *
 * A replica serves a query only while it has replayed the newest publication change (`ReplicaSet.pick`).
 * A query that fails on a replica (for any reason but its own values) marks the replica unhealthy and is
 * run again on the primary.
 */
@Injectable()
export class ContentDb {
  private readonly names = new Map<string, string>();
  private readonly reading = new AsyncLocalStorage<{ source: ReadSource }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly replicas: ReplicaSet,
  ) {}

  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  /**
   * Runs one read (every query `fn` makes) on one place chosen now: the next replica that has replayed
   * the newest change, else the primary. Tells where, for the read cache to judge the answer by.
   */
  async read<T>(fn: () => Promise<T>): Promise<{ value: T; source: ReadSource }> {
    if (this.replicas.size === 0) return { value: await fn(), source: PRIMARY };
    const replica = this.replicas.pick();
    const state = { source: replica ? { replica, replayed: replica.replayed } : PRIMARY };
    const value = await this.reading.run(state, fn);
    return { value, source: state.source };
  }

  /**
   * Runs a query: on the place its read was given (see `read`), else on a replica picked for it alone.
   * `prepared` names the statement so PostgreSQL parses and plans it once per connection; use it only
   * for shapes whose best plan does not depend on the values (lookups by key).
   */
  async rows<T extends QueryResultRow>(text: string, values: unknown[], prepared = false): Promise<T[]> {
    const query = this.query(text, values, prepared);
    if (this.replicas.size === 0) return (await this.pool.query<T>(query)).rows;
    const state = this.reading.getStore();
    const replica = state ? state.source.replica : this.replicas.pick();
    if (replica) {
      try {
        return (await replica.pool.query<T>(query)).rows;
      } catch (err) {
        if (refusedForItsValues(err)) throw err;
        this.replicas.failed(replica, err);
        // The rest of the read goes to the primary too.
        if (state) state.source = { replica: null, replayed: state.source.replayed };
      }
    }
    return (await this.pool.query<T>(query)).rows;
  }

  /** Runs a query on the primary, whatever the replicas: for reads whose rules need the newest commits. */
  async primaryRows<T extends QueryResultRow>(
    text: string,
    values: unknown[],
    prepared = false,
  ): Promise<T[]> {
    return (await this.pool.query<T>(this.query(text, values, prepared))).rows;
  }

  private query(text: string, values: unknown[], prepared: boolean): QueryConfig {
    let name: string | undefined;
    if (prepared) {
      name = this.names.get(text);
      if (name === undefined) {
        name = `content_${this.names.size}`;
        this.names.set(text, name);
      }
    }
    return { text, values, name };
  }
}
