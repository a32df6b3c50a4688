#!/usr/bin/env node
// `npm run soak`: a mixed soak on three app instances sharing one PostgreSQL. Expects `npm run build` done.
//
//   node scripts/soak.mjs [--duration 300] [--instances 3] [--connections 8] [--editors 3]
//                         [--seed-articles 150] [--editor-pause 100] [--replica]
//
// Creates a throw-away database on DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// starts --instances copies of `node dist/main.js` on it (REDIS_URL=redis://127.0.0.1:6379 for shared
// rate-limit counters, under a key prefix of this run, the anonymous limit high enough not to trip),
// registers a webhook to a local receiver and publishes --seed-articles articles. Then for --duration
// seconds: readers on the Content API at full speed (autocannon, --connections per instance, every
// instance at once: the list, single articles by slug and ?q= search), --editors editors creating,
// editing and publishing round-robin across the instances (pausing --editor-pause ms between steps),
// and the webhook receiver counting deliveries. Prints throughput, p50/p99 of reads and writes, errors,
// each instance's RSS (VmRSS) at start and end, deliveries received vs expected, the push latency from
// the event's occurrence to the receiver (p50/p99/max) and how many deliveries of one article arrived out
// of order. Exit code 0 when there were no errors, every event was delivered under one delivery id and
// each article's deliveries arrived in order (with --replica: and the replica ran Content API statements).
//
// --replica: the run starts its own PostgreSQL 15 primary and a streaming replica of it (initdb and
// pg_basebackup -R as the postgres OS user, free ports, a temporary folder; scripts/lib/pg-replica.mjs)
// instead of using DATABASE_URL, and runs every instance with DATABASE_URL = that primary and
// DATABASE_REPLICA_URLS = the replica. It also prints which server ran the Content API's statements
// (pg_stat_statements calls on each, during the load) and the replica's replay lag during and after the
// load. Both servers are stopped and the folder removed at the end, also on failure and Ctrl-C.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  analyzeLikeAutovacuum,
  api,
  appEnv,
  fmt,
  maxOf,
  freePort,
  ifMatch,
  login,
  logger,
  machine,
  now,
  onCleanup,
  percentile,
  receiverStats,
  requireProject,
  rssMiB,
  runMain,
  sleep,
  startApp,
  startReceiver,
  stopPid,
  table,
  throwAwayDatabase,
  withPg,
} from './lib/harness.mjs';
import { databaseCounts, startReplicaPair, statementCounts, statementDelta } from './lib/pg-replica.mjs';

const autocannon = requireProject('autocannon');
const Redis = requireProject('ioredis');

const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: '300' },
    instances: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    editors: { type: 'string', default: '3' },
    'seed-articles': { type: 'string', default: '150' },
    'editor-pause': { type: 'string', default: '100' },
    'keep-db': { type: 'boolean', default: false },
    replica: { type: 'boolean', default: false },
  },
  strict: true,
});
const DURATION_S = Number(opt.duration);
const INSTANCES = Number(opt.instances);
const CONNECTIONS = Number(opt.connections);
const EDITORS = Number(opt.editors);
const SEED = Number(opt['seed-articles']);
const EDITOR_PAUSE_MS = Number(opt['editor-pause']);
const REPLICA = opt.replica;
const REDIS_URL = 'redis://127.0.0.1:6379';
const RL_PREFIX = `dateline-soak-${process.pid}`;
const log = logger('soak');

const WORDS = [
  'astana',
  'minister',
  'energy',
  'grain',
  'railway',
  'summit',
  'budget',
  'water',
  'trade',
  'almaty',
];
const pickWord = () => WORDS[Math.floor(Math.random() * WORDS.length)];
const headline = (tag) => `${tag}: ${pickWord()} ${pickWord()} talks on ${pickWord()} in ${pickWord()}`;
const body = () =>
  `<p>${Array.from({ length: 60 }, pickWord).join(' ')}.</p><p>${Array.from({ length: 60 }, pickWord).join(' ')}.</p>`;

