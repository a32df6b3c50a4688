#!/usr/bin/env node
// Archive import throughput through the command-line path (`import-archive`), on a fresh database:
//
//   npm run bench:import                       (100,000 items)
//   npm run bench:import -- --items 1000000    (a million: ~3.5 GB of NDJSON, ~17 min at 1,000 items/s)
//   options: --batch-size N, --heap MB (the CLI's V8 heap cap, default 128; 0 for Node's default), --keep, --seed N
//
// Writes N deterministic wire stories (the yardstick's shape: ~3 KB bodies, 1–2 of 50 authors, 3–6 of 500
// tags, ten years of publication times) as NDJSON under $BENCH_ROOT/import (streamed, never held in memory),
// creates a database on DATABASE_URL's server, runs the CLI from this checkout's sources on it, samples
// the importer's RSS (every 200 ms), and prints items/s, the RSS over the run (start, middle, end, peak, and a
// line per tenth of the records imported, so flat memory shows as flat figures), the load average and the
// machine. The database is dropped at the end (unless --keep).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { rssByProgress, startMiddleEnd } from './rss-timeline.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '20260101' },
    'batch-size': { type: 'string' },
    heap: { type: 'string', default: '128' },
    keep: { type: 'boolean', default: false },
  },
});
const ITEMS = Number(values.items);
const SEED = Number(values.seed);
if (!Number.isInteger(ITEMS) || ITEMS < 1) throw new Error('--items must be a positive integer');
const HEAP_MB = Number(values.heap);
if (!Number.isInteger(HEAP_MB) || HEAP_MB < 0) throw new Error('--heap must be a whole number of MB (0: no cap)');
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DIR = path.join(process.env.BENCH_ROOT || '/tmp/dateline-bench', 'import');

