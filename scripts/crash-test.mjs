#!/usr/bin/env node
// `npm run crash-test`: Dateline under SIGKILL. Expects `npm run build` done (runs dist/main.js).
//
//   node scripts/crash-test.mjs [--kills 20] [--clients 4] [--min-delay 1.5] [--max-delay 6]
//                               [--max-minutes 10] [--seed N] [--keep-db]
//
// Creates a throw-away database on DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// starts the app on it, registers a webhook to a local receiver, then each round: several clients run a
// stream of edits and transitions (create, PATCH with If-Match, submit/approve/publish, publish again as
// update or correction, unpublish, kill, schedule and embargo a few seconds ahead); the app is killed with
// SIGKILL after a random delay and restarted; every request whose outcome the kill hid is resolved by
// sending it again with the same If-Match (200: it had not happened; 412 and the version moved by one: it
// had). Then the invariants are checked (see checkInvariants). At the end it waits for the job engine and
// the webhook worker to catch up and checks once more. Exit code 0 only when nothing was violated.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ADMIN,
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
  percentile,
  receiverStats,
  runMain,
  seededRandom,
  sleep,
  startApp,
  startReceiver,
  table,
  throwAwayDatabase,
  withPg,
} from './lib/harness.mjs';

const { values: opt } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    clients: { type: 'string', default: '4' },
    'min-delay': { type: 'string', default: '1.5' },
    'max-delay': { type: 'string', default: '6' },
    'max-minutes': { type: 'string', default: '10' },
    'settle-seconds': { type: 'string', default: '240' },
    seed: { type: 'string' },
    'keep-db': { type: 'boolean', default: false },
  },
  strict: true,
});
const KILLS = Number(opt.kills);
const CLIENTS = Number(opt.clients);
const MIN_DELAY = Number(opt['min-delay']) * 1000;
const MAX_DELAY = Number(opt['max-delay']) * 1000;
const MAX_MS = Number(opt['max-minutes']) * 60_000;
const SETTLE_MS = Number(opt['settle-seconds']) * 1000;
const SEED = opt.seed ? Number(opt.seed) : Date.now() % 1_000_000;
const random = seededRandom(SEED);
const log = logger('crash');

// A scheduled item is overdue when it has not fired this long after it fell due with the app up.
const SCHEDULE_GRACE_MS = 15_000;

const violations = [];
const violate = (round, what) => {
  violations.push({ round, what });
  log(`VIOLATION (round ${round}): ${what}`);
};

/** Wall-clock intervals during which the app was serving: [readyAt, killedAt|null]. */
const upIntervals = [];
/** When the app next served at or after t (t itself if it was up then). */
function effectiveDue(t) {
  for (const [from, to] of upIntervals) {
    if (t < from) return from;
    if (to === null || t <= to) return t;
  }
  return null; // not up since
}

// ---- the clients' ledger -----------------------------------------------------------------------------

/** Articles the clients track: every version change they acknowledged, in order. */
const articles = new Map(); // id -> { id, client, version, status, slug, handsOff, ops: [{kind, action?, version}] }
const scheduled = []; // { id, at }
const embargoed = []; // { id, until }
const stats = { ok: 0, rejected: 0, unknown: 0, resolvedApplied: 0, resolvedNotApplied: 0, createUnknown: 0 };
const opLatencies = [];

const pick = (xs) => xs[Math.floor(random() * xs.length)];
let headlineSeq = 0;

class Client {
  constructor(n, app) {
    this.n = n;
    this.app = app;
    this.mine = [];
  }

  active() {
    return this.mine.filter((a) => !a.handsOff && a.status !== 'killed');
  }

