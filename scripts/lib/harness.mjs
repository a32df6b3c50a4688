// Shared pieces of the reliability scripts (crash-test, outage-test, soak): child processes tracked by pid
// and always stopped, throw-away databases, a webhook receiver, timed HTTP calls and percentiles.
// Plain Node ESM; traffic goes to 127.0.0.1 only.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const requireProject = createRequire(path.join(PROJECT, 'package.json'));
const { Client } = requireProject('pg');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();

export function logger(tag) {
  return (...a) => console.log(`[${tag} ${new Date().toISOString().slice(11, 23)}]`, ...a);
}

// ---- processes: every child is tracked by pid and stopped on the way out --------------------------

const children = new Map(); // pid -> name
let cleanups = [];

export function track(name, child) {
  children.set(child.pid, name);
  child.once('exit', () => children.delete(child.pid));
  return child;
}

/** Runs `fn` at the very end (after the children are stopped), also on failure and on Ctrl-C. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

export function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the pid, SIGKILL after graceMs if it is still there; resolves once it is gone. */
export async function stopPid(pid, graceMs = 10_000) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const end = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < end) await sleep(50);
  if (pidAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
    while (pidAlive(pid)) await sleep(20);
  }
}

export async function stopAll(log = console.log) {
  // Newest first: the app goes before the database it uses.
  for (const [pid, name] of [...children.entries()].reverse()) {
    log(`stopping ${name} (pid ${pid})`);
    await stopPid(pid);
  }
  const fns = cleanups;
  cleanups = [];
  for (const fn of fns.reverse()) {
    try {
      await fn();
    } catch (e) {
      log(`cleanup failed: ${e?.message ?? e}`);
    }
  }
}

/** Runs main(); whatever happens, stops every child by pid and runs the cleanups, with a hard deadline. */
export function runMain(main, { deadlineMs, log = console.log }) {
  let finishing = false;
  const finish = async (code) => {
    if (finishing) return;
    finishing = true;
    await stopAll(log).catch(() => undefined);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      log(`${signal}: stopping`);
      void finish(130);
    });
  }
  const timer = setTimeout(() => {
    log(`hard deadline of ${Math.round(deadlineMs / 1000)} s reached: stopping`);
    void finish(2);
  }, deadlineMs);
  timer.unref();
  main().then(
    (ok) => finish(ok === false ? 1 : 0),
    (e) => {
      console.error(e);
      void finish(1);
    },
  );
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---- the app ----------------------------------------------------------------------------------------

export const JWT_SECRET = 'reliability-only-secret-0123456789abcdefghijklmnop';
export const ADMIN = { email: 'admin@reliability.test', password: 'reliability-admin-password' };

export function appEnv(databaseUrl, port, extra = {}) {
  return {
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    JWT_SECRET,
    JWT_EXPIRES_IN: '86400',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    WEBHOOK_ALLOW_PRIVATE: 'true',
    LOGIN_RATE_LIMIT_PER_IP: '100000',
    LOGIN_RATE_LIMIT_PER_EMAIL: '100000',
    RATE_LIMIT_ANON_PER_MINUTE: '100000000',
    RATE_LIMIT_KEY_PER_MINUTE: '100000000',
    REDIS_URL: '',
    DATA_DIR: path.join(os.tmpdir(), 'dateline-reliability-data'),
    ...extra,
  };
}

let distSnapshot;
/**
 * A private copy of dist/ (other work may rebuild the shared one while a run restarts the app), with
 * node_modules linked next to it. Retries while dist/ is incomplete (a build in progress).
 */