// mulberry32, as the yardstick's generator
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Anna', 'Ben', 'Carla', 'David', 'Elena', 'Farid', 'Grace', 'Hiroshi', 'Ines', 'Jonas', 'Kavya', 'Liam', 'Maria'];
const LAST = ['Adler', 'Brennan', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski'];
const CITIES = ['LONDON', 'PARIS', 'BERLIN', 'ASTANA', 'ALMATY', 'GENEVA', 'NEW YORK', 'TOKYO', 'NAIROBI', 'MADRID'];
const COMPANIES = ['Northwind Energy', 'Helios Motors', 'Blue Harbor Shipping', 'Apex Semiconductors', 'Verdant Foods', 'Orion Telecom'];
const ORGS = ['the central bank', 'the finance ministry', 'the energy regulator', 'the port authority', 'the statistics office'];
const TOPICS = ['inflation', 'drought', 'tariffs', 'refinery', 'vaccine', 'election', 'merger', 'pipeline', 'wildfire', 'harvest', 'lithium', 'housing'];
const VERBS = ['raises', 'cuts', 'delays', 'approves', 'rejects', 'expands', 'suspends', 'announces', 'reviews', 'extends'];
const OBJECTS = ['forecast', 'plan', 'investment', 'deal', 'outlook', 'target', 'programme', 'rules', 'guidance', 'aid package'];
const SECTORS = ['Energy', 'Markets', 'Health', 'Politics', 'Technology', 'Agriculture', 'Transport', 'Climate', 'Finance', 'Mining'];
const REGIONS = ['Europe', 'Asia', 'Africa', 'Americas', 'Middle East', 'Central Asia', 'Balkans', 'Gulf', 'Pacific', 'Baltics'];

/** Writes the items file unless one for these options exists; returns its path. */
async function generate() {
  const file = path.join(DIR, `items-${ITEMS}-${SEED}.ndjson`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(DIR, { recursive: true });
  const R = rng(SEED);
  const pick = (a) => a[Math.floor(R() * a.length)];
  const int = (lo, hi) => lo + Math.floor(R() * (hi - lo + 1));
  const authors = Array.from({ length: 50 }, (_, i) => `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]} ${i}`);
  const tags = Array.from({ length: 500 }, (_, i) =>
    i < SECTORS.length ? SECTORS[i] : `${pick(REGIONS)} ${pick(SECTORS)} ${i}`,
  );
  const start = Date.UTC(2014, 0, 1);
  const span = Date.UTC(2024, 0, 1) - start;
  const tmp = `${file}.part`;
  const out = fs.createWriteStream(tmp);
  for (let i = 1; i <= ITEMS; i++) {
    const topic = pick(TOPICS);
    const company = pick(COMPANIES);
    const headline = `${company} ${pick(VERBS)} ${pick(OBJECTS)} as ${topic} pressure mounts in ${pick(REGIONS)}`;
    const paras = [];
    let len = 0;
    const target = int(2700, 3300);
    while (len < target) {
      const p =
        `${company} said it ${pick(VERBS)} its ${pick(OBJECTS)} after talks with ${pick(ORGS)} on ${topic}, ` +
        `with ${int(2, 40)} of ${int(41, 60)} analysts expecting a change worth ${int(1, 950)} million. ` +
        `"We are monitoring ${topic} closely," a spokesperson for ${company} said.`;
      paras.push(`<p>${p}</p>`);
      len += p.length;
    }
    const nTags = int(3, 6);
    const itemTags = new Set();
    while (itemTags.size < nTags) itemTags.add(tags[Math.floor(Math.pow(R(), 2) * tags.length)]);
    const item = {
      id: `bench-${SEED}-${i}`,
      headline,
      summary: `${company} ${pick(VERBS)} its ${pick(OBJECTS)}, citing ${topic}.`,
      language: 'en',
      publishedAt: new Date(start + Math.floor(R() * span)).toISOString(),
      dateline: { place: pick(CITIES) },
      body: paras.join(''),
      authors: R() < 0.7 ? [pick(authors)] : [pick(authors), pick(authors)],
      tags: [...itemTags],
    };
    if (!out.write(`${JSON.stringify(item)}\n`)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  fs.renameSync(tmp, file);
  return file;
}

const TICK = 100; // clock ticks per second in /proc/<pid>/stat (USER_HZ)

/** utime + stime of a process in seconds, or null once it is gone. */
function cpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return null;
  }
}

/**
 * Samples, every 200 ms while the importer runs: its resident set (peak), its CPU time, and the CPU time of
 * the PostgreSQL backends serving the bench database (found through pg_stat_activity), so the figures say
 * what an item costs whatever else the machine is doing.
 */
function sample(pid, admin, database, t0) {
  let peak = 0;
  let nodeCpu = 0;
  const rss = []; // [ms since start, MB]
  const load = []; // 1-minute load average at each sample
  const backends = new Map();
  let busy = false;
  const timer = setInterval(async () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      // An exited process (a zombie until it is reaped) has no VmRSS line: not a sample.
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      if (kb > 0) {
        peak = Math.max(peak, kb);
        rss.push([Date.now() - t0, kb / 1024]);
        load.push(os.loadavg()[0]);
      }
      nodeCpu = cpuSeconds(pid) ?? nodeCpu;
    } catch {
      // exited
    }
    if (busy) return;
    busy = true;
    try {
      const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
      for (const { pid: b } of rows) {
        const s = cpuSeconds(b);
        if (s !== null) backends.set(b, s);
      }
    } finally {
      busy = false;
    }
  }, 200);
  return () => {
    clearInterval(timer);
    const pgCpu = [...backends.values()].reduce((a, b) => a + b, 0);
    // The peak in each quarter of the run: flat memory shows as four similar figures.
    const end = rss.at(-1)?.[0] ?? 0;
    const quarters = [0, 1, 2, 3].map((q) =>
      Math.max(0, ...rss.filter(([t]) => t >= (q * end) / 4 && t <= ((q + 1) * end) / 4).map(([, mb]) => mb)),
    );
    const loadDuring = load.length ? { mean: load.reduce((a, b) => a + b, 0) / load.length, max: Math.max(...load) } : null;
    return { rssMb: peak / 1024, rss, quarters, nodeCpu, pgCpu, loadDuring };
  };
}