  async create(extra = {}) {
    const headline = `Crash ${SEED} c${this.n} n${headlineSeq++} consultations held in Astana`;
    const body = { headline, body: '<p>First paragraph.</p><p>Second paragraph.</p>', ...extra };
    const r = await this.app.api.post('/api/v1/articles', body);
    if (r.status === 201) {
      stats.ok++;
      const a = {
        id: r.body.id,
        client: this.n,
        version: r.body.version,
        status: r.body.status,
        slug: r.body.slug,
        handsOff: false,
        ops: [{ kind: 'create', version: 1 }],
      };
      articles.set(a.id, a);
      this.mine.push(a);
      return a;
    }
    if (r.status === 0) {
      stats.unknown++;
      stats.createUnknown++;
      this.pendingCreate = headline;
      return null;
    }
    stats.rejected++;
    throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body)}`);
  }

  /** One versioned write; an unknown outcome is remembered and resolved after the restart. */
  async write(a, kind, action, body) {
    const url = kind === 'patch' ? `/api/v1/articles/${a.id}` : `/api/v1/articles/${a.id}/transitions`;
    const send = () =>
      kind === 'patch'
        ? this.app.api.patch(url, body, ifMatch(a.version))
        : this.app.api.post(url, body, ifMatch(a.version));
    const r = await send();
    opLatencies.push(r.ms);
    if (r.status === 200) {
      stats.ok++;
      this.applied(a, kind, action, r.body);
      return true;
    }
    if (r.status === 0) {
      stats.unknown++;
      this.pending = { a, kind, action, body, send };
      return false;
    }
    stats.rejected++;
    throw new Error(
      `${kind} ${action ?? ''} of ${a.id} at v${a.version} answered ${r.status}: ${JSON.stringify(r.body)}`,
    );
  }

  applied(a, kind, action, body) {
    if (body.version !== a.version + 1)
      violate(
        round,
        `${kind} ${action ?? ''} of ${a.id} moved the version from ${a.version} to ${body.version}`,
      );
    a.version = body.version;
    a.status = body.status;
    a.ops.push({ kind, action, version: body.version });
  }

  /** After a restart: sends the request the kill interrupted again, with the same If-Match. */
  async resolvePending() {
    if (this.pendingCreate) {
      const headline = this.pendingCreate;
      this.pendingCreate = undefined;
      const r = await this.app.api.get(`/api/v1/articles?q=${encodeURIComponent(headline)}&limit=5`);
      const found = (r.body?.data ?? []).filter((x) => x.headline === headline);
      if (found.length > 1) violate(round, `create of "${headline}" exists ${found.length} times`);
      if (found.length === 1) {
        stats.resolvedApplied++;
        const a = {
          id: found[0].id,
          client: this.n,
          version: found[0].version,
          status: found[0].status,
          slug: found[0].slug,
          handsOff: false,
          ops: [{ kind: 'create', version: 1 }],
        };
        if (a.version !== 1) violate(round, `an article created once is at version ${a.version}`);
        articles.set(a.id, a);
        this.mine.push(a);
      } else stats.resolvedNotApplied++;
    }
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const r = await p.send();
    if (r.status === 200) {
      stats.resolvedNotApplied++;
      this.applied(p.a, p.kind, p.action, r.body);
      p.onApplied?.();
    } else if (r.status === 400) {
      // Not applied before the kill, and no longer valid now (a schedule or embargo time that has passed).
      stats.resolvedNotApplied++;
    } else if (r.status === 412) {
      // It had been applied before the kill: the article is exactly one version further.
      // (A scheduled or embargoed item may have been moved on once more by the job engine since.)
      const cur = await this.app.api.get(`/api/v1/articles/${p.a.id}`);
      const moved = (cur.body?.version ?? 0) - p.a.version;
      if (moved !== 1 && !(p.a.handsOff && moved === 2)) {
        violate(
          round,
          `after an interrupted ${p.kind} ${p.action ?? ''} of ${p.a.id} (v${p.a.version}) it is at v${cur.body?.version}`,
        );
      }
      stats.resolvedApplied++;
      this.applied(p.a, p.kind, p.action, { version: p.a.version + 1, status: cur.body?.status });
      p.onApplied?.();
    } else if (r.status === 0) {
      this.pending = p; // the app went down again; resolved after the next restart
    } else {
      violate(round, `resending the interrupted ${p.kind} ${p.action ?? ''} answered ${r.status}`);
    }
  }

  async step() {
    const act = this.active();
    const roll = random();
    if (act.length < 3 || roll < 0.08) return this.create();
    if (roll < 0.13) {
      // Scheduled a few seconds ahead, then left to the job engine.
      const a = await this.create();
      if (!a) return;
      const at = new Date(Date.now() + 2000 + random() * 5000);
      a.handsOff = true;
      if (await this.write(a, 'transition', 'schedule', { action: 'schedule', at: at.toISOString() }))
        scheduled.push({ id: a.id, at: at.getTime() });
      else this.pending.onApplied = () => scheduled.push({ id: a.id, at: at.getTime() });
      return;
    }
    if (roll < 0.18) {
      // Published under an embargo a few seconds ahead, then left to the job engine.
      const a = await this.create();
      if (!a) return;
      const until = new Date(Date.now() + 2000 + random() * 5000);
      a.handsOff = true;
      if (
        await this.write(a, 'transition', 'publish', { action: 'publish', embargoUntil: until.toISOString() })
      )
        embargoed.push({ id: a.id, until: until.getTime() });
      else this.pending.onApplied = () => embargoed.push({ id: a.id, until: until.getTime() });
      return;
    }
    const a = pick(act);
    if (roll < 0.45) {
      return this.write(a, 'patch', undefined, {
        summary: `Summary ${Math.floor(random() * 1e9)}`,
        body: `<p>Edited ${Math.floor(random() * 1e9)}.</p><p>Second paragraph.</p>`,
      });
    }
    const r = random();
    switch (a.status) {
      case 'draft':
        return this.write(a, 'transition', r < 0.6 ? 'submit' : 'publish', {
          action: r < 0.6 ? 'submit' : 'publish',
        });
      case 'in_review':
        if (r < 0.2)
          return this.write(a, 'transition', 'return', { action: 'return', comment: 'Needs a source' });
        return this.write(a, 'transition', 'approve', { action: 'approve' });
      case 'approved':
        return this.write(a, 'transition', 'publish', { action: 'publish' });
      case 'published':
        if (r < 0.35) return this.write(a, 'transition', 'publish', { action: 'publish', change: 'update' });
        if (r < 0.6)
          return this.write(a, 'transition', 'publish', {
            action: 'publish',
            change: 'correction',
            notice: 'An earlier version misspelled a name.',
          });
        if (r < 0.85) return this.write(a, 'transition', 'unpublish', { action: 'unpublish' });
        return this.write(a, 'transition', 'kill', {
          action: 'kill',
          reason: 'Withdrawn at the source’s request.',
        });
      case 'unpublished':
        if (r < 0.7) return this.write(a, 'transition', 'publish', { action: 'publish' });
        return this.write(a, 'transition', 'kill', {
          action: 'kill',
          reason: 'Withdrawn for legal reasons.',
        });
      default:
        return undefined;
    }
  }
}

// ---- invariants ----------------------------------------------------------------------------------------

const EVENT_OF = {
  schedule: () => 'article.scheduled',
  unschedule: () => 'article.unscheduled',
  unpublish: () => 'article.unpublished',
  kill: () => 'article.killed',
  lift_embargo: () => 'article.embargo_lifted',
  publish: (data) =>
    ({ update: 'article.updated', correction: 'article.corrected', clarification: 'article.clarified' })[
      data?.change
    ] ?? 'article.published',
};

let round = 0;

async function checkInvariants(db, webhookId, rx, { final = false } = {}) {
  const found = [];
  const bad = (what) => found.push(what);
  await withPg(db.url, async (c) => {
    const q = async (sql, params) => (await c.query(sql, params)).rows;
    // One snapshot for every check: the job engine keeps working while they run.
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [{ t: snapshotAt }] = await q('SELECT extract(epoch FROM now()) * 1000 AS t');

    // 1. The read model matches the article's state.
    for (const r of await q(`
      SELECT a.id, a.status, a.slug, p.status AS pub, p.slug AS pslug, p.document->>'slug' AS dslug, p.version,
             (SELECT count(*)::int FROM publication_version v WHERE v.article_id = a.id) AS versions,
             (SELECT max(version) FROM publication_version v WHERE v.article_id = a.id) AS maxv
        FROM article a LEFT JOIN publication p ON p.article_id = a.id`)) {
      const expected = { published: 'live', unpublished: 'unpublished', killed: 'killed' }[r.status];
      if (r.pub && r.pub !== expected) bad(`article ${r.id} is ${r.status} but its publication is ${r.pub}`);
      if (!r.pub && (r.status === 'published' || r.status === 'unpublished'))
        bad(`article ${r.id} is ${r.status} without a publication`);
      if (r.pub && (r.version !== r.versions || r.maxv !== r.version))
        bad(`publication of ${r.id} is v${r.version} with ${r.versions} version rows (max ${r.maxv})`);
      if (r.pub && (r.pslug !== r.slug || r.dslug !== r.slug))
        bad(`publication of ${r.id}: slug ${r.pslug}/${r.dslug}, article slug ${r.slug}`);
    }

    // 2. Versions and revisions: one numbered revision per version, no gaps, nothing applied twice.
    for (const r of await q(`
      SELECT a.id, a.version, count(v.*)::int AS n, max(v.number) AS maxn,
             count(*) FILTER (WHERE v.number <> v.version)::int AS mismatched
        FROM article a LEFT JOIN article_revision v ON v.article_id = a.id
       GROUP BY a.id, a.version`)) {
      if (r.n !== r.version || r.maxn !== r.version || r.mismatched > 0)
        bad(
          `article ${r.id} v${r.version} has ${r.n} revisions (max ${r.maxn}, ${r.mismatched} numbered off)`,
        );
    }

    // 3. Every transition has its outbox event in the same order, and no event lacks its transition.
    const evs = await q(`
      SELECT article_id, type, version, payload ? 'rerender' AS rerender FROM event ORDER BY seq`);
    const trs = await q(
      `SELECT article_id, action, data, actor_id FROM article_event ORDER BY created_at, id`,
    );
    const byArticle = new Map();
    const slot = (id) =>
      byArticle.get(id) ?? byArticle.set(id, { events: [], transitions: [], system: [] }).get(id);
    for (const e of evs) if (!e.rerender) slot(e.article_id).events.push(e.type);
    for (const t of trs) {
      const s = slot(t.article_id);
      const type = EVENT_OF[t.action]?.(t.data);
      if (type) s.transitions.push(type);
      if (t.actor_id === null) s.system.push(t.action);
    }
    for (const [id, s] of byArticle) {
      if (s.events.join() !== s.transitions.join())
        bad(`article ${id}: transitions [${s.transitions}] but events [${s.events}]`);
    }
    const eventVersions = await q(`
      SELECT e.article_id, e.version FROM event e
       WHERE NOT (e.payload ? 'rerender')
         AND NOT EXISTS (SELECT 1 FROM article_revision r WHERE r.article_id = e.article_id AND r.number = e.version)`);
    for (const e of eventVersions)
      bad(`event of ${e.article_id} names version ${e.version} that has no revision`);

    // 4. The clients' ledger: every acknowledged change is there, once, and nothing else changed the article
    //    but the scheduler (the only other actor).
    const tracked = [...articles.values()];
    const rows = await q(`SELECT id, version, status FROM article WHERE id = ANY($1::uuid[])`, [
      tracked.map((a) => a.id),
    ]);
    const dbById = new Map(rows.map((r) => [r.id, r]));
    for (const a of tracked) {
      const r = dbById.get(a.id);
      if (!r) {
        bad(`acknowledged article ${a.id} is missing`);
        continue;
      }
      const sys = byArticle.get(a.id)?.system.length ?? 0;
      const inFlight = [...clients].some((c) => c.pending?.a === a) ? 1 : 0;
      const expected = a.ops.length + sys;
      if (r.version < expected || r.version > expected + inFlight) {
        const revs = await q(
          `SELECT r.number, r.version, r.actor_id IS NULL AS system, r.snapshot->>'status' AS status, r.created_at
             FROM article_revision r WHERE r.article_id = $1 ORDER BY r.number`,
          [a.id],
        );
        bad(
          `article ${a.id}: ${a.ops.length} acknowledged changes + ${sys} by the scheduler, but version ${r.version}; ` +
            `ledger ${JSON.stringify(a.ops)}; revisions ${JSON.stringify(revs)}`,
        );
      }
    }

    // 5. Scheduled items fire once, when due; embargoes lift once.
    const t = Number(snapshotAt);
    const fired = new Map(
      (
        await q(`SELECT article_id, action, count(*)::int AS n, min(created_at) AS first FROM article_event
                 WHERE actor_id IS NULL GROUP BY article_id, action`)
      ).map((r) => [`${r.article_id}:${r.action}`, r]),
    );
    const lateness = [];
    let overdue = 0;
    for (const [list, action, key] of [
      [scheduled, 'publish', 'at'],
      [embargoed, 'lift_embargo', 'until'],
    ]) {
      for (const s of list) {
        const f = fired.get(`${s.id}:${action}`);
        if (f && f.n > 1) bad(`${action} of ${s.id} ran ${f.n} times`);
        const due = effectiveDue(s[key]);
        if (f) {
          if (f.first.getTime() < s[key] - 50) bad(`${action} of ${s.id} ran before its time`);
          if (due !== null) lateness.push(Math.max(0, f.first.getTime() - due));
        } else if (due !== null && t - due > SCHEDULE_GRACE_MS) {
          overdue++;
          if (final) bad(`${action} of ${s.id} due at ${new Date(s[key]).toISOString()} never ran`);
        }
      }
    }
    stats.lateness = lateness;
    stats.overdue = overdue;

    // 6. Webhooks: one delivery per event and webhook; the receiver never sees two ids for one event.
    const [d] = await q(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*)::int AS total,
              (SELECT count(*)::int FROM event) AS events,
              (SELECT count(*)::int FROM webhook_dispatch_queue) AS undispatched
         FROM webhook_delivery WHERE webhook_id = $1`,
      [webhookId],
    );
    stats.deliveries = d;
    const rs = receiverStats(rx);
    if (rs.eventsWithSeveralIds > 0)
      bad(`${rs.eventsWithSeveralIds} event(s) reached the receiver under several delivery ids`);
    if (final) {
      if (d.failed > 0) bad(`${d.failed} deliveries failed`);
      if (d.pending > 0 || d.undispatched > 0)
        bad(`${d.pending} deliveries still pending, ${d.undispatched} events never dispatched`);
      if (d.total !== d.events) bad(`${d.events} events but ${d.total} deliveries`);
      const ids = await q(
        `SELECT id, event_id FROM webhook_delivery WHERE webhook_id = $1 AND status = 'succeeded'`,
        [webhookId],
      );
      const missing = ids.filter((r) => rx.byDelivery.get(r.id)?.eventId !== r.event_id).length;
      if (missing > 0) bad(`${missing} succeeded deliveries never reached the receiver with their event`);
    }
    await c.query('COMMIT');
  });
  return found;
}