async function main() {
  const t0 = Date.now();
  // --replica: a primary and a streaming replica of the run's own; otherwise a database on DATABASE_URL.
  const pair = REPLICA ? await startReplicaPair('dateline_soak', { log }) : null;
  if (pair)
    log(`primary ${pair.primary.url(pair.database)}, streaming replica ${pair.replica.url(pair.database)}`);
  const mach = await machine(pair ? pair.primary.url('postgres') : undefined);
  log(`${INSTANCES} instances, ${DURATION_S} s; machine ${JSON.stringify(mach)}`);

  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.ping();
  onCleanup(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${RL_PREFIX}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  });

  const db = pair
    ? { name: pair.database, url: pair.primary.url(pair.database) }
    : await throwAwayDatabase('dateline_soak', { keep: opt['keep-db'], log });
  await analyzeLikeAutovacuum(db.url, { log });
  const rx = await startReceiver();
  const apps = [];
  const logFile = path.join(os.tmpdir(), `dateline-soak-${process.pid}.log`);
  for (let i = 0; i < INSTANCES; i++) {
    const port = await freePort();
    const env = appEnv(db.url, port, {
      REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: RL_PREFIX,
      RATE_LIMIT_ANON_PER_MINUTE: '100000000',
      ...(pair ? { DATABASE_REPLICA_URLS: pair.replica.url(pair.database) } : {}),
    });
    // The first migrates the fresh database; the others then start together.
    const start = startApp(`app${i + 1}`, env, { logFile });
    apps.push({ n: i + 1, port, base: `http://127.0.0.1:${port}`, start });
    if (i === 0) await start;
  }
  for (const a of apps) Object.assign(a, await a.start);
  log(`instances: ${apps.map((a) => `${a.base} (pid ${a.pid})`).join(', ')}; log ${logFile}`);
  const bases = apps.map((a) => a.base);

  const token = await login(bases[0]);
  const staffApi = api(bases, token, { timeoutMs: 30_000 });
  const hook = await staffApi.post('/api/v1/webhooks', { url: rx.url, events: ['*'], description: 'soak' });
  if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${JSON.stringify(hook.body)}`);

  // Something to read.
  const slugs = [];
  for (let i = 0; i < SEED; i++) {
    const c = await staffApi.post('/api/v1/articles', { headline: headline(`Seed ${i}`), body: body() });
    const p = await staffApi.post(
      `/api/v1/articles/${c.body.id}/transitions`,
      { action: 'publish' },
      ifMatch(c.body.version),
    );
    if (p.status !== 200) throw new Error(`seed: ${p.status} ${JSON.stringify(p.body)}`);
    slugs.push(c.body.slug);
  }
  const probe = await api(bases[1]).get(`/api/v1/content/articles/${slugs[0]}`);
  if (probe.status !== 200)
    throw new Error(`the Content API does not answer: ${probe.status} ${JSON.stringify(probe.body)}`);
  log(`seeded ${SEED} published articles; the Content API answers on every instance`);
  if (pair) {
    const ready = await Promise.all(
      bases.map(async (b) => (await api(b).get('/health/ready')).body?.details?.replicas),
    );
    log(`replicas per /health/ready: ${ready.map((r) => JSON.stringify(r)).join(', ')}`);
    log(`replica caught up with the seeding in ${await pair.caughtUp()} ms`);
  }
  // Which server runs what, from here to the end of the load (pg_stat_statements on each server).
  const snap = async () =>
    pair && {
      primary: await statementCounts(pair.primary, pair.database),
      replica: await statementCounts(pair.replica, pair.database),
      primaryDb: await databaseCounts(pair.primary, pair.database),
      replicaDb: await databaseCounts(pair.replica, pair.database),
    };
  const before = await snap();
  const lagSamples = [];
  const lagTimer =
    pair &&
    setInterval(() => {
      pair
        .lag()
        .then((l) => lagSamples.push(l))
        .catch(() => undefined);
    }, 1000);

  // ---- the load ------------------------------------------------------------------------------------
  const rss = apps.map((a) => ({ start: rssMiB(a.pid), samples: [] }));
  const rssTimer = setInterval(() => apps.forEach((a, i) => rss[i].samples.push(rssMiB(a.pid))), 10_000);
  const tLoad = now();
  const deadline = Date.now() + DURATION_S * 1000;

  const reads = { list: [], article: [], search: [] };
  const readStatus = {};
  const readers = apps.map(
    (a) =>
      new Promise((resolve, reject) => {
        const inst = autocannon(
          {
            url: a.base,
            connections: CONNECTIONS,
            duration: DURATION_S,
            timeout: 30,
            requests: [
              {
                setupRequest: (req, context) => {
                  const r = Math.random();
                  if (r < 0.5) {
                    context.kind = 'article';
                    req.path = `/api/v1/content/articles/${slugs[Math.floor(Math.random() * slugs.length)]}`;
                  } else if (r < 0.8) {
                    context.kind = 'list';
                    req.path = '/api/v1/content/articles?limit=20';
                  } else {
                    context.kind = 'search';
                    req.path = `/api/v1/content/articles?q=${pickWord()}&limit=20`;
                  }
                  return req;
                },
              },
            ],
          },
          (err, result) => (err ? reject(err) : resolve(result)),
        );
        inst.on('response', (client, statusCode, _bytes, ms) => {
          reads[client.requestIterator.context.kind]?.push(ms);
          readStatus[statusCode] = (readStatus[statusCode] ?? 0) + 1;
        });
      }),
  );

  const writes = { create: [], patch: [], publish: [] };
  const writeStatus = {};
  const writeErrors = [];
  const editor = async (n) => {
    const c = api(bases, token, { timeoutMs: 30_000 });
    let step = 0;
    while (Date.now() < deadline) {
      const record = (kind, r) => {
        writes[kind].push(r.ms);
        const k = r.status || `no answer (${r.error})`;
        writeStatus[k] = (writeStatus[k] ?? 0) + 1;
        if (!(r.status >= 200 && r.status < 300) && writeErrors.length < 20)
          writeErrors.push(`${kind}: ${r.status} ${JSON.stringify(r.body ?? r.error).slice(0, 200)}`);
        return r.status >= 200 && r.status < 300;
      };
      const created = await c.post('/api/v1/articles', {
        headline: headline(`Editor ${n} ${step++}`),
        body: body(),
      });
      if (!record('create', created)) continue;
      let a = created.body;
      // Edit, publish, then a few rounds of edit + publish as an update.
      for (let round = 0; round < 4 && Date.now() < deadline; round++) {
        await sleep(EDITOR_PAUSE_MS);
        const p = await c.patch(
          `/api/v1/articles/${a.id}`,
          { summary: `Summary ${round} ${pickWord()}`, body: body() },
          ifMatch(a.version),
        );
        if (!record('patch', p)) break;
        a = p.body;
        await sleep(EDITOR_PAUSE_MS);
        const t = await c.post(
          `/api/v1/articles/${a.id}/transitions`,
          round === 0 ? { action: 'publish' } : { action: 'publish', change: 'update' },
          ifMatch(a.version),
        );
        if (!record('publish', t)) break;
        a = t.body;
        if (round === 0) slugs.push(a.slug);
      }
      await sleep(EDITOR_PAUSE_MS);
    }
  };
  log(`load: ${INSTANCES}×${CONNECTIONS} reader connections, ${EDITORS} editors, for ${DURATION_S} s`);
  const [readResults] = await Promise.all([
    Promise.all(readers),
    Promise.all(Array.from({ length: EDITORS }, (_, i) => editor(i))),
  ]);
  const loadSeconds = (now() - tLoad) / 1000;
  clearInterval(rssTimer);
  const rssEnd = apps.map((a) => rssMiB(a.pid));
  clearInterval(lagTimer);
  const after = await snap();
  const lagEnd = pair && (await pair.lag());
  const catchUpMs = pair && (await pair.caughtUp());

  // ---- webhooks drain ------------------------------------------------------------------------------
  const drainStart = Date.now();
  let deliveries;
  for (;;) {
    deliveries = await withPg(
      db.url,
      async (c) =>
        (
          await c.query(
            `SELECT (SELECT count(*)::int FROM event) AS events,
              count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
              count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM webhook_delivery`,
          )
        ).rows[0],
    );
    if (deliveries.succeeded + deliveries.failed >= deliveries.events || Date.now() - drainStart > 120_000)
      break;
    await sleep(1000);
  }
  const drainMs = Date.now() - drainStart;
  const rs = receiverStats(rx);
  // The first reception of each delivery: its push latency, and the order of each article's deliveries.
  const seen = new Set();
  const firsts = rx.arrivals.filter((x) => !seen.has(x.deliveryId) && seen.add(x.deliveryId));
  const lags = firsts.map((x) => x.at - x.occurredAt);
  const seqOf = new Map(
    (
      await withPg(db.url, (c) =>
        c.query('SELECT id::text AS id, event_seq::text AS seq FROM webhook_delivery'),
      )
    ).rows.map((r) => [r.id, BigInt(r.seq)]),
  );
  const order = deliveryOrder(firsts, seqOf);
  const keys = await redis.keys(`${RL_PREFIX}:*`);

  // ---- report ----------------------------------------------------------------------------------------
  const allReads = [...reads.list, ...reads.article, ...reads.search];
  const allWrites = [...writes.create, ...writes.patch, ...writes.publish];
  const readErrors = Object.entries(readStatus).filter(([s]) => !(Number(s) >= 200 && Number(s) < 400));
  const acErrors = readResults.reduce((n, r) => n + r.errors + r.timeouts, 0);
  const writeErrorCount = Object.entries(writeStatus)
    .filter(([s]) => !(Number(s) >= 200 && Number(s) < 300))
    .reduce((n, [, v]) => n + v, 0);
  const row = (name, xs) => [
    name,
    xs.length,
    fmt(xs.length / loadSeconds, 1),
    fmt(percentile(xs, 50), 1),
    fmt(percentile(xs, 99), 1),
    fmt(maxOf(xs), 0),
  ];
  console.log(`\nLoad: ${loadSeconds.toFixed(0)} s, ${INSTANCES} instances`);
  console.log(
    table(
      ['traffic', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms'],
      [
        row('reads: all (Content API)', allReads),
        row('reads: GET /content/articles/:slug', reads.article),
        row('reads: GET /content/articles?limit=20', reads.list),
        row('reads: GET /content/articles?q=…', reads.search),
        row('writes: all (newsroom)', allWrites),
        row('writes: POST /articles', writes.create),
        row('writes: PATCH /articles/:id', writes.patch),
        row('writes: publish / update transition', writes.publish),
      ],
    ),
  );
  console.log('\nPer instance:');
  console.log(
    table(
      ['instance', 'reads', 'reads/s', 'read p99 ms', 'RSS start MiB', 'RSS end MiB', 'RSS max MiB'],
      apps.map((a, i) => [
        `${a.n} (pid ${a.pid})`,
        readResults[i].requests.total,
        fmt(readResults[i].requests.average, 0),
        fmt(readResults[i].latency.p99, 0),
        fmt(rss[i].start, 0),
        fmt(rssEnd[i], 0),
        fmt(maxOf([rss[i].start, rssEnd[i], ...rss[i].samples]), 0),
      ]),
    ),
  );
  console.log(
    `RSS every 10 s (MiB): ${apps.map((a, i) => `#${a.n} ${rss[i].samples.map((x) => fmt(x, 0)).join(' ')}`).join(' | ')}`,
  );
  const summary = [
    ['read statuses', JSON.stringify(readStatus)],
    [
      'read errors (non-2xx/3xx, socket errors, timeouts)',
      `${readErrors.reduce((n, [, v]) => n + v, 0)} + ${acErrors}`,
    ],
    ['write statuses', JSON.stringify(writeStatus)],
    ['write errors', `${writeErrorCount}`],
    [
      'outbox events / delivered / pending / failed',
      `${deliveries.events} / ${deliveries.succeeded} / ${deliveries.pending} / ${deliveries.failed}`,
    ],
    [
      'receiver: delivery ids / duplicate receptions / events under two ids',
      `${rs.deliveryIds} / ${rs.duplicates} / ${rs.eventsWithSeveralIds}`,
    ],
    [
      'push latency (event occurredAt → receiver arrival) p50 / p99 / max ms',
      `${fmt(percentile(lags, 50))} / ${fmt(percentile(lags, 99))} / ${fmt(maxOf(lags))}`,
    ],
    [
      'per-article order: articles / consecutive pairs (with versions) / out of version order / out of event seq order',
      `${order.articles} / ${order.pairs} (${order.versionPairs}) / ${order.versionInversions} / ${order.seqInversions}`,
    ],
    ['webhook backlog drained after the load in', `${(drainMs / 1000).toFixed(1)} s`],
    ['rate-limit keys in Redis (shared counters)', `${keys.length}`],
    ['total run time', `${((Date.now() - t0) / 1000).toFixed(0)} s`],
  ];
  console.log('\nSummary:');
  console.log(table(['figure', 'value'], summary));
  const served = pair && replicaReport(before, after, lagSamples, lagEnd, catchUpMs, allReads.length);
  const problems = [];
  if (readErrors.length || acErrors) problems.push('read errors');
  if (writeErrorCount) problems.push(`write errors: ${writeErrors.join('; ')}`);
  if (deliveries.succeeded !== deliveries.events) problems.push('not every event was delivered');
  if (rs.deliveryIds !== deliveries.succeeded) problems.push('the receiver did not see every delivery');
  if (rs.eventsWithSeveralIds) problems.push('an event reached the receiver under two delivery ids');
  if (keys.length === 0) problems.push('no rate-limit counters in Redis: the instances did not share them');
  if (order.versionInversions || order.seqInversions)
    problems.push("an article's deliveries arrived out of order");
  if (pair && !(served.replica > 0)) problems.push('the replica served no Content API statement');
  for (const p of problems) console.log(`- ${p}`);

  // Graceful stop, timed.
  const stops = [];
  for (const a of apps) {
    const t = now();
    await stopPid(a.pid, 20_000);
    stops.push(Math.round(now() - t));
  }
  console.log(`\nSIGTERM → exit per instance: ${stops.join(', ')} ms`);
  console.log(`soak ${problems.length === 0 ? 'PASSED' : 'FAILED'} (log ${logFile})`);
  if (problems.length === 0) fs.rmSync(logFile, { force: true });
  return problems.length === 0;
}

/**
 * Per article, its deliveries in the order the receiver got them (first reception of each delivery id):
 * consecutive pairs whose version went down (events without a version are skipped), and pairs whose
 * outbox event seq went down (the documented order).
 */
function deliveryOrder(firsts, seqOf) {
  const byArticle = new Map();
  for (const x of firsts) {
    if (!x.articleId) continue;
    if (!byArticle.has(x.articleId)) byArticle.set(x.articleId, []);
    byArticle.get(x.articleId).push(x);
  }
  let pairs = 0;
  let versionPairs = 0;
  let versionInversions = 0;
  let seqInversions = 0;
  for (const xs of byArticle.values()) {
    let lastVersion = null;
    for (let i = 0; i < xs.length; i++) {
      if (i > 0) {
        pairs++;
        const a = seqOf.get(xs[i - 1].deliveryId);
        const b = seqOf.get(xs[i].deliveryId);
        if (a !== undefined && b !== undefined && b < a) seqInversions++;
      }
      const v = xs[i].version;
      if (v === null) continue;
      if (lastVersion !== null) versionPairs++;
      if (lastVersion !== null && v < lastVersion) versionInversions++;
      lastVersion = v;
    }
  }
  return { articles: byArticle.size, pairs, versionPairs, versionInversions, seqInversions };
}

/**
 * Prints which server ran the Content API's statements during the load and the replica's replay lag.
 * The Content API's statements are those the replica ran (only the Content API reads there; its health
 * polls and this script's own queries are left out); their pg_stat_statements calls on each server are
 * what each served. Returns { replica, primary } calls.
 */
function replicaReport(before, after, lagSamples, lagEnd, catchUpMs, httpReads) {
  const own = /pg_is_in_recovery|pg_last_wal_replay_lsn|pg_current_wal_lsn|pg_stat_/;
  const onReplica = statementDelta(before.replica, after.replica);
  const onPrimary = statementDelta(before.primary, after.primary);
  const content = [...onReplica.entries()].filter(([, s]) => !own.test(s.query));
  let replica = 0;
  let primary = 0;
  const rows = [];
  for (const [id, s] of content.sort((a, b) => b[1].calls - a[1].calls)) {
    const p = onPrimary.get(id)?.calls ?? 0;
    replica += s.calls;
    primary += p;
    rows.push([s.query.replace(/\s+/g, ' ').slice(0, 70).replaceAll('|', '/'), s.calls, p]);
  }
  const share = (x) => (replica + primary ? `${((100 * x) / (replica + primary)).toFixed(1)} %` : '–');
  const lagBytes = lagSamples.map((l) => l.bytes);
  const db = (k, which) => after[`${which}Db`][k] - before[`${which}Db`][k];
  console.log('\nRead replica (during the load):');
  console.log(
    table(
      ['figure', 'replica', 'primary'],
      [
        ['Content API statements run (pg_stat_statements calls)', replica, primary],
        ['share of the Content API statements', share(replica), share(primary)],
        [
          'committed transactions (pg_stat_database.xact_commit Δ, all traffic incl. health polls; approximate)',
          db('xacts', 'replica'),
          db('xacts', 'primary'),
        ],
        [
          'rows returned (pg_stat_database.tup_returned Δ, all traffic; approximate)',
          db('returned', 'replica'),
          db('returned', 'primary'),
        ],
      ],
    ),
  );
  console.log(
    `(${httpReads} Content API reads over HTTP; answers from an instance's read cache reach neither server. ` +
      'pg_stat_database is approximate: backends report to it up to seconds late, pg_stat_statements at once.)',
  );
  console.log(table(['Content API statement', 'calls on replica', 'calls on primary'], rows.slice(0, 8)));
  console.log(
    table(
      ['replay lag', 'value'],
      [
        [
          'during the load, sampled every 1 s: p50 / p99 / max bytes',
          `${fmt(percentile(lagBytes, 50))} / ${fmt(percentile(lagBytes, 99))} / ${fmt(maxOf(lagBytes))} (${lagBytes.length} samples)`,
        ],
        [
          'at the end of the load: primary pg_current_wal_lsn − replica pg_last_wal_replay_lsn',
          `${lagEnd.bytes} bytes (${lagEnd.primaryLsn} vs ${lagEnd.replayedLsn}); pg_stat_replication.replay_lag ${lagEnd.replayLagMs === null ? 'null (idle)' : `${fmt(lagEnd.replayLagMs, 1)} ms`}`,
        ],
        ['replica replayed the end-of-load position after', `${catchUpMs} ms`],
      ],
    ),
  );
  return { replica, primary };
}

runMain(main, { deadlineMs: (Number(opt.duration) + 420) * 1000, log });
