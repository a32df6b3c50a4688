#!/usr/bin/env node
// `npm run bench`: Dateline's Content API against the yardstick baseline (../shared/bench), same
// dataset, same session, alternating runs. Plain Node ESM so it runs without a build step of its own.
//
//   node bench/run.mjs [--articles 10000] [--repeat 3] [--duration 20] [--warmup 10] [--connections 32]
//                      [--skip-load] [--skip-build] [--no-read-cache] [--only A,B,C,D] [--concurrency 8]
//                      [--servers baseline,dateline]   (one of them alone: a partial run)
//
// Steps: (a) generate the dataset; (b) create a fresh `dateline_bench_<N>` database and load the dataset
// through Dateline's own services (`node bench/load.cjs`); (c) load the baseline into a
// `baseline_<N>` database, start both servers, run ../shared/bench/bench.mjs alternately (baseline,
// dateline, baseline, …) appending JSON lines to bench/results/<date>.jsonl; (d) print medians and
// ratios recomputed from that file. Every process started here is stopped at the end, on failure and
// on Ctrl-C.
//
// Env: BENCH_SHARED (default ../shared/bench), BENCH_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres: the server where both databases are created),
// BENCH_ROOT (default /tmp/dateline-bench; each size in <root>/<N>), BENCH_BASELINE_PORT (3900), BENCH_DATELINE_PORT (3910).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The V8 heap cap Dateline runs with in production (see the Dockerfile): the live set is small, and without
// a cap V8 lets garbage grow the process past the 250 MB target under load.
const DATELINE_HEAP_MB = Number(process.env.BENCH_DATELINE_HEAP_MB ?? 192);
import { parseArgs } from 'node:util';
import { SCENARIO_PATHS, datelinePage10Path } from './lib/scenarios.mjs';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(PROJECT, 'package.json'));
const { Client } = require('pg');