// ---- main ------------------------------------------------------------------------------------------

const clients = new Set();

async function main() {
  const t0 = Date.now();
  const mach = await machine();
  log(`seed ${SEED}; ${KILLS} kills; ${CLIENTS} clients; machine ${JSON.stringify(mach)}`);
  const db = await throwAwayDatabase('dateline_crash', { keep: opt['keep-db'], log });
  await analyzeLikeAutovacuum(db.url, { log });
  const rx = await startReceiver();
  const port = await freePort();
  const logFile = path.join(os.tmpdir(), `dateline-crash-${process.pid}.log`);
  const env = appEnv(db.url, port);
  const base = `http://127.0.0.1:${port}`;
  log(`database ${db.name}; app on ${base}; log ${logFile}`);

  const app = { api: null, proc: null };
  app.proc = await startApp('app', env, { logFile });
  upIntervals.push([Date.now(), null]);
  const token = await login(base, ADMIN.email, ADMIN.password);
  app.api = api(base, token, { timeoutMs: 15_000 });
  const hook = await app.api.post('/api/v1/webhooks', {
    url: rx.url,
    events: ['*'],
    description: 'crash-test',
  });
  if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${JSON.stringify(hook.body)}`);
  const webhookId = hook.body.id;
  for (let i = 0; i < CLIENTS; i++) clients.add(new Client(i, app));

  const rounds = [];
  for (round = 1; round <= KILLS; round++) {
    if (Date.now() - t0 > MAX_MS - SETTLE_MS - 30_000) {
      log(`time budget: stopping after ${round - 1} kills`);
      break;
    }
    const before = { ...stats };
    const deliveredBefore = stats.deliveries?.succeeded ?? 0;
    // Run the stream, kill at a random moment.
    let stop = false;
    const loops = [...clients].map(async (c) => {
      while (!stop) {
        try {
          await c.step();
        } catch (e) {
          violate(round, `client ${c.n}: ${e.message}`);
          await sleep(200);
        }
        if (c.pending || c.pendingCreate) break; // the app is gone; wait for the restart
      }
    });
    const delay = MIN_DELAY + random() * (MAX_DELAY - MIN_DELAY);
    await sleep(delay);
    process.kill(app.proc.pid, 'SIGKILL');
    const killedAt = Date.now();
    upIntervals.at(-1)[1] = killedAt;
    while (!app.proc.exited) await sleep(10);
    stop = true;
    await Promise.all(loops);

    // Restart, then resolve what the kill interrupted.
    const tRestart = now();
    app.proc = await startApp('app', env, { logFile });
    const readyMs = now() - tRestart;
    upIntervals.push([Date.now(), null]);
    for (const c of clients) await c.resolvePending();

    const found = await checkInvariants(db, webhookId, rx);
    for (const f of found) violate(round, f);
    const row = {
      round,
      killAfterMs: Math.round(delay),
      ok: stats.ok - before.ok,
      interrupted: stats.unknown - before.unknown,
      appliedBeforeKill: stats.resolvedApplied - before.resolvedApplied,
      readyMs: Math.round(readyMs),
      articles: articles.size,
      events: stats.deliveries.events,
      delivered: stats.deliveries.succeeded,
      deliveredSinceLast: stats.deliveries.succeeded - deliveredBefore,
      pending: stats.deliveries.pending,
      overdue: stats.overdue,
      violations: found.length,
    };
    rounds.push(row);
    log(
      `round ${round}: killed after ${row.killAfterMs} ms; ${row.ok} ok, ${row.interrupted} interrupted ` +
        `(${row.appliedBeforeKill} had been applied); ready again in ${row.readyMs} ms; ${row.events} events, ` +
        `${row.delivered} delivered, ${row.pending} pending; ${row.overdue} scheduled overdue; ${row.violations} violations`,
    );
  }
  const killsDone = rounds.length;

  // Let the scheduler and the webhook worker catch up, then the final check.
  log(`settling: waiting up to ${SETTLE_MS / 1000} s for due jobs and deliveries`);
  const settleStart = Date.now();
  let finalFound = [];
  for (;;) {
    finalFound = await checkInvariants(db, webhookId, rx, { final: true });
    if (finalFound.length === 0 || Date.now() - settleStart > SETTLE_MS) break;
    await sleep(2000);
  }
  const settledMs = Date.now() - settleStart;
  for (const f of finalFound) violate('final', f);

  const rs = receiverStats(rx);
  const readies = rounds.map((r) => r.readyMs);
  const lat = stats.lateness ?? [];
  console.log('\nPer round:');
  console.log(
    table(
      [
        'round',
        'kill after ms',
        'ok',
        'interrupted',
        'had applied',
        'ready ms',
        'articles',
        'events',
        'delivered',
        'pending',
        'sched. overdue',
        'violations',
      ],
      rounds.map((r) => [
        r.round,
        r.killAfterMs,
        r.ok,
        r.interrupted,
        r.appliedBeforeKill,
        r.readyMs,
        r.articles,
        r.events,
        r.delivered,
        r.pending,
        r.overdue,
        r.violations,
      ]),
    ),
  );
  const summary = [
    ['kills survived', `${killsDone}`],
    ['requests acknowledged / interrupted by a kill', `${stats.ok} / ${stats.unknown}`],
    [
      'interrupted, found applied / not applied on resend',
      `${stats.resolvedApplied} / ${stats.resolvedNotApplied}`,
    ],
    [
      'edit/transition latency p50 / p99 ms',
      `${fmt(percentile(opLatencies, 50))} / ${fmt(percentile(opLatencies, 99))}`,
    ],
    ['restart to /health/ready p50 / max ms', `${fmt(percentile(readies, 50))} / ${fmt(maxOf(readies))}`],
    ['articles tracked', `${articles.size}`],
    ['scheduled items / embargoes', `${scheduled.length} / ${embargoed.length}`],
    [
      'scheduler lateness after due-with-app-up p50 / max ms',
      `${fmt(percentile(lat, 50))} / ${fmt(maxOf(lat))}`,
    ],
    ['outbox events / deliveries succeeded', `${stats.deliveries.events} / ${stats.deliveries.succeeded}`],
    [
      'receiver: requests / delivery ids / duplicate receptions',
      `${rs.requests} / ${rs.deliveryIds} / ${rs.duplicates}`,
    ],
    ['events seen under two delivery ids', `${rs.eventsWithSeveralIds}`],
    ['time to settle after the last kill', `${(settledMs / 1000).toFixed(1)} s`],
    ['violations', `${violations.length}`],
    ['total run time', `${((Date.now() - t0) / 1000).toFixed(0)} s`],
  ];
  console.log('\nSummary:');
  console.log(table(['figure', 'value'], summary));
  if (violations.length > 0) {
    console.log('\nViolations:');
    for (const v of violations.slice(0, 50)) console.log(`- round ${v.round}: ${v.what}`);
  }
  const ok = violations.length === 0 && killsDone >= Math.min(KILLS, 1);
  console.log(`\ncrash-test ${ok ? 'PASSED' : 'FAILED'} (seed ${SEED}, log ${logFile})`);
  if (ok) fs.rmSync(logFile, { force: true });
  return ok;
}

runMain(main, { deadlineMs: MAX_MS + 60_000, log });
