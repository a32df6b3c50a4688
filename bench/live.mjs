#!/usr/bin/env node
// `npm run bench:live`: Content API reads while the newsroom writes, on several instances.
//
//   node bench/live.mjs [--articles 10000] [--instances 3] [--repeat 2] [--duration 10] [--warmup 5]
//                       [--connections 32] [--publish-rate 2] [--edit-rate 5] [--kill-every 4]
//                       [--only A,B,C,D] [--no-read-cache]
//
// Needs `npm run build` and the databases of `npm run bench -- --articles N` (dateline_bench_N and
// baseline_N). Each run works on copies of both (CREATE DATABASE … TEMPLATE), dropped at the end, so the
// loaded ones stay as they were.
//
// Starts the yardstick baseline and --instances Dateline instances (Redis for the shared limits, the read
// cache on unless --no-read-cache). For the whole measuring phase both databases take the same write load:
// the newsroom publishes --publish-rate new stories/s and edits --edit-rate/s through Dateline's API
// (instances 2…n), and the baseline's tables get as many inserts and body updates by SQL. Meanwhile the
// yardstick's load runner measures A–D on the baseline and on Dateline's instance 1, alternately, and a
// probe kills one freshly published story every --kill-every s (through the last instance) after reading
// it on every instance, then polls every instance until each answers 410: the time from the kill's answer
// to the last instance's 410 is the kill's visibility delay. Prints the read table (ratios to the baseline
// under the same writes), the writes achieved, the kill delays and each instance's RSS.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  PROJECT,
  SERVER_URL,
  api,
  appEnv,
  dbUrl,
  fmt,
  freePort,
  httpGet,
  ifMatch,
  login,
  logger,
  machine,
  maxOf,
  now,
  onCleanup,
  percentile,
  requireProject,
  rssMiB,
  runMain,
  sleep,
  startApp,
  table,
  track,
  withPg,
} from '../scripts/lib/harness.mjs';
import { SCENARIO_PATHS, datelinePage10Path } from './lib/scenarios.mjs';

const Redis = requireProject('ioredis');
const { values: opt } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    instances: { type: 'string', default: '3' },
    repeat: { type: 'string', default: '2' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '32' },
    'publish-rate': { type: 'string', default: '2' },
    'edit-rate': { type: 'string', default: '5' },
    'kill-every': { type: 'string', default: '4' },
    only: { type: 'string', default: 'A,B,C,D' },
    'no-read-cache': { type: 'boolean', default: false },
  },
  strict: true,
});
const num = (k) => {
  const n = Number(opt[k]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} must be a positive number (got ${opt[k]})`);
  return n;
};
const ARTICLES = num('articles');
const INSTANCES = Math.max(2, num('instances'));
const REPEAT = num('repeat');
const DURATION = num('duration');
const WARMUP = Number(opt.warmup);
const CONNECTIONS = num('connections');
const PUBLISH_RATE = num('publish-rate');
const EDIT_RATE = num('edit-rate');
const KILL_EVERY_S = num('kill-every');
const ONLY = opt.only.split(',').map((s) => s.trim().toUpperCase());
const CACHE = !opt['no-read-cache'];
const SHARED = path.resolve(PROJECT, process.env.BENCH_SHARED || '../shared/bench');
const BENCH_ROOT = path.join(process.env.BENCH_ROOT || '/tmp/dateline-bench', String(ARTICLES));
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const RL_PREFIX = `dateline-live-${process.pid}`;
const JSONL = path.join(PROJECT, 'bench', 'results', `live-${new Date().toISOString().slice(0, 10)}.jsonl`);
// Target under the newsroom's writes: every scenario at least the baseline's rate under the same writes.
const TARGET = { A: 1, B: 1, C: 1, D: 1 };
const log = logger('live');

const WORDS = ['astana', 'minister', 'energy', 'grain', 'railway', 'summit', 'budget', 'water', 'trade'];
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
const storyBody = () => `<p>${words(80)}.</p><p>${words(80)}.</p><p>${words(60)}.</p>`;

/** A copy of a loaded database, dropped at the end. */
async function copyOf(template) {
  const name = `${template}_live_${process.pid}`;
  await withPg(SERVER_URL, async (c) => {
    const n = (await c.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [template]))
      .rows[0].n;
    if (n === 0)
      throw new Error(`${template} does not exist: run npm run bench -- --articles ${ARTICLES} first`);
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  });
  onCleanup(() => withPg(SERVER_URL, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));
  return dbUrl(SERVER_URL, name);
}

async function startBaseline(databaseUrl, port) {
  const logFile = path.join(os.tmpdir(), `dateline-live-baseline-${process.pid}.log`);
  const out = fs.openSync(logFile, 'w');
  const child = track(
    'baseline',
    spawn(process.execPath, [path.join(SHARED, 'baseline', 'server.mjs')], {
      env: {
        ...process.env,
        BENCH_ROOT,
        BASELINE_DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        MODE: 'doc',
      },
      stdio: ['ignore', out, out],
    }),
  );
  fs.closeSync(out);
  for (let i = 0; i < 300; i++) {
    const r = await httpGet(`http://127.0.0.1:${port}/api/v1/content/articles?limit=1`, 1000).catch(
      () => null,
    );
    if (r?.ok) return child.pid;
    await sleep(100);
  }
  throw new Error(`baseline did not start; see ${logFile}`);
}

