#!/usr/bin/env node
// Push latency and dispatch throughput of webhooks on a throw-away database:
//
//   npm run bench:push [-- --rate 20 --seconds 20 --receivers 5 --burst 400]
//   (DATABASE_URL names the server; default postgres://postgres@127.0.0.1:5432/postgres)
//
// Starts the app in a child process and 5 local receivers (each answers 200 at once), subscribes one webhook
// per receiver to every event, then:
//  1. paced: publishes stories through the API at --rate per second for --seconds, each followed 50 ms later
//     by its unpublish (two events per story, so each receiver sees both of an article in order). Latency of
//     an event at a receiver is measured from the moment the API answered the transition (its transaction
//     had committed by then: a lower bound of commit-to-200) and from the moment the request was sent
//     (an upper bound); prints p50/p90/p99 of both, and the per-article order violations found (must be 0).
//  2. burst: publishes --burst stories as fast as 8 concurrent requests allow, and prints deliveries per
//     second over the window from the first to the last delivery of the burst (bounded by the publishing).
//  3. backlog: the receivers hold their requests open while --burst more stories are published, so the
//     deliveries queue up; then they answer, and the deliveries per second are counted from that moment to
//     the last one: the dispatch throughput.
const os = require('node:os');
const http = require('node:http');
const { parseArgs } = require('node:util');
const { request, startApp, runBench } = require('./lib/app-child.cjs');

const { values: opt } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    receivers: { type: 'string', default: '5' },
    burst: { type: 'string', default: '400' },
    serve: { type: 'boolean', default: false },
  },
});

