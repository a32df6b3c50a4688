// A PostgreSQL 15 primary and a streaming replica of it for the reliability scripts (./pg-pair.mjs), with
// pg_stat_statements loaded on both (so a run can tell which server answered which statements) and
// hot_standby_feedback on the replica (as docs/deployment.md recommends). startReplicaPair registers its
// stop() with onCleanup, so it also runs on failure and on Ctrl-C.
import { startPgPair } from './pg-pair.mjs';
import { onCleanup, sleep } from './harness.mjs';

/**
 * A primary (with pg_stat_statements) and its streaming replica (hot_standby_feedback on), `database`
 * created with the pg_stat_statements extension. Resolves with { database, primary, replica, root, lag(),
 * caughtUp(), stop() }.
 */
export async function startReplicaPair(database = 'dateline', { log = console.log } = {}) {
  const pair = await startPgPair({
    database,
    settings: ["shared_preload_libraries = 'pg_stat_statements'", 'pg_stat_statements.max = 5000'],
    replicaSettings: ['hot_standby_feedback = on'],
    prepare: (primary) => primary.query(database, 'CREATE EXTENSION pg_stat_statements'),
    onStopError: (which, e) => log(`stopping the ${which}: ${e.message}`),
  });
  const { primary, replica, root } = pair;
  const stop = async () => {
    await pair.stop();
    log(`stopped the primary and the replica, removed ${root}`);
  };
  onCleanup(stop);

  /** How far the replica's replay is behind the primary's current WAL position, now (bytes, at most), and
   *  the primary's own view of it (pg_stat_replication.replay_lag, null when idle). */
  const lag = async () => {
    // The replica first: the primary's position read after it makes the difference an upper bound.
    const [{ replayed }] = await replica.query(database, 'SELECT pg_last_wal_replay_lsn()::text AS replayed');
    const [{ lsn }] = await primary.query(database, 'SELECT pg_current_wal_lsn()::text AS lsn');
    const [row] = await primary.query(
      database,
      `SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::bigint::text AS bytes,
              (SELECT extract(epoch FROM replay_lag) * 1000 FROM pg_stat_replication LIMIT 1) AS "replayLagMs"`,
      [lsn, replayed],
    );
    return {
      primaryLsn: lsn,
      replayedLsn: replayed,
      bytes: Number(row.bytes),
      replayLagMs: row.replayLagMs === null ? null : Number(row.replayLagMs),
    };
  };

  /** Waits until the replica has replayed what the primary had written when called; resolves with the ms it took. */
  const caughtUp = async (timeoutMs = 30_000) => {
    const t0 = Date.now();
    const [{ lsn }] = await primary.query(database, 'SELECT pg_current_wal_lsn()::text AS lsn');
    for (;;) {
      const [{ ok }] = await replica.query(database, 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [
        lsn,
      ]);
      if (ok) return Date.now() - t0;
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`the replica did not replay up to ${lsn} in ${timeoutMs} ms`);
      await sleep(20);
    }
  };

  return { database, primary, replica, root, lag, caughtUp, stop };
}

/**
 * Per statement (pg_stat_statements queryid) calls and rows on one server's database, for diffs between
 * two snapshots: Map(queryid -> { calls, rows, query }).
 */
export async function statementCounts(server, database) {
  const rows = await server.query(
    database,
    `SELECT s.queryid::text AS id, s.calls::bigint::text AS calls, s.rows::bigint::text AS rows, s.query
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
      WHERE d.datname = current_database()`,
  );
  return new Map(rows.map((r) => [r.id, { calls: Number(r.calls), rows: Number(r.rows), query: r.query }]));
}

/** pg_stat_database figures of one server's database: committed transactions and rows returned. */
export async function databaseCounts(server, database) {
  const [r] = await server.query(
    database,
    `SELECT xact_commit::text AS xacts, tup_returned::text AS returned
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  return { xacts: Number(r.xacts), returned: Number(r.returned) };
}

/** after − before, per statement, keeping only statements that ran in between. */
export function statementDelta(before, after) {
  const out = new Map();
  for (const [id, a] of after) {
    const b = before.get(id);
    const calls = a.calls - (b?.calls ?? 0);
    if (calls > 0) out.set(id, { calls, rows: a.rows - (b?.rows ?? 0), query: a.query });
  }
  return out;
}