export async function snapshotDist(log = console.log) {
  if (distSnapshot) return distSnapshot;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-dist-'));
  onCleanup(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.symlinkSync(path.join(PROJECT, 'node_modules'), path.join(root, 'node_modules'));
  const src = path.join(PROJECT, 'dist');
  const dst = path.join(root, 'dist');
  for (let attempt = 1; ; attempt++) {
    if (!fs.existsSync(path.join(src, 'main.js'))) {
      if (attempt > 30) throw new Error(`${src}/main.js is missing: run \`npm run build\` first`);
    } else {
      fs.rmSync(dst, { recursive: true, force: true });
      try {
        fs.cpSync(src, dst, { recursive: true });
        // Loads every module once: fails when the copy caught a build half-way.
        execFileSync(
          process.execPath,
          ['-e', `require(${JSON.stringify(path.join(dst, 'app.module.js'))})`],
          {
            stdio: 'ignore',
            cwd: root,
            timeout: 60_000,
          },
        );
        distSnapshot = path.join(dst, 'main.js');
        log(`using a copy of dist/ in ${root}`);
        return distSnapshot;
      } catch {
        if (attempt > 30) throw new Error('dist/ does not load: run `npm run build`');
      }
    }
    await sleep(2000);
  }
}

/** The V8 heap cap the server runs with in production (the Dockerfile, `npm start`); HARNESS_HEAP_MB overrides. */
const SERVER_HEAP_MB = Number(process.env.HARNESS_HEAP_MB ?? 192);

/**
 * Starts `node dist/main.js` (the snapshot of it) with env; resolves with { pid, child, exited } once /health/ready answers 200.
 * The output goes to logFile (appended, so restarts keep one log).
 */
export async function startApp(name, env, { logFile, timeoutMs = 90_000 } = {}) {
  const main = await snapshotDist();
  const out = fs.openSync(logFile, 'a');
  const child = track(
    name,
    spawn(process.execPath, [`--max-old-space-size=${SERVER_HEAP_MB}`, main], {
      cwd: path.dirname(path.dirname(main)),
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
    }),
  );
  fs.closeSync(out);
  const state = { pid: child.pid, child, exited: null, startedAt: now() };
  child.once('exit', (code, signal) => {
    state.exited = signal ?? `exit ${code}`;
  });
  const base = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (state.exited)
      throw new Error(`${name} stopped (${state.exited}) before it was ready; see ${logFile}`);
    const r = await httpGet(`${base}/health/ready`, 1000).catch(() => null);
    if (r?.status === 200) {
      state.readyMs = now() - state.startedAt;
      return state;
    }
    await sleep(100);
  }
  throw new Error(`${name} not ready after ${timeoutMs / 1000} s; see ${logFile}`);
}

export async function httpGet(url, timeoutMs = 5000) {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await r.arrayBuffer();
  return r;
}

/**
 * A JSON client for one base URL (or several, taken round-robin). Every call resolves (never throws) with
 * { status, body, headers, ms, error } — status 0 for a network error or a timeout.
 */
export function api(bases, token, { timeoutMs = 15_000 } = {}) {
  const list = Array.isArray(bases) ? bases : [bases];
  let next = 0;
  const call = async (method, url, body, headers = {}) => {
    const base = list[next++ % list.length];
    const t0 = now();
    try {
      const res = await fetch(base + url, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let json;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, body: json, headers: res.headers, ms: now() - t0, base };
    } catch (e) {
      const code = e?.cause?.code ?? e?.name ?? 'error';
      return { status: 0, error: String(code), ms: now() - t0, base };
    }
  };
  return {
    get: (u, h) => call('GET', u, undefined, h),
    post: (u, b, h) => call('POST', u, b ?? {}, h),
    patch: (u, b, h) => call('PATCH', u, b, h),
    del: (u, h) => call('DELETE', u, undefined, h),
  };
}