const { values: opt } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    repeat: { type: 'string', default: '3' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    concurrency: { type: 'string', default: '8' },
    only: { type: 'string', default: 'A,B,C,D' },
    servers: { type: 'string', default: 'baseline,dateline' },
    'skip-load': { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'no-read-cache': { type: 'boolean', default: false },
    'bulk-load': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (opt.help) {
  console.log(
    fs
      .readFileSync(fileURLToPath(import.meta.url), 'utf8')
      .split('\n')
      .slice(1, 18)
      .join('\n'),
  );
  process.exit(0);
}
const positiveInt = (name) => {
  const n = Number(opt[name]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be a positive integer (got ${opt[name]})`);
  return n;
};
const ARTICLES = positiveInt('articles');
const REPEAT = positiveInt('repeat');
const DURATION = positiveInt('duration');
const WARMUP = Number(opt.warmup);
const CONNECTIONS = positiveInt('connections');
const CONCURRENCY = positiveInt('concurrency');
const ONLY = opt.only.split(',').map((s) => s.trim().toUpperCase());
const SERVERS = opt.servers.split(',').map((s) => s.trim());
if (SERVERS.length === 0 || SERVERS.some((s) => s !== 'baseline' && s !== 'dateline')) {
  throw new Error(`--servers takes baseline and/or dateline (got ${opt.servers})`);
}

const SHARED = path.resolve(PROJECT, process.env.BENCH_SHARED || '../shared/bench');
// Each dataset size has its own folder and databases, so a 10k and a 200k run can be repeated with
// --skip-load without reloading the other (200k articles take about half an hour to load).
const BENCH_ROOT = path.join(process.env.BENCH_ROOT || '/tmp/dateline-bench', String(ARTICLES));
const DATASET = path.join(BENCH_ROOT, 'data', 'dataset.json');
const SERVER_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const dbUrl = (name) => {
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
};
const DATELINE_DB = `dateline_bench_${ARTICLES}`;
const BASELINE_DB = `baseline_${ARTICLES}`;
const BASELINE_PORT = Number(process.env.BENCH_BASELINE_PORT || 3900);
const DATELINE_PORT = Number(process.env.BENCH_DATELINE_PORT || 3910);
const RESULTS = path.join(PROJECT, 'bench', 'results');
// The yardstick's scripts run unmodified; the preload lets them write and read a dataset too large for one
// JSON string (200k articles), and the larger heap holds such a dataset in memory as they expect.
const YARDSTICK_NODE_ARGS = [
  '--import',
  pathToFileURL(path.join(PROJECT, 'bench', 'large-dataset.mjs')).href,
  ...(ARTICLES > 50_000 ? ['--max-old-space-size=8192'] : []),
];
const JSONL = path.join(RESULTS, `${new Date().toISOString().slice(0, 10)}.jsonl`);

const PATHS = SCENARIO_PATHS;

// ---- processes: every child is tracked by pid and stopped on the way out ------------------------

const children = new Map(); // pid -> { name, child }
const log = (...a) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

function track(name, child) {
  children.set(child.pid, { name, child });
  child.once('exit', () => children.delete(child.pid));
  return child;
}

async function stopAll() {
  const alive = [...children.entries()];
  for (const [pid, { name }] of alive) {
    log(`stopping ${name} (pid ${pid})`);
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + 10_000;
  while (children.size > 0 && Date.now() < deadline) await sleep(100);
  for (const [pid, { name }] of children) {
    log(`killing ${name} (pid ${pid})`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs a command to completion (output streamed), failing on a non-zero exit or after timeoutMs. */
function run(name, cmd, args, { env = {}, timeoutMs, cwd = PROJECT, capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = track(
      name,
      spawn(cmd, args, {
        cwd,
        env: { ...process.env, ...env },
        stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
      }),
    );
    let out = '';
    if (capture)
      child.stdout.on('data', (d) => {
        out += d;
        process.stdout.write(d);
      });
    const timer = setTimeout(() => {
      log(`${name}: no result after ${Math.round(timeoutMs / 1000)} s, stopping it`);
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${name} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** Starts a server in the background; resolves once `ready()` holds, fails if it exits first. */
async function startServer(name, cmd, args, env, ready, timeoutMs = 120_000) {
  const logFile = path.join(BENCH_ROOT, `${name}.log`);
  const out = fs.openSync(logFile, 'w');
  const child = track(
    name,
    spawn(cmd, args, { cwd: PROJECT, env: { ...process.env, ...env }, stdio: ['ignore', out, out] }),
  );
  fs.closeSync(out);
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = signal ?? `exit ${code}`;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${name} stopped (${exited}); see ${logFile}`);
    if (await ready().catch(() => false)) {
      log(`${name} ready (pid ${child.pid}, log ${logFile})`);
      return child.pid;
    }
    await sleep(250);
  }
  throw new Error(`${name} not ready after ${timeoutMs / 1000} s; see ${logFile}`);
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function httpOk(url) {
  const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await r.arrayBuffer();
  return r.ok;
}

// ---- database helpers -----------------------------------------------------------------------------

async function withPg(url, fn) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function freshDatabase(name) {
  await withPg(SERVER_URL, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
}

// ---- machine ------------------------------------------------------------------------------------

async function machine() {
  const cpu =
    (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m) || [])[1] ||
    os.cpus()[0]?.model;
  let mem = '';
  try {
    mem = execFileSync('free', ['-g'], { encoding: 'utf8' }).trim();
  } catch {
    mem = `${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  }
  const pg = await withPg(
    SERVER_URL,
    async (c) => (await c.query('SHOW server_version')).rows[0].server_version,
  );
  return { nproc: os.availableParallelism(), cpu, mem, node: process.version, postgres: pg };
}

// ---- steps --------------------------------------------------------------------------------------

async function generate() {
  log(`(a) dataset: ${ARTICLES} articles -> ${DATASET}`);
  await run(
    'gen-dataset',
    process.execPath,
    [...YARDSTICK_NODE_ARGS, path.join(SHARED, 'gen-dataset.mjs'), '--articles', String(ARTICLES)],
    {
      env: { BENCH_ROOT },
      timeoutMs: 10 * 60_000,
    },
  );
}

async function loadDateline() {
  log(
    `(b) fresh database ${DATELINE_DB}; loading through Dateline's services (${opt['bulk-load'] ? 'articles as an archive import' : `${CONCURRENCY} at a time`})`,
  );
  await freshDatabase(DATELINE_DB);
  const t0 = Date.now();
  await run(
    'bench loader',
    process.execPath,
    [
      path.join(PROJECT, 'bench', 'load.cjs'),
      DATASET,
      '--concurrency',
      String(CONCURRENCY),
      ...(opt['bulk-load'] ? ['--bulk'] : []),
    ],
    {
      env: datelineEnv(),
      // Generous: about 100 articles/s on 2 cores at 8 at a time, so 10k take ~2 min and 200k ~35 min.
      timeoutMs: Math.max(10 * 60_000, ARTICLES * 50),
    },
  );
  await withPg(dbUrl(DATELINE_DB), (c) => c.query('VACUUM ANALYZE'));
  log(`(b) loaded in ${((Date.now() - t0) / 1000).toFixed(0)} s (VACUUM ANALYZE done, as for the baseline)`);
}

/**
 * Publishing queues webhook dispatch work only when a webhook receives the event; the benchmark's database
 * has none, so loading it must leave nothing for the server to work off while it is measured (before, every
 * publish queued a job: 200k of them at 200k articles). Checked, not assumed.
 */
async function checkNoDispatchBacklog() {
  await withPg(dbUrl(DATELINE_DB), async (c) => {
    const { webhooks, queued } = (
      await c.query(
        `SELECT (SELECT count(*)::int FROM webhook) AS webhooks,
                (SELECT count(*)::int FROM webhook_dispatch_queue) AS queued`,
      )
    ).rows[0];
    if (webhooks > 0 || queued > 0)
      throw new Error(`${DATELINE_DB} has ${webhooks} webhook(s) and ${queued} event(s) queued for dispatch`);
    log('(b) no webhook, nothing queued for dispatch');
  });
}

async function loadBaseline() {
  log(`(c) fresh database ${BASELINE_DB}; loading the baseline schema`);
  await freshDatabase(BASELINE_DB);
  await run(
    'load-baseline',
    process.execPath,
    [...YARDSTICK_NODE_ARGS, path.join(SHARED, 'baseline', 'load-baseline.mjs')],
    {
      env: baselineEnv(),
      timeoutMs: Math.max(10 * 60_000, ARTICLES * 20),
    },
  );
}

function datelineEnv() {
  return {
    DATABASE_URL: dbUrl(DATELINE_DB),
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'bench-only-secret-0123456789abcdefghijklmnopqrstuv',
    DATA_DIR: path.join(BENCH_ROOT, 'dateline-data'),
    HOST: '127.0.0.1',
    PORT: String(DATELINE_PORT),
    // One client machine makes every request: the per-IP limit must not get in the way.
    RATE_LIMIT_ANON_PER_MINUTE: '100000000',
    CONTENT_API_PUBLIC: 'true',
    REDIS_URL: '',
    // `--no-read-cache` measures every request against PostgreSQL (the in-process cache off).
    CONTENT_READ_CACHE: opt['no-read-cache'] ? 'false' : 'true',
  };
}

function baselineEnv() {
  return {
    BENCH_ROOT,
    BASELINE_DATABASE_URL: dbUrl(BASELINE_DB),
    PORT: String(BASELINE_PORT),
    HOST: '127.0.0.1',
    MODE: 'doc',
  };
}

async function benchOnce(label, port, pid, paths) {
  const args = [
    ...YARDSTICK_NODE_ARGS,
    path.join(SHARED, 'bench.mjs'),
    '--base',
    `http://127.0.0.1:${port}`,
    '--pid',
    String(pid),
    '--label',
    label,
    '--json',
    JSONL,
    '--connections',
    String(CONNECTIONS),
    '--warmup',
    String(WARMUP),
    '--duration',
    String(DURATION),
    '--repeat',
    '1',
  ];
  for (const s of ONLY) if (paths[s]) args.push(`--${s}`, paths[s]);
  log(`${label}: ${ONLY.filter((s) => paths[s]).join(',')} (${WARMUP} s warm-up + ${DURATION} s each)`);
  const scenarios = ONLY.filter((s) => paths[s]).length;
  await run(`bench.mjs ${label}`, process.execPath, args, {
    env: { BENCH_ROOT },
    timeoutMs: (scenarios * (WARMUP + DURATION) + 120) * 1000,
  });
}

// ---- (d) the table, recomputed from the JSON lines ------------------------------------------------

const median = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function table(since) {
  const rows = fs
    .readFileSync(JSONL, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.at >= since);
  const pick = (label, s) => rows.filter((r) => r.label === label && r.scenario === s);
  // The targets: without the read cache A ≥ 0.8× and B–D ≥ 1.0× the baseline; with it A ≥ 2×.
  const TARGET = opt['no-read-cache'] ? { A: 0.8, B: 1, C: 1, D: 1 } : { A: 2, B: 1, C: 1, D: 1 };
  const fmt = (n, d = 0) => (n === null || n === undefined ? '–' : Number(n).toFixed(d));
  const lines = [
    '| scenario | baseline req/s | dateline req/s | ratio (target) | baseline p99 ms | dateline p99 ms | dateline errors | dateline peak RSS MB | runs b+d |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of ['A', 'B', 'C', 'D']) {
    const b = pick('baseline', s);
    const d = pick('dateline', s);
    if (b.length === 0 && d.length === 0) continue;
    const peak = Math.max(0, ...d.map((r) => Math.max(r.rss_mb ?? 0, r.hwm_mb ?? 0)));
    const br = median(b.map((r) => r.req_per_s));
    const dr = median(d.map((r) => r.req_per_s));
    const ratio = br && dr !== null ? dr / br : null;
    const ok = ratio === null ? '' : ratio >= TARGET[s] ? ' ✓' : ' ✗';
    lines.push(
      `| ${s} | ${fmt(br)} | ${fmt(dr)} | ${fmt(ratio, 2)} (≥ ${TARGET[s]})${ok} | ${fmt(median(b.map((r) => r.p99_ms)))} | ${fmt(median(d.map((r) => r.p99_ms)))} | ${d.length ? d.reduce((n, r) => n + r.errors, 0) : '–'} | ${d.length ? fmt(peak) : '–'} | ${b.length}+${d.length} |`,
    );
  }
  return lines.join('\n');
}

// ---- main ---------------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.mkdirSync(BENCH_ROOT, { recursive: true });
  const m = await machine();
  log(`machine: ${m.nproc} cores, ${m.cpu}, Node ${m.node}, PostgreSQL ${m.postgres}`);
  for (const port of [BASELINE_PORT, DATELINE_PORT]) {
    if (!(await portFree(port)))
      throw new Error(`port ${port} is in use (set BENCH_BASELINE_PORT / BENCH_DATELINE_PORT)`);
  }
  if (!opt['skip-build']) {
    log('build (nest build)');
    await run('build', process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], {
      timeoutMs: 5 * 60_000,
    });
  }
  if (!fs.existsSync(path.join(PROJECT, 'dist', 'main.js')))
    throw new Error('dist/main.js is missing: run npm run build');

  if (opt['skip-load']) {
    if (!fs.existsSync(DATASET)) throw new Error(`--skip-load needs ${DATASET}`);
    const ds = JSON.parse(fs.readFileSync(DATASET, 'utf8'));
    const articles = ds.meta?.counts?.articles ?? ds.articles.length;
    const n = await withPg(
      dbUrl(DATELINE_DB),
      async (c) => (await c.query('SELECT count(*)::int AS n FROM publication')).rows[0].n,
    );
    if (n !== articles)
      throw new Error(`--skip-load: ${DATELINE_DB} has ${n} publications, the dataset ${articles} articles`);
    log(`(a, b) skipped: reusing ${DATASET} and ${DATELINE_DB} (${n} articles)`);
    await checkNoDispatchBacklog();
  } else {
    await generate();
    await loadDateline();
    await checkNoDispatchBacklog();
    await loadBaseline();
  }

  log(`(c) starting the servers: ${SERVERS.join(', ')}`);
  const withBaseline = SERVERS.includes('baseline');
  const withDateline = SERVERS.includes('dateline');
  const baselinePid = withBaseline
    ? await startServer(
        'baseline',
        process.execPath,
        [path.join(SHARED, 'baseline', 'server.mjs')],
        baselineEnv(),
        () => httpOk(`http://127.0.0.1:${BASELINE_PORT}/api/v1/content/articles?limit=1`),
      )
    : null;
  const datelinePid = withDateline
    ? await startServer(
        'dateline',
        process.execPath,
        [`--max-old-space-size=${DATELINE_HEAP_MB}`, 'dist/main.js'],
        datelineEnv(),
        () => httpOk(`http://127.0.0.1:${DATELINE_PORT}/health/ready`),
      )
    : null;

  const datelinePaths = { ...PATHS.dateline };
  if (withDateline && ONLY.includes('C'))
    datelinePaths.C = await datelinePage10Path(`http://127.0.0.1:${DATELINE_PORT}`);

  const since = new Date().toISOString();
  for (let round = 1; round <= REPEAT; round++) {
    log(`(c) round ${round}/${REPEAT}`);
    if (withBaseline) await benchOnce('baseline', BASELINE_PORT, baselinePid, PATHS.baseline);
    if (withDateline) await benchOnce('dateline', DATELINE_PORT, datelinePid, datelinePaths);
  }

  log(
    `(d) medians of ${REPEAT} round(s), recomputed from ${path.relative(PROJECT, JSONL)} (lines since ${since})`,
  );
  console.log(
    `\n${ARTICLES} articles, ${CONNECTIONS} connections, ${WARMUP} s warm-up, ${DURATION} s measured; ${m.nproc} cores, ${m.cpu}, Node ${m.node}, PostgreSQL ${m.postgres}\n`,
  );
  console.log(table(since));
  console.log(
    '\nratio = dateline / baseline (doc mode) req/s; peak RSS = the largest RSS or high-water mark of the Dateline process over its runs.',
  );
}

main()
  .then(async () => {
    await stopAll();
    process.exit(0);
  })
  .catch(async (e) => {
    if (stopping) return; // Ctrl-C: the signal handler stops everything and exits
    console.error(`[bench] failed: ${e?.message ?? e}`);
    await stopAll();
    process.exit(1);
  });