/** Calls fn every 1000/rate ms (open loop: a slow call does not lower the rate) until stop(). */
function paced(rate, fn) {
  let stopped = false;
  const inflight = new Set();
  const timer = setInterval(() => {
    if (stopped || inflight.size >= 64) return;
    const p = fn().catch(() => undefined);
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }, 1000 / rate);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await Promise.all(inflight);
  };
}

function recorder() {
  const r = { ms: [], status: {}, errors: [] };
  r.add = (kind, res) => {
    r.ms.push(res.ms);
    const k = `${kind} ${res.status || res.error}`;
    r.status[k] = (r.status[k] ?? 0) + 1;
    const ok = res.status >= 200 && res.status < 300;
    if (!ok && r.errors.length < 10) r.errors.push(`${k}: ${JSON.stringify(res.body ?? '').slice(0, 160)}`);
    return ok;
  };
  return r;
}

/** The newsroom through the API: new stories published at PUBLISH_RATE, edits of live ones at EDIT_RATE. */
function newsroomWriter(bases, token) {
  const c = api(bases, token, { timeoutMs: 30_000 });
  const rec = recorder();
  const live = []; // { id, version, slug } of stories this writer published, free for an edit
  let n = 0;
  const publish = async () => {
    const created = await c.post('/api/v1/articles', {
      headline: `Live ${process.pid}-${++n}: ${words(6)}`,
      body: storyBody(),
    });
    if (!rec.add('create', created)) return;
    const p = await c.post(
      `/api/v1/articles/${created.body.id}/transitions`,
      { action: 'publish' },
      ifMatch(created.body.version),
    );
    if (rec.add('publish', p)) live.push({ id: p.body.id, version: p.body.version, slug: p.body.slug });
  };
  const edit = async () => {
    // An edit takes a story out of the pool while it runs, so two edits never race for one version.
    const a = live.splice(Math.floor(Math.random() * live.length), 1)[0];
    if (!a) return;
    const p = await c.patch(
      `/api/v1/articles/${a.id}`,
      { summary: `Updated: ${words(8)}` },
      ifMatch(a.version),
    );
    if (rec.add('edit', p)) a.version = p.body.version;
    live.push(a);
  };
  const stops = [paced(PUBLISH_RATE, publish), paced(EDIT_RATE, edit)];
  return { rec, stop: () => Promise.all(stops.map((s) => s())) };
}

