#!/usr/bin/env node
// `npm run bench:desk`: figures of the built desk in headless chromium against `node dist/main.js` on loopback.
//
//   node scripts/desk-figures.mjs [--runs 10] [--keys 200] [--stories 60]
//
// Needs `npm run build` (dist/ and desk/dist/) and /usr/bin/chromium. Creates a fresh database
// `dateline_desk_figures_<pid>` on FIGURES_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
// starts the server on a free port, seeds stories through the API, then measures:
//   1. the JS the stories screen loads: each script's gzip -9 size (from desk/dist/assets) and the bytes on the
//      wire (the browser's network log; the server sends the build's precompressed .br/.gz);
//   2. navigation → first row of the stories list, cold (new profile, empty cache) and warm (reload), --runs each;
//   3. typing latency in a 5,000-word body: keydown → the next painted frame (requestAnimationFrame, then a
//      task after it), median and p95 over --keys keystrokes.
// Prints the figures and the machine; every process and the database are removed at the end.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const { Client } = require('pg');
const { chromium } = require('playwright-core');

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    keys: { type: 'string', default: '200' },
    stories: { type: 'string', default: '60' },
  },
});
const RUNS = Number(opt.runs);
const KEYS = Number(opt.keys);
const STORIES = Number(opt.stories);
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const ADMIN = { email: 'figures@dateline.test', password: 'figures-password-123' };

