// A PostgreSQL 15 primary and a streaming replica of it (pg_basebackup -R) for the reliability scripts:
// each its own server on a free port in a temporary folder, run as the postgres OS user when the script
// runs as root (PostgreSQL refuses to run as root). The same set-up as test/replica.helpers.ts, plus
// pg_stat_statements loaded on both (so a run can tell which server answered which statements) and
// hot_standby_feedback on the replica (as docs/deployment.md recommends). `stop()` stops both with
// `pg_ctl stop -m fast` and removes the folder; startReplicaPair registers it with onCleanup, so it
// also runs on failure and on Ctrl-C.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, onCleanup, sleep, withPg } from './harness.mjs';

const BIN = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';
const exec = promisify(execFile);
const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the postgres OS user when this runs as root. */
async function pgRun(program, args) {
  const bin = path.join(BIN, program);
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    const { stdout } = await exec(cmd, argv, { timeout: 120_000, cwd: os.tmpdir() });
    return stdout;
  } catch (e) {
    throw new Error(`${program} ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}${e.stdout ?? ''}`, {
      cause: e,
    });
  }
}

class PgServer {
  constructor(dir, port) {
    this.dir = dir;
    this.port = port;
    this.running = false;
  }

  url(database) {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start() {
    await pgRun('pg_ctl', ['start', '-D', this.dir, '-l', `${this.dir}.log`, '-w', '-t', '120']);
    this.running = true;
  }

  async stop() {
    if (!this.running) return;
    await pgRun('pg_ctl', ['stop', '-D', this.dir, '-m', 'fast', '-w', '-t', '60']);
    this.running = false;
  }

  /** Rows of one statement on a connection of its own. */
  async query(database, text, values = []) {
    return withPg(this.url(database), async (c) => (await c.query(text, values)).rows);
  }
}

/**
 * initdb's a primary (trust, wal_level=replica, pg_stat_statements), starts it, creates `database` (with the
 * pg_stat_statements extension), then clones it with pg_basebackup -R and starts the clone as a streaming
 * replica. Resolves with { database, primary, replica, root, lag(), caughtUp(), stop() }.
 */
export async function startReplicaPair(database = 'dateline', { log = console.log } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-replicas-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    fs.chownSync(root, uid, gid);
  }
  const primary = new PgServer(path.join(root, 'primary'), await freePort());
  const replica = new PgServer(path.join(root, 'replica'), await freePort());
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await replica.stop().catch((e) => log(`stopping the replica: ${e.message}`));
    await primary.stop().catch((e) => log(`stopping the primary: ${e.message}`));
    fs.rmSync(root, { recursive: true, force: true });
    log(`stopped the primary and the replica, removed ${root}`);
  };
  onCleanup(stop);

  await pgRun('initdb', [
    '-D',
    primary.dir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const settings = [
    `port = ${primary.port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${root}'`,
    'wal_level = replica',
    'max_wal_senders = 4',
    'hot_standby = on',
    'hot_standby_feedback = on',
    'fsync = off',
    'max_connections = 200',
    "shared_preload_libraries = 'pg_stat_statements'",
    'pg_stat_statements.max = 5000',
  ];
  fs.appendFileSync(path.join(primary.dir, 'postgresql.conf'), `\n${settings.join('\n')}\n`);
  await primary.start();
  await primary.query('postgres', `CREATE DATABASE "${database}"`);
  await primary.query(database, 'CREATE EXTENSION pg_stat_statements');

  // A copy of the running primary that streams from it (-R writes standby.signal and primary_conninfo);
  // its postgresql.conf is the primary's, so only the port changes.
  await pgRun('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    replica.dir,
    '-R',
    '-X',
    'stream',
    '-c',
    'fast',
    '--no-sync',
  ]);
  fs.appendFileSync(path.join(replica.dir, 'postgresql.conf'), `\nport = ${replica.port}\n`);
  await replica.start();
  const [{ recovery }] = await replica.query(database, 'SELECT pg_is_in_recovery() AS recovery');
  if (!recovery) throw new Error('the replica is not in recovery');

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