/** The same write load on the baseline's tables, by SQL. */
async function baselineWriter(databaseUrl) {
  const { Pool } = requireProject('pg');
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  onCleanup(() => pool.end());
  const rec = recorder();
  const { maxId, authors, tags } = (
    await pool.query(`SELECT (SELECT max(id) FROM articles) AS "maxId",
      (SELECT array_agg(id) FROM authors) AS authors, (SELECT array_agg(id) FROM tags) AS tags`)
  ).rows[0];
  let next = Number(maxId);
  const mine = [];
  const timed = async (kind, fn) => {
    const t0 = now();
    try {
      await fn();
      return rec.add(kind, { status: 200, ms: now() - t0 });
    } catch (e) {
      return rec.add(kind, { status: 0, error: e.code ?? 'error', ms: now() - t0, body: e.message });
    }
  };
  const publish = () =>
    timed('insert', async () => {
      const id = ++next;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO articles (id, slug, headline, summary, body, published_at) VALUES ($1, $2, $3, $4, $5, now())`,
          [id, `live-${process.pid}-${id}`, `Live ${id}: ${words(6)}`, words(20), storyBody()],
        );
        await client.query('INSERT INTO article_authors (article_id, author_id) VALUES ($1, $2)', [
          id,
          pick(authors),
        ]);
        await client.query(
          'INSERT INTO article_tags (article_id, tag_id) SELECT $1, t FROM unnest($2::int[]) t ON CONFLICT DO NOTHING',
          [id, [pick(tags), pick(tags), pick(tags)]],
        );
        await client.query('COMMIT');
        mine.push(id);
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    });
  const edit = () =>
    timed('update', async () => {
      if (mine.length === 0) return;
      await pool.query('UPDATE articles SET summary = $2 WHERE id = $1', [
        pick(mine),
        `Updated: ${words(8)}`,
      ]);
    });
  const stops = [paced(PUBLISH_RATE, publish), paced(EDIT_RATE, edit)];
  return { rec, stop: () => Promise.all(stops.map((s) => s())) };
}

/** Every KILL_EVERY_S: publish a story, read it on every instance, kill it, time until all answer 410. */
function killProbe(bases, token) {
  const writeBase = bases.at(-1);
  const c = api(writeBase, token, { timeoutMs: 30_000 });
  const delays = []; // ms from the kill's answer to the last instance's 410
  const problems = [];
  let stopped = false;
  const loop = (async () => {
    let n = 0;
    while (!stopped) {
      const t = Date.now();
      const created = await c.post('/api/v1/articles', {
        headline: `Probe ${process.pid}-${++n}`,
        body: storyBody(),
      });
      const p = await c.post(
        `/api/v1/articles/${created.body?.id}/transitions`,
        { action: 'publish' },
        ifMatch(created.body?.version),
      );
      if (p.status !== 200) {
        problems.push(`publish ${p.status}`);
        await sleep(KILL_EVERY_S * 1000);
        continue;
      }
      const url = `/api/v1/content/articles/${p.body.slug}`;
      // Read it everywhere (twice: the second may come from the read cache) before the kill.
      for (const b of bases)
        for (let i = 0; i < 2; i++) {
          const r = await api(b).get(url);
          if (r.status !== 200) problems.push(`before the kill ${b} answered ${r.status}`);
        }
      const k = await c.post(
        `/api/v1/articles/${p.body.id}/transitions`,
        { action: 'kill', reason: 'Probe' },
        ifMatch(p.body.version),
      );
      if (k.status !== 200) {
        problems.push(`kill ${k.status} ${JSON.stringify(k.body).slice(0, 120)}`);
        continue;
      }
      const t0 = now();
      const seen = await Promise.all(
        bases.map(async (b) => {
          const probe = api(b);
          for (;;) {
            const r = await probe.get(url);
            if (r.status === 410) return now() - t0;
            if (now() - t0 > 10_000) return null;
            await sleep(5);
          }
        }),
      );
      if (seen.some((s) => s === null)) problems.push('a killed story was still served after 10 s');
      else delays.push(maxOf(seen));
      await sleep(Math.max(0, KILL_EVERY_S * 1000 - (Date.now() - t)));
    }
  })();
  return {
    delays,
    problems,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

function loadRun(label, port, pid, paths) {
  const args = [path.join(SHARED, 'bench.mjs'), '--base', `http://127.0.0.1:${port}`, '--pid', String(pid)];
  args.push('--label', label, '--json', JSONL, '--connections', String(CONNECTIONS));
  args.push('--warmup', String(WARMUP), '--duration', String(DURATION), '--repeat', '1');
  for (const s of ONLY) if (paths[s]) args.push(`--${s}`, paths[s]);
  return new Promise((resolve, reject) => {
    const child = track(
      `bench.mjs ${label}`,
      spawn(process.execPath, args, { env: { ...process.env, BENCH_ROOT }, stdio: 'inherit' }),
    );
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`bench.mjs ${label}: exit ${code}`)),
    );
  });
}