for (const [file, hint] of [
  ['dist/main.js', 'npm run build'],
  ['desk/dist/index.html', 'npm run build'],
  [CHROMIUM, 'apt-get install -y chromium'],
]) {
  if (!fs.existsSync(path.resolve(ROOT, file))) throw new Error(`${file} is missing: ${hint}`);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const ms = (x) => `${x.toFixed(1)} ms`;
const kb = (x) => `${(x / 1024).toFixed(1)} KiB`;

const baseUrl = process.env.FIGURES_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `dateline_desk_figures_${process.pid}`;
const dbUrl = Object.assign(new URL(baseUrl), { pathname: `/${dbName}` }).toString();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-figures-'));
let server;
let browser;

async function admin(sql) {
  const c = new Client({ connectionString: baseUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function startServer(port) {
  server = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: dbUrl,
      DATA_DIR: dataDir,
      JWT_SECRET: 'desk-figures-secret-that-is-long-enough-0123456789',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    },
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ok = await fetch(`${base}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return base;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function api(base, token, method, url, body) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

const WORDS = 'grain harbour convoy minister council budget weather snow coast road bridge repairs'.split(' ');
function longBody(words) {
  const paragraphs = [];
  for (let i = 0; i < words; i += 100) {
    const n = Math.min(100, words - i);
    paragraphs.push(`<p>${Array.from({ length: n }, (_, j) => WORDS[(i + j) % WORDS.length]).join(' ')}.</p>`);
  }
  return paragraphs.join('');
}

async function main() {
  await admin(`CREATE DATABASE "${dbName}"`);
  const base = await startServer(await freePort());
  const { accessToken } = await api(base, null, 'POST', '/api/v1/auth/login', ADMIN);
  for (let i = 0; i < STORIES; i++) {
    await api(base, accessToken, 'POST', '/api/v1/articles', {
      headline: `Figures story ${i + 1}`,
      body: '<p>Short text for the list.</p>',
    });
  }
  const long = await api(base, accessToken, 'POST', '/api/v1/articles', {
    headline: 'A 5,000-word story',
    body: longBody(5000),
  });

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const signedIn = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const page = await signedIn.newPage();
  await page.goto('/desk/');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').getByRole('link', { name: 'Stories' }).waitFor();
  const storageState = await signedIn.storageState();

  // When the first row of the list is in the DOM, in the page's own clock (0 = navigation start).
  const firstRowProbe = () => {
    const seen = () => document.querySelector('table.stories tbody tr');
    new MutationObserver((_, obs) => {
      if (seen()) {
        window.__firstRow = performance.now();
        obs.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  };

  // 1 + 2 cold: a new profile each time, so nothing is cached.
  const cold = [];
  let scripts = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ baseURL: base, storageState });
    const p = await context.newPage();
    await p.addInitScript(firstRowProbe);
    const loaded = [];
    p.on('requestfinished', async (req) => {
      if (req.resourceType() === 'script') loaded.push({ url: req.url(), wire: (await req.sizes()).responseBodySize });
    });
    await p.goto('/desk/stories');
    await p.waitForFunction(() => window.__firstRow !== undefined);
    cold.push(await p.evaluate(() => window.__firstRow));
    await p.waitForLoadState('networkidle');
    if (i === 0) scripts = [...loaded];
    await context.close();
  }
  // 2 warm: the same profile reloads (the hashed assets come from the cache).
  const warm = [];
  const wp = await signedIn.newPage();
  await wp.addInitScript(firstRowProbe);
  await wp.goto('/desk/stories');
  await wp.waitForFunction(() => window.__firstRow !== undefined);
  for (let i = 0; i < RUNS; i++) {
    await wp.reload();
    await wp.waitForFunction(() => window.__firstRow !== undefined);
    warm.push(await wp.evaluate(() => window.__firstRow));
  }

  const js = scripts.map(({ url, wire }) => {
    const file = path.join(ROOT, 'desk', 'dist', new URL(url).pathname.replace(/^\/desk\//, ''));
    const raw = fs.readFileSync(file);
    return { file: path.basename(file), raw: raw.length, gzip: zlib.gzipSync(raw, { level: 9 }).length, wire };
  });

  // 3: typing at the end of a 5,000-word body, in the tab in front (a background tab gets ~1 frame a second).
  await wp.close();
  await page.bringToFront();
  await page.addInitScript(() => {
    window.__latency = [];
    document.addEventListener(
      'keydown',
      (e) => {
        const t0 = e.timeStamp;
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => window.__latency.push(performance.now() - t0);
          ch.port2.postMessage(0);
        });
      },
      true,
    );
  });
  await page.goto(`/desk/stories/${long.id}`);
  const body = page.getByRole('textbox', { name: 'Body', exact: true });
  await body.waitFor();
  const words = await body.evaluate((el) => el.innerText.split(/\s+/).filter(Boolean).length);
  await body.click();
  await page.keyboard.press('Control+End');
  await page.waitForFunction(() => window.__latency.length >= 1); // that keydown's own frame, then start afresh
  await page.evaluate(() => (window.__latency.length = 0));
  const text = ' the convoy reached the port';
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.type(text[i % text.length]);
    await page.waitForFunction((n) => window.__latency.length >= n, i + 1);
  }
  const latency = await page.evaluate(() => window.__latency);

  const machine = {
    cpu: `${os.cpus()[0].model} × ${os.cpus().length}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    load: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    node: process.version,
    chromium: browser.version(),
    os: `${os.type()} ${os.release()}`,
  };
  const total = (k) => js.reduce((a, s) => a + s[k], 0);
  console.log('\nDesk figures');
  console.log(`machine: ${Object.entries(machine).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  console.log('\n1. JS the stories screen loads');
  for (const s of js) console.log(`   ${s.file}: ${kb(s.raw)} raw, ${kb(s.gzip)} gzip -9, ${kb(s.wire)} on the wire`);
  console.log(`   total: ${kb(total('raw'))} raw, ${kb(total('gzip'))} gzip -9, ${kb(total('wire'))} on the wire`);
  console.log(`\n2. navigation → first row of the stories list (${STORIES + 1} stories, loopback, ${RUNS} runs each)`);
  console.log(`   cold: median ${ms(quantile(cold, 0.5))}, p95 ${ms(quantile(cold, 0.95))}, min ${ms(Math.min(...cold))}`);
  console.log(`   warm: median ${ms(quantile(warm, 0.5))}, p95 ${ms(quantile(warm, 0.95))}, min ${ms(Math.min(...warm))}`);
  console.log(`\n3. typing in a ${words}-word body: keydown → next painted frame, ${latency.length} keystrokes`);
  console.log(`   median ${ms(quantile(latency, 0.5))}, p95 ${ms(quantile(latency, 0.95))}, max ${ms(Math.max(...latency))}`);
}

async function cleanup() {
  await browser?.close().catch(() => {});
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch((e) => console.error(e.message));
  fs.rmSync(dataDir, { recursive: true, force: true });
}

process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
try {
  await main();
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await cleanup();
}
