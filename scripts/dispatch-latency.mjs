#!/usr/bin/env node
// Webhook dispatch after a large import with no webhook: how much dispatch work the import leaves, and how
// long the next publish takes to reach a webhook subscribed afterwards. Expects `npm run build` done.
//
//   node scripts/dispatch-latency.mjs [--articles 5000] [--publishes 10] [--concurrency 8]
//
// Creates a throw-away database on DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// starts `node dist/main.js` on it, loads --articles published articles with bench/load.cjs while the
// server runs (a server that stays up through a large import, the case where dispatch work used to pile
// up: one job per published event, with no webhook to deliver it to), counts the job-engine jobs and
// queued dispatches the load left, then subscribes a webhook to a local receiver and publishes
// --publishes articles one after another through the API. Prints, per publish, the time from the
// transition's response (its commit has happened by then) to the receiver's receipt, and the event's
// occurredAt (its transaction's start) to receipt. Figures only: nothing here is a pass/fail bound.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  api,
  appEnv,
  fmt,
  freePort,
  ifMatch,
  login,
  logger,
  machine,
  maxOf,
  onCleanup,
  percentile,
  PROJECT,
  runMain,
  sleep,
  startApp,
  startReceiver,
  throwAwayDatabase,
  track,
  withPg,
} from './lib/harness.mjs';

const { values: opt } = parseArgs({
  options: {
    articles: { type: 'string', default: '5000' },
    publishes: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
  },
  strict: true,
});
const ARTICLES = Number(opt.articles);
const PUBLISHES = Number(opt.publishes);
const CONCURRENCY = Number(opt.concurrency);
const log = logger('dispatch');

function run(name, args, env) {
  return new Promise((resolve, reject) => {
    const child = track(
      name,
      spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: 'inherit' }),
    );
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}`))));
  });
}

async function main() {
  log(`${ARTICLES} articles, then ${PUBLISHES} publishes; machine ${JSON.stringify(await machine())}`);
  const db = await throwAwayDatabase('dateline_dispatch', { log });
  const port = await freePort();
  const env = appEnv(db.url, port);
  const logFile = path.join(os.tmpdir(), `dateline-dispatch-${process.pid}.log`);
  await startApp('app', env, { logFile });
  const base = `http://127.0.0.1:${port}`;

  // A dataset in the yardstick's shape, for bench/load.cjs.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-dispatch-'));
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dataset = path.join(dir, 'dataset.json');
  fs.writeFileSync(
    dataset,
    JSON.stringify({
      authors: [{ id: 1, slug: 'dispatch-author', name: 'Dispatch Author' }],
      tags: [{ id: 1, slug: 'dispatch-tag', name: 'Dispatch' }],
      articles: Array.from({ length: ARTICLES }, (_, i) => ({
        id: i + 1,
        slug: `dispatch-${i + 1}`,
        headline: `Import ${i + 1}: consultations in Astana`,
        body: 'The consultations took place in Astana.\n\nA second paragraph.',
        published_at: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
        author_ids: [1],
        tag_ids: [1],
      })),
    }),
  );
  const since = new Date();
  const t0 = Date.now();
  await run(
    'bench loader',
    [path.join(PROJECT, 'bench', 'load.cjs'), dataset, '--concurrency', String(CONCURRENCY)],
    env,
  );
  log(`loaded ${ARTICLES} articles in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const left = await withPg(db.url, async (c) => ({
    jobs: (
      await c.query(
        `SELECT name, count(*)::int AS n FROM pgboss.job WHERE created_on >= $1 GROUP BY name ORDER BY name`,
        [since],
      )
    ).rows,
    queued: (await c.query('SELECT count(*)::int AS n FROM webhook_dispatch_queue')).rows[0].n,
    events: (await c.query('SELECT count(*)::int AS n FROM event')).rows[0].n,
  }));
  log(
    `the load wrote ${left.events} events; jobs queued since: ${JSON.stringify(left.jobs)}; dispatch queue: ${left.queued}`,
  );

  const rx = await startReceiver();
  const admin = api(base, await login(base));
  const hook = await admin.post('/api/v1/webhooks', { url: rx.url, events: ['*'] });
  if (hook.status !== 201) throw new Error(`webhook: ${hook.status}`);
  const afterCommit = [];
  const afterOccurred = [];
  for (let i = 0; i < PUBLISHES; i++) {
    const draft = await admin.post('/api/v1/articles', {
      headline: `Latency ${i} in Astana`,
      body: '<p>Text.</p>',
    });
    if (draft.status !== 201) throw new Error(`draft: ${draft.status}`);
    const pub = await admin.post(
      `/api/v1/articles/${draft.body.id}/transitions`,
      { action: 'publish' },
      ifMatch(draft.body.version),
    );
    const committed = Date.now();
    if (pub.status !== 200) throw new Error(`publish: ${pub.status}`);
    const deadline = Date.now() + 60_000;
    let arrival;
    while (
      !(arrival = rx.arrivals.find((a) => rx.byDelivery.get(a.deliveryId)?.articleId === draft.body.id))
    ) {
      if (Date.now() > deadline) throw new Error(`publish ${i} never reached the receiver`);
      await sleep(5);
    }
    afterCommit.push(arrival.at - committed);
    afterOccurred.push(arrival.at - arrival.occurredAt);
    await sleep(200);
  }
  log(
    `publish response → receipt ms: p50 ${fmt(percentile(afterCommit, 50))}, max ${fmt(maxOf(afterCommit))} ` +
      `(negative: the delivery arrived before the HTTP response); event occurredAt → receipt ms: ` +
      `p50 ${fmt(percentile(afterOccurred, 50))}, max ${fmt(maxOf(afterOccurred))}; received ${rx.requests} (expected ${PUBLISHES})`,
  );
  return rx.requests === PUBLISHES;
}

runMain(main, { deadlineMs: 60 * 60_000, log });