async function main() {
  const genStart = Date.now();
  const file = await generate();
  const bytes = fs.statSync(file).size;
  console.log(`items: ${ITEMS.toLocaleString('en')} in ${file} (${(bytes / 1048576).toFixed(0)} MB, ${((Date.now() - genStart) / 1000).toFixed(1)} s to write or find)`);
  const name = `dateline_import_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const load = os.loadavg();
  try {
    // The heap cap the server has too (Dockerfile): V8 otherwise lets the heap grow far past what is live.
    const args = [
      ...(HEAP_MB > 0 ? [`--max-old-space-size=${HEAP_MB}`] : []),
      'scripts/cli-from-source.cjs',
      'import-archive',
      file,
      '--format',
      'ndjson',
    ];
    if (values['batch-size']) args.push('--batch-size', values['batch-size']);
    const started = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const stop = sample(child.pid, admin, name, started);
    let output = '';
    const progress = []; // [ms since start, records], from the CLI's progress lines
    child.stdout.on('data', (d) => {
      output += d;
      for (const m of String(d).matchAll(/^([\d,]+) records/gm)) {
        progress.push([Date.now() - started, Number(m[1].replaceAll(',', ''))]);
      }
      process.stdout.write(d);
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    const { rssMb: peak, rss, quarters, nodeCpu, pgCpu, loadDuring } = stop();
    const timeline = rssByProgress(rss, progress, ITEMS, 10);
    const sme = startMiddleEnd(timeline);
    const wall = (Date.now() - started) / 1000;
    if (code !== 0) throw new Error(`the import exited with ${code}`);
    const summary = /completed: ([\d,]+) records in ([\d.]+) s \(([\d,]+) items\/s\)/.exec(output);
    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    const [{ articles, publications }] = (
      await check.query(
        `SELECT (SELECT count(*) FROM article)::int AS articles, (SELECT count(*) FROM publication WHERE status = 'live')::int AS publications`,
      )
    ).rows;
    await check.end();
    const loadAfter = os.loadavg();
    console.log('\n--- bench:import ---');
    console.log(`items            ${ITEMS.toLocaleString('en')} (articles ${articles.toLocaleString('en')}, live publications ${publications.toLocaleString('en')})`);
    console.log(`import           ${summary?.[2] ?? '?'} s, ${summary?.[3] ?? '?'} items/s (the run, as the CLI reports it)`);
    console.log(`wall             ${wall.toFixed(1)} s with start-up and migrations (${Math.round(ITEMS / wall).toLocaleString('en')} items/s)`);
    console.log(
      `importer RSS     peak ${peak.toFixed(0)} MB; peak per quarter of the run ${quarters.map((q) => q.toFixed(0)).join(' / ')} MB (sampled every 200 ms)`,
    );
    const mb = (x) => (x === null ? '-' : x.toFixed(0));
    if (sme) console.log(`RSS by progress  start ${mb(sme.start)} MB, middle ${mb(sme.middle)} MB, end ${mb(sme.end)} MB, peak ${peak.toFixed(0)} MB (peaks of the first, middle and last tenth of the records)`);
    for (const part of timeline) {
      console.log(`  up to ${part.upTo.toLocaleString('en').padStart(9)} records: peak ${mb(part.peakMb).padStart(4)} MB, last ${mb(part.lastMb).padStart(4)} MB`);
    }
    console.log(`heap cap         ${HEAP_MB > 0 ? `--max-old-space-size=${HEAP_MB}` : 'none (Node default)'}${values['batch-size'] ? `, --batch-size ${values['batch-size']}` : ''}`);
    console.log(
      `CPU per item     importer ${((1000 * nodeCpu) / ITEMS).toFixed(2)} ms, PostgreSQL ${((1000 * pgCpu) / ITEMS).toFixed(2)} ms ` +
        `(${nodeCpu.toFixed(1)} s and ${pgCpu.toFixed(1)} s in all, start-up included)`,
    );
    console.log(
      `load average     ${load.map((x) => x.toFixed(2)).join(' ')} before, ${loadAfter.map((x) => x.toFixed(2)).join(' ')} after` +
        (loadDuring ? `; 1-minute during the run mean ${loadDuring.mean.toFixed(2)}, max ${loadDuring.max.toFixed(2)}` : ''),
    );
    console.log(`machine          ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`);
    if (articles !== ITEMS || publications !== ITEMS) throw new Error('not every item became a published story');
  } finally {
    if (values.keep) console.log(`kept database ${name}`);
    else await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