export async function login(base, email = ADMIN.email, password = ADMIN.password) {
  const r = await api(base).post('/api/v1/auth/login', { email, password });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body ?? r.error)}`);
  return r.body.accessToken;
}

export const ifMatch = (v) => ({ 'if-match': `"${v}"` });

/** Resident set size of a process in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// ---- databases ---------------------------------------------------------------------------------------

export const SERVER_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export function dbUrl(serverUrl, name) {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withPg(url, fn) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Creates a throw-away database on the server and registers its drop for the end of the run. */
export async function throwAwayDatabase(prefix, { keep = false, log = console.log } = {}) {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  await withPg(SERVER_URL, (c) => c.query(`CREATE DATABASE "${name}"`));
  if (!keep) {
    onCleanup(async () => {
      await withPg(SERVER_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      log(`dropped database ${name}`);
    });
  } else log(`keeping database ${name}`);
  return { name, url: dbUrl(SERVER_URL, name) };
}

/**
 * When the server runs with autovacuum off (this machine's shared PostgreSQL does), nothing ever analyzes
 * the throw-away database and the planner keeps guessing one row per table. Production runs autovacuum,
 * so the scripts stand in for its auto-analyze: ANALYZE every intervalMs. Returns a stop function.
 */
export async function analyzeLikeAutovacuum(url, { intervalMs = 20_000, log = console.log } = {}) {
  const on = await withPg(url, async (c) => (await c.query('SHOW autovacuum')).rows[0].autovacuum === 'on');
  if (on) return () => undefined;
  log(`autovacuum is off on this server: running ANALYZE every ${intervalMs / 1000} s instead`);
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    withPg(url, (c) => c.query('ANALYZE'))
      .catch(() => undefined)
      .finally(() => (running = false));
  }, intervalMs);
  const stop = () => clearInterval(timer);
  onCleanup(stop);
  return stop;
}

// ---- the webhook receiver --------------------------------------------------------------------------

/**
 * A local webhook receiver recording every delivery: its Dateline-Delivery id, the event id of the body,
 * when it arrived. `answer(req)` may delay or choose the status (default 200 at once).
 */
export async function startReceiver({ answer } = {}) {
  const state = {
    requests: 0,
    byDelivery: new Map(), // delivery id -> { eventId, count, firstAt, type, articleId }
    byEvent: new Map(), // event id -> Set(delivery ids)
    arrivals: [], // { at, deliveryId, eventId, occurredAt, articleId, version }
  };
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      const at = Date.now();
      let body = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        /* recorded without a body */
      }
      const deliveryId = String(req.headers['dateline-delivery'] ?? '');
      const d = state.byDelivery.get(deliveryId);
      if (d) d.count++;
      else
        state.byDelivery.set(deliveryId, {
          eventId: body.id,
          count: 1,
          firstAt: at,
          type: body.type,
          articleId: body.articleId,
        });
      if (!state.byEvent.has(body.id)) state.byEvent.set(body.id, new Set());
      state.byEvent.get(body.id).add(deliveryId);
      state.arrivals.push({
        at,
        deliveryId,
        eventId: body.id,
        occurredAt: Date.parse(body.occurredAt),
        articleId: body.articleId ?? null,
        version: body.version ?? null,
      });
      void Promise.resolve(answer ? answer(req, body) : 200).then((status) => {
        if (!res.destroyed) res.writeHead(status).end();
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  state.url = `http://127.0.0.1:${port}/hooks`;
  state.close = () =>
    new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  onCleanup(state.close);
  return state;
}

/** Duplicates seen by a receiver: extra receptions of one delivery id, and events with several ids. */
export function receiverStats(rx) {
  let duplicates = 0;
  for (const d of rx.byDelivery.values()) duplicates += d.count - 1;
  let eventsWithSeveralIds = 0;
  for (const ids of rx.byEvent.values()) if (ids.size > 1) eventsWithSeveralIds++;
  return { requests: rx.requests, deliveryIds: rx.byDelivery.size, duplicates, eventsWithSeveralIds };
}

// ---- figures -----------------------------------------------------------------------------------------

export function percentile(values, p) {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

/** The largest value (null for none); safe for arrays too long to spread. */
export function maxOf(values) {
  let m = null;
  for (const v of values) if (v !== null && v !== undefined && (m === null || v > m)) m = v;
  return m;
}

export const fmt = (n, d = 0) => (n === null || n === undefined ? '–' : Number(n).toFixed(d));

export function countBy(items, key) {
  const out = {};
  for (const it of items) {
    const k = typeof key === 'function' ? key(it) : it[key];
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Prints a markdown table (also pasteable into docs/reliability.md). */
export function table(headers, rows) {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

export async function machine(pgUrl = SERVER_URL) {
  const cpu =
    (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m) || [])[1] ||
    os.cpus()[0]?.model;
  const postgres = await withPg(
    pgUrl,
    async (c) => (await c.query('SHOW server_version')).rows[0].server_version,
  ).catch(() => 'unknown');
  let redis = '';
  try {
    redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1] ?? '';
  } catch {
    /* not installed */
  }
  return {
    nproc: os.availableParallelism(),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    cpu,
    node: process.version,
    postgres,
    ...(redis ? { redis } : {}),
  };
}

export function seededRandom(seed) {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
