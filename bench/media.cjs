#!/usr/bin/env node
// Picture library figures on a throw-away database:
//
//   npm run bench:media            (DATABASE_URL names the server; default postgres://postgres@127.0.0.1:5432/postgres)
//
// Starts the app in a child process (this checkout's TypeScript, compiled on load by swc as the tests do),
// uploads a generated 12-megapixel JPEG and prints the upload time, the time until its renditions are ready
// and renditions per second; then streams a 40 MB upload while sampling the server's RSS, which must not
// grow by the file's size. The database and the data folder are dropped at the end.
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');

const ROOT = path.resolve(__dirname, '..');

function registerTypeScript() {
  const { transformSync } = require('@swc/core');
  const SWC = require('../test/swc-typescript.cjs');
  require.extensions['.ts'] = (module, filename) => {
    if (!filename.startsWith(ROOT + path.sep) || filename.includes(`${path.sep}node_modules${path.sep}`)) {
      throw new Error(`bench/media.cjs compiles this checkout's TypeScript only, not ${filename}`);
    }
    const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...SWC, filename });
    module._compile(code, filename);
  };
  require('reflect-metadata');
}

/** Child mode: the app on the given database, listening on a free port, which it reports on stdout. */
async function serve() {
  registerTypeScript();
  const { createApp } = require('../src/app.setup.ts');
  const app = await createApp(process.env.DATABASE_URL);
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ port: app.getHttpServer().address().port })}\n`);
  process.on('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
}

const ADMIN = { email: 'bench-admin@dateline.test', password: 'bench-password-123' };

function request(port, method, url, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode, json, text });
      });
    });
    req.on('error', reject);
    if (typeof body === 'function') body(req);
    else req.end(body);
  });
}

const BOUNDARY = 'bench-media-boundary-91c';

/** Streams a multipart upload: the file comes from `writeFile(req)`, which writes and then ends nothing. */
function upload(port, token, filename, size, writeFile) {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
      'Content-Type: image/jpeg\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return request(port, 'POST', '/api/v1/media', {
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': String(head.length + size + tail.length),
    },
    body: async (req) => {
      req.write(head);
      await writeFile(req);
      req.end(tail);
    },
  });
}

const rssOf = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
};
const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function photo12mp() {
  const sharp = require('sharp');
  const width = 4000;
  const height = 3000;
  const data = Buffer.alloc(width * height * 3);
  let x = 2463534242;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = (((i % (width * 3)) / 16 + Math.floor(i / (width * 3)) / 12 + (x & 15)) & 255) >>> 0;
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toBuffer();
}

async function main() {
  const { Client } = require('pg');
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `dateline_bench_media_${process.pid}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-bench-media-'));

  const child = spawn(process.execPath, [__filename, '--serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line).port);
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    const login = await request(port, 'POST', '/api/v1/auth/login', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
    const token = login.json.accessToken;

    console.log(
      `cpus ${os.cpus().length}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    const jpeg = await photo12mp();
    console.log(`12 MP JPEG (4000 × 3000): ${mb(jpeg.length)}`);

    const t0 = performance.now();
    const up = await upload(port, token, 'bench.jpg', jpeg.length, async (req) => {
      req.write(jpeg);
    });
    const t1 = performance.now();
    if (up.status !== 201) throw new Error(`upload: ${up.status} ${up.text}`);
    console.log(`upload (HTTP 201, stored, row committed): ${(t1 - t0).toFixed(0)} ms`);
    let media;
    for (;;) {
      const r = await request(port, 'GET', `/api/v1/media/${up.json.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      media = r.json;
      if (media.renditionsStatus !== 'pending') break;
      await sleep(50);
    }
    const t2 = performance.now();
    if (media.renditionsStatus !== 'ready')
      throw new Error(`renditions ${media.renditionsStatus}: ${media.renditionsError}`);
    const seconds = (t2 - t1) / 1000;
    const bytes = media.renditions.reduce((n, r) => n + r.bytes, 0);
    console.log(
      `renditions ready ${seconds.toFixed(2)} s after the upload answered: ${media.renditions.length} files ` +
        `(${mb(bytes)}), ${(media.renditions.length / seconds).toFixed(1)} renditions/s`,
    );

    // 40 MB streamed in 64 KiB chunks (random bytes, refused as not a picture once all of it has arrived).
    const size = 40 * 1048576 - 1024;
    const before = rssOf(child.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid))), 20);
    const chunk = randomBytes(65536);
    const t3 = performance.now();
    const big = await upload(port, token, 'big.jpg', size, async (req) => {
      for (let sent = 0; sent < size; sent += chunk.length) {
        const piece = size - sent < chunk.length ? chunk.subarray(0, size - sent) : chunk;
        if (!req.write(piece)) await new Promise((r) => req.once('drain', r));
      }
    });
    const t4 = performance.now();
    clearInterval(sampler);
    peak = Math.max(peak, rssOf(child.pid));
    console.log(
      `40 MB upload: HTTP ${big.status} (${big.json?.code}) after ${(t4 - t3).toFixed(0)} ms; ` +
        `server RSS ${mb(before)} before, peak ${mb(peak)} during (+${mb(peak - before)})`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) {
  serve().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
