import { type PgServer, startPgPair } from '../scripts/lib/pg-pair.mjs';
import { waitFor } from './helpers';

/** A real PostgreSQL 15 primary and a streaming replica of it (scripts/lib/pg-pair.mjs), for the read replica specs. */
export interface ReplicaPair {
  database: string;
  primary: PgServer;
  replica: PgServer;
  /** Stops applying WAL on the replica (it still receives it) and waits until it has stopped. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the replica has replayed everything the primary had written when called. */
  caughtUp(): Promise<void>;
  /** Stops both servers (pg_ctl stop -m fast) and removes their folder. */
  stop(): Promise<void>;
}

/** Starts a primary with `database` and its streaming replica. */
export async function startReplicaPair(database = 'dateline'): Promise<ReplicaPair> {
  const { primary, replica, stop } = await startPgPair({ database });
  const onReplica = <T>(sql: string, values: unknown[] = []) => replica.query<T>(database, sql, values);
  return {
    database,
    primary,
    replica,
    stop,
    async pauseReplay() {
      await onReplica('SELECT pg_wal_replay_pause()');
      await waitFor(
        async () =>
          (await onReplica<{ state: string }>('SELECT pg_get_wal_replay_pause_state() AS state'))[0].state ===
          'paused',
        15_000,
        'replay to pause',
      );
    },
    async resumeReplay() {
      await onReplica('SELECT pg_wal_replay_resume()');
    },
    async caughtUp() {
      const [{ lsn }] = await primary.query<{ lsn: string }>(
        database,
        'SELECT pg_current_wal_lsn()::text AS lsn',
      );
      await waitFor(
        async () =>
          (await onReplica<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn]))[0]
            .ok,
        30_000,
        `the replica to replay up to ${lsn}`,
      );
    },
  };
}
