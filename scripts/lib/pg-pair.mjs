// A PostgreSQL 15 primary and a streaming replica of it (pg_basebackup -R), each its own server on a free
// port in a temporary folder, run as the postgres OS user when the caller runs as root (PostgreSQL refuses
// to run as root). Used by the read replica specs (test/replica.helpers.ts) and the reliability scripts
// (scripts/lib/pg-replica.mjs), which add their own settings. Plain ESM with no project imports but pg,
// so both can load it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

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

/** A port on 127.0.0.1 that was free a moment ago. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One PostgreSQL server in a data folder of its own. */
export class PgServer {
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
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query(text, values)).rows;
    } finally {
      await client.end();
    }
  }
}

/**
 * initdb's a primary (trust, wal_level=replica, plus `settings`), starts it, creates `database` and runs
 * `prepare(primary)`, then clones it with pg_basebackup -R (the clone's postgresql.conf is the primary's,
 * with its own port and `replicaSettings`) and starts the clone as a streaming replica. Resolves with
 * { root, primary, replica, stop() }; `stop()` stops both with `pg_ctl stop -m fast` (`onStopError` hears
 * of a failure to stop) and removes the folder. A failure on the way stops what was started.
 */
export async function startPgPair({
  database,
  settings = [],
  replicaSettings = [],
  prepare,
  onStopError,
} = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-replicas-'));
  if (asRoot) {
    const uid = Number((await exec('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await exec('id', ['-g', 'postgres'])).stdout.trim());
    fs.chownSync(root, uid, gid);
  }
  const primary = new PgServer(path.join(root, 'primary'), await freePort());
  const replica = new PgServer(path.join(root, 'replica'), await freePort());
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await replica.stop().catch((e) => onStopError?.('replica', e));
    await primary.stop().catch((e) => onStopError?.('primary', e));
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
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
    const conf = [
      `port = ${primary.port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${root}'`,
      'wal_level = replica',
      'max_wal_senders = 4',
      'hot_standby = on',
      'fsync = off',
      'max_connections = 200',
      ...settings,
    ];
    fs.appendFileSync(path.join(primary.dir, 'postgresql.conf'), `\n${conf.join('\n')}\n`);
    await primary.start();
    await primary.query('postgres', `CREATE DATABASE "${database}"`);
    await prepare?.(primary);

    // A copy of the running primary that streams from it (-R writes standby.signal and primary_conninfo).
    await pgRun('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', replica.dir],
      ...['-R', '-X', 'stream', '-c', 'fast', '--no-sync'],
    ]);
    fs.appendFileSync(
      path.join(replica.dir, 'postgresql.conf'),
      `\n${[`port = ${replica.port}`, ...replicaSettings].join('\n')}\n`,
    );
    await replica.start();
    const [{ recovery }] = await replica.query(database, 'SELECT pg_is_in_recovery() AS recovery');
    if (!recovery) throw new Error('the replica is not in recovery');
  } catch (e) {
    await stop();
    throw e;
  }
  return { root, primary, replica, stop };
}
