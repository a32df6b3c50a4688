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
const os = require('node:os');
const { randomBytes } = require('node:crypto');

const { request, startApp, runBench } = require('./lib/app-child.cjs');

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
  // The delivery figure measures the route, not the anonymous rate limit.
  const { port, token, child, stop } = await startApp(__filename, 'dateline_bench_media', {
    RATE_LIMIT_ANON_PER_MINUTE: '100000000',
  });
  try {
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

    // Public delivery: the picture in a published story, one rendition requested by 32 connections for 10 s.
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const meta = await request(port, 'PATCH', `/api/v1/media/${media.id}`, {
      headers: { ...auth, 'if-match': `"${media.version}"` },
      body: JSON.stringify({ altText: 'A street in Astana', credit: 'Bench Agency' }),
    });
    if (meta.status !== 200) throw new Error(`picture metadata: ${meta.status} ${meta.text}`);
    const story = await request(port, 'POST', '/api/v1/articles', {
      headers: auth,
      body: JSON.stringify({
        headline: 'Bench story with a picture',
        body: '<p>Body.</p>',
        featuredMedia: { mediaId: media.id },
      }),
    });
    if (story.status !== 201) throw new Error(`story: ${story.status} ${story.text}`);
    const published = await request(port, 'POST', `/api/v1/articles/${story.json.id}/transitions`, {
      headers: { ...auth, 'if-match': `"${story.json.version}"` },
      body: JSON.stringify({ action: 'publish' }),
    });
    if (published.status !== 200) throw new Error(`publish: ${published.status} ${published.text}`);
    const doc = await request(port, 'GET', `/api/v1/content/articles/${story.json.slug}`);
    const rendition = doc.json.pictures[0].renditions.find((r) => r.name === 'w640' && r.format === 'webp');
    const fileUrl = new URL(rendition.url);
    const check = await request(port, 'GET', fileUrl.pathname);
    if (check.status !== 200) throw new Error(`rendition: ${check.status}`);
    const autocannon = require('autocannon');
    const run = await autocannon({
      url: `http://127.0.0.1:${port}${fileUrl.pathname}`,
      connections: 32,
      duration: 10,
    });
    console.log(
      `rendition delivery (${rendition.name}.${rendition.format}, ${rendition.bytes} B, file system store, ` +
        `32 connections, 10 s): ${Math.round(run.requests.average)} req/s, p50 ${run.latency.p50} ms, ` +
        `p99 ${run.latency.p99} ms, non-2xx ${run.non2xx}, errors ${run.errors}`,
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
    await stop();
  }
}

runBench(main);