function receiver() {
  const got = [];
  // While `held`, requests are kept open (answered at release): the deliveries behind them wait as a backlog.
  const r = { got, held: null };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const answer = () => {
        got.push({
          at: performance.now(),
          type: body.type,
          articleId: body.articleId,
          version: body.version,
        });
        res.writeHead(200).end();
      };
      if (r.held) r.held.push(answer);
      else answer();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(Object.assign(r, { url: `http://127.0.0.1:${server.address().port}/hook`, server })),
    ),
  );
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const rate = Number(opt.rate);
  const seconds = Number(opt.seconds);
  const burst = Number(opt.burst);
  const { port, token, stop, databaseUrl } = await startApp(__filename, 'dateline_bench_push', {
    WEBHOOK_ALLOW_PRIVATE: 'true',
    // The backlog phase holds receivers' requests for several seconds.
    WEBHOOK_TIMEOUT_MS: '60000',
    RATE_LIMIT_ANON_PER_MINUTE: '100000000',
  });
  const receivers = await Promise.all(Array.from({ length: Number(opt.receivers) }, receiver));
  // Production runs autovacuum; where the server has it off (as here), ANALYZE stands in for its
  // auto-analyze, or the planner keeps guessing one row per table as the delivery table grows.
  const { Client } = require('pg');
  const analyzer = new Client({ connectionString: databaseUrl });
  await analyzer.connect();
  const autovacuum = (await analyzer.query('SHOW autovacuum')).rows[0].autovacuum === 'on';
  let analyzing = Promise.resolve();
  const analyzeTimer = autovacuum
    ? null
    : setInterval(() => {
        analyzing = analyzing.then(() =>
          analyzer.query('ANALYZE').then(
            () => undefined,
            () => undefined,
          ),
        );
      }, 5_000);
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (method, url, body, headers = {}) => {
    const res = await request(port, method, url, {
      headers: { ...auth, ...headers },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${res.text}`);
    return res.json;
  };
  const draft = (i) =>
    call('POST', '/api/v1/articles', {
      headline: `Push benchmark story ${i}`,
      body: '<p>The consultations took place in Astana.</p>',
      dateline: { place: 'ASTANA' },
    });
  const act = async (story, action) => {
    const sent = performance.now();
    const res = await request(port, 'POST', `/api/v1/articles/${story.id}/transitions`, {
      headers: { ...auth, 'if-match': `"${story.version}"` },
      body: JSON.stringify({ action }),
    });
    if (res.status !== 200) throw new Error(`${action}: ${res.status} ${res.text}`);
    return { story: res.json, sent, answered: performance.now() };
  };
  try {
    for (const r of receivers) await call('POST', '/api/v1/webhooks', { url: r.url, events: ['*'] });
    console.log(
      `cpus ${os.cpus().length}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}; ${receivers.length} receivers`,
    );

    // 1. Paced.
    const total = rate * seconds;
    const drafts = [];
    for (let i = 0; i < total; i++) drafts.push(await draft(i));
    const marks = new Map(); // `${articleId} ${type}` -> { sent, answered }
    const pending = [];
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const story = (async () => {
        const pub = await act(drafts[i], 'publish');
        marks.set(`${pub.story.id} article.published`, pub);
        await sleep(50);
        const un = await act(pub.story, 'unpublish');
        marks.set(`${un.story.id} article.unpublished`, un);
      })();
      // Handled here so a failure cannot end the process before Promise.all (and the cleanup) is reached.
      story.catch(() => undefined);
      pending.push(story);
    }
    await Promise.all(pending);
    const expected = marks.size;
    for (let t = 0; t < 600 && receivers.some((r) => r.got.length < expected); t++) await sleep(100);
    const fromAnswer = [];
    const fromSent = [];
    let violations = 0;
    let missing = 0;
    for (const r of receivers) {
      const seen = new Set();
      const lastVersion = new Map();
      for (const g of r.got) {
        const mark = marks.get(`${g.articleId} ${g.type}`);
        if (!mark) continue;
        seen.add(`${g.articleId} ${g.type}`);
        fromAnswer.push(g.at - mark.answered);
        fromSent.push(g.at - mark.sent);
        if ((lastVersion.get(g.articleId) ?? -1) > g.version) violations++;
        lastVersion.set(g.articleId, g.version);
      }
      missing += expected - seen.size;
    }
    fromAnswer.sort((a, b) => a - b);
    fromSent.sort((a, b) => a - b);
    const f = (xs) =>
      `p50 ${pct(xs, 50).toFixed(0)} ms, p90 ${pct(xs, 90).toFixed(0)} ms, p99 ${pct(xs, 99).toFixed(0)} ms`;
    console.log(
      `paced: ${expected} events (${rate}/s publish + unpublish, ${(expected / seconds).toFixed(0)} events/s) x ` +
        `${receivers.length} receivers = ${fromAnswer.length} deliveries, ${missing} missing, ${violations} out of order`,
    );
    console.log(`  latency from the API's answer (commit before it): ${f(fromAnswer)}`);
    console.log(`  latency from the request sent (commit after it):  ${f(fromSent)}`);

    // 2. Burst.
    for (const r of receivers) r.got.length = 0;
    const burstDrafts = [];
    for (let i = 0; i < burst; i++) burstDrafts.push(await draft(`b${i}`));
    const ids = new Set(burstDrafts.map((d) => d.id));
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < burstDrafts.length) await act(burstDrafts[next++], 'publish');
      }),
    );
    const want = burst * receivers.length;
    const burstGot = () => receivers.flatMap((r) => r.got.filter((g) => ids.has(g.articleId)));
    for (let t = 0; t < 1200 && burstGot().length < want; t++) await sleep(100);
    const times = burstGot()
      .map((g) => g.at)
      .sort((a, b) => a - b);
    const span = (times[times.length - 1] - times[0]) / 1000;
    console.log(
      `burst: ${burst} stories published by 8 concurrent requests -> ${times.length}/${want} deliveries in ` +
        `${span.toFixed(2)} s = ${(times.length / span).toFixed(0)} deliveries/s`,
    );

    // 3. Backlog drain: the receivers hold their requests while --burst more stories are published, so the
    // deliveries queue up; then they answer, and the rate is counted from that moment to the last delivery.
    for (const r of receivers) {
      r.got.length = 0;
      r.held = [];
    }
    const drainDrafts = [];
    for (let i = 0; i < burst; i++) drainDrafts.push(await draft(`d${i}`));
    const drainIds = new Set(drainDrafts.map((d) => d.id));
    next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < drainDrafts.length) await act(drainDrafts[next++], 'publish');
      }),
    );
    await sleep(3000); // dispatch has created every delivery by then (batches of 100 events)
    const released = performance.now();
    for (const r of receivers) {
      const held = r.held;
      r.held = null;
      for (const answer of held) answer();
    }
    const drainGot = () => receivers.flatMap((r) => r.got.filter((g) => drainIds.has(g.articleId)));
    for (let t = 0; t < 1200 && drainGot().length < want; t++) await sleep(50);
    const last = Math.max(...drainGot().map((g) => g.at));
    const drainSpan = (last - released) / 1000;
    console.log(
      `backlog: ${drainGot().length}/${want} queued deliveries sent in ${drainSpan.toFixed(2)} s after the ` +
        `receivers answered = ${(drainGot().length / drainSpan).toFixed(0)} deliveries/s`,
    );
  } finally {
    if (analyzeTimer) clearInterval(analyzeTimer);
    await analyzing;
    await analyzer.end();
    for (const r of receivers) r.server.close();
    await stop();
  }
}

runBench(main);