const median = (xs) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const mach = await machine();
  log(
    `machine ${JSON.stringify(mach)}; load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (!fs.existsSync(path.join(PROJECT, 'dist', 'main.js'))) throw new Error('run npm run build first');
  fs.mkdirSync(path.dirname(JSONL), { recursive: true });

  const datelineDb = await copyOf(`dateline_bench_${ARTICLES}`);
  const baselineDb = await copyOf(`baseline_${ARTICLES}`);
  log('copied the loaded databases');
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  onCleanup(async () => {
    const keys = await redis.keys(`${RL_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const baselinePort = await freePort();
  const baselinePid = await startBaseline(baselineDb, baselinePort);
  const apps = [];
  const logFile = path.join(os.tmpdir(), `dateline-live-${process.pid}.log`);
  for (let i = 0; i < INSTANCES; i++) {
    const port = await freePort();
    const env = appEnv(datelineDb, port, {
      REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: RL_PREFIX,
      CONTENT_API_PUBLIC: 'true',
      CONTENT_READ_CACHE: CACHE ? 'true' : 'false',
      NODE_OPTIONS: '--max-old-space-size=192',
    });
    const started = await startApp(`dateline${i + 1}`, env, { logFile });
    apps.push({ port, base: `http://127.0.0.1:${port}`, pid: started.pid });
  }
  const bases = apps.map((a) => a.base);
  log(
    `baseline pid ${baselinePid}; Dateline ${apps.map((a) => `${a.base} (pid ${a.pid})`).join(', ')}; log ${logFile}`,
  );
  // The loaded database has its own staff; the writer signs in as an editor created here.
  const editor = { email: `live-${process.pid}@dateline.test`, password: `live-password-${process.pid}` };
  await new Promise((resolve, reject) => {
    const cli = track(
      'user:create',
      spawn(
        process.execPath,
        [
          'dist/cli.js',
          'user:create',
          '--email',
          editor.email,
          '--name',
          'Live desk',
          '--role',
          'editor',
          '--password-stdin',
        ],
        {
          cwd: PROJECT,
          env: { ...process.env, ...appEnv(datelineDb, 0) },
          stdio: ['pipe', 'ignore', 'inherit'],
        },
      ),
    );
    cli.stdin.end(`${editor.password}\n`);
    cli.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`user:create: exit ${code}`))));
  });
  const token = await login(bases[1], editor.email, editor.password);

  const paths = {
    baseline: SCENARIO_PATHS.baseline,
    dateline: {
      ...SCENARIO_PATHS.dateline,
      C: ONLY.includes('C') ? await datelinePage10Path(bases[0]) : null,
    },
  };

  const rssStart = apps.map((a) => rssMiB(a.pid));
  const rssPeak = [...rssStart];
  const rssTimer = setInterval(
    () => apps.forEach((a, i) => (rssPeak[i] = Math.max(rssPeak[i], rssMiB(a.pid) ?? 0))),
    1000,
  );
  const tWrites = now();
  const newsroom = newsroomWriter(bases.slice(1), token);
  const baseline = await baselineWriter(baselineDb);
  const kills = killProbe(bases, token);
  log(
    `writes on: ${PUBLISH_RATE} publishes/s and ${EDIT_RATE} edits/s on each side; a kill probe every ${KILL_EVERY_S} s`,
  );
  await sleep(3000);

  const since = new Date().toISOString();
  for (let round = 1; round <= REPEAT; round++) {
    log(`round ${round}/${REPEAT}; load ${os.loadavg()[0].toFixed(1)}`);
    await loadRun('baseline-live', baselinePort, baselinePid, paths.baseline);
    await loadRun('dateline-live', apps[0].port, apps[0].pid, paths.dateline);
  }
  await kills.stop();
  await Promise.all([newsroom.stop(), baseline.stop()]);
  const seconds = (now() - tWrites) / 1000;
  clearInterval(rssTimer);
  const rssEnd = apps.map((a) => rssMiB(a.pid));

  const rows = fs
    .readFileSync(JSONL, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((r) => r.at >= since);
  const readRows = [];
  for (const s of ONLY) {
    const b = rows.filter((r) => r.label === 'baseline-live' && r.scenario === s);
    const d = rows.filter((r) => r.label === 'dateline-live' && r.scenario === s);
    const br = median(b.map((r) => r.req_per_s));
    const dr = median(d.map((r) => r.req_per_s));
    const ratio = br && dr !== null ? dr / br : null;
    readRows.push([
      s,
      fmt(br),
      fmt(dr),
      `${fmt(ratio, 2)} (≥ ${TARGET[s]})${ratio === null ? '' : ratio >= TARGET[s] ? ' ✓' : ' ✗'}`,
      fmt(median(b.map((r) => r.p99_ms))),
      fmt(median(d.map((r) => r.p99_ms))),
      String(d.reduce((n, r) => n + r.errors, 0)),
    ]);
  }
  const rate = (rec, kinds) =>
    kinds.map(
      (k) =>
        Object.entries(rec.status)
          .filter(([key]) => key.startsWith(`${k} 2`))
          .reduce((n, [, v]) => n + v, 0) / seconds,
    );
  const [pub, ed] = rate(newsroom.rec, ['publish', 'edit']);
  const [ins, upd] = rate(baseline.rec, ['insert', 'update']);
  console.log(
    `\n${ARTICLES} articles, ${INSTANCES} Dateline instances (reads on instance 1), read cache ${CACHE ? 'on' : 'off'}, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s, medians of ${REPEAT}; ${mach.nproc} cores, Node ${mach.node}, PostgreSQL ${mach.postgres}; load at the end ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log(
    table(
      [
        'scenario',
        'baseline req/s',
        'dateline req/s',
        'ratio (target)',
        'baseline p99 ms',
        'dateline p99 ms',
        'dateline errors',
      ],
      readRows,
    ),
  );
  console.log(
    `\nwrites over ${seconds.toFixed(0)} s: Dateline ${pub.toFixed(2)} publishes/s and ${ed.toFixed(2)} edits/s (API, p50 ${fmt(percentile(newsroom.rec.ms, 50))} ms, p99 ${fmt(percentile(newsroom.rec.ms, 99))} ms); baseline ${ins.toFixed(2)} inserts/s and ${upd.toFixed(2)} updates/s (SQL)`,
  );
  console.log(
    `write answers: ${JSON.stringify(newsroom.rec.status)} ${newsroom.rec.errors.length ? `errors: ${newsroom.rec.errors.join('; ')}` : ''}`,
  );
  const d = kills.delays;
  console.log(
    `kills: ${d.length} probes; from the kill's answer to 410 on all ${INSTANCES} instances: p50 ${fmt(percentile(d, 50))} ms, max ${fmt(maxOf(d))} ms, over 1 s: ${d.filter((x) => x > 1000).length}${kills.problems.length ? `; problems: ${kills.problems.slice(0, 5).join('; ')}` : ''}`,
  );
  console.log(
    `RSS MiB per instance (start/peak/end): ${apps.map((_, i) => `${fmt(rssStart[i])}/${fmt(rssPeak[i])}/${fmt(rssEnd[i])}`).join(', ')}`,
  );
  return kills.problems.length === 0 && d.length > 0 && d.every((x) => x <= 1000);
}

runMain(main, { deadlineMs: (REPEAT * ONLY.length * 2 * (WARMUP + DURATION) + 600) * 1000, log });
