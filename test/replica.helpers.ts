import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { waitFor } from './helpers';

/**
 * A real PostgreSQL 15 primary and a streaming replica of it (pg_basebackup -R), each its own server on a
 * free port in a temporary folder, for the read replica specs. The servers run as the postgres OS user
 * (PostgreSQL refuses to run as root); `stop()` stops both with `pg_ctl stop -m fast` and removes the folder.
 */

const BIN = '/usr/lib/postgresql/15/bin';
const exec = promisify(execFile);
const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the postgres OS user when the tests run as root. */
async function pgRun(program: string, args: string[]): Promise<string> {
  const bin = path.join(BIN, program);
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  try {
    const { stdout } = await exec(cmd, argv, { timeout: 120_000, cwd: os.tmpdir() });
    return stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string; stdout?: string };
    throw new Error(
      `${program} ${args.join(' ')} failed: ${err.message}\n${err.stderr ?? ''}${err.stdout ?? ''}`,
      { cause: e },
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class PgServer {
  private running = false;

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    await pgRun('pg_ctl', ['start', '-D', this.dir, '-l', `${this.dir}.log`, '-w', '-t', '120']);
    this.running = true;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    await pgRun('pg_ctl', ['stop', '-D', this.dir, '-m', 'fast', '-w', '-t', '60']);
    this.running = false;
  }

  /** One statement on a connection of its own. */
  async query<T>(database: string, text: string, values: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }
}

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

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await exec('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await exec('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

/** initdb's a primary (trust, wal_level=replica), starts it, creates `database`, then clones and starts a replica. */
export async function startReplicaPair(database = 'dateline'): Promise<ReplicaPair> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-replicas-'));
  if (asRoot) {
    const { uid, gid } = await postgresIds();
    fs.chownSync(root, uid, gid);
  }
  const primary = new PgServer(path.join(root, 'primary'), await freePort());
  const replica = new PgServer(path.join(root, 'replica'), await freePort());
  const stop = async () => {
    await replica.stop().catch(() => undefined);
    await primary.stop().catch(() => undefined);
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
    const settings = [
      `port = ${primary.port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${root}'`,
      'wal_level = replica',
      'max_wal_senders = 4',
      'hot_standby = on',
      'fsync = off',
      'max_connections = 200',
    ];
    fs.appendFileSync(path.join(primary.dir, 'postgresql.conf'), `\n${settings.join('\n')}\n`);
    await primary.start();
    await primary.query('postgres', `CREATE DATABASE "${database}"`);

    // A copy of the running primary that streams from it (-R writes standby.signal and primary_conninfo).
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
  } catch (e) {
    await stop();
    throw e;
  }

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
