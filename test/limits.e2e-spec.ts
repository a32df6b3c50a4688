import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Parser } from 'htmlparser2';
import { loadEnv } from '../src/config/env';
import { asAdmin, bootApp, type Client, client, staff, uniq, waitFor } from './helpers';
import { published } from './content-api.helpers';
import { noise, uploadPicture } from './media.helpers';
import {
  BACKGROUND_TABLES,
  DbDigest,
  SQL_STRINGS,
  changedTables,
  errorShapeProblem,
  loadOpenApi,
  type Operation,
  operationsOf,
  waitForIdleJobs,
} from './hostile';

// Request limits (body size, JSON depth, slow clients), the HTML sanitizer and the importer against
// the OWASP XSS filter-evasion vectors, and SQL-shaped strings in every filter of every list.

const REQUEST_TIMEOUT_MS = 2000;
const { vectors: XSS_VECTORS } = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'owasp-xss-vectors.json'), 'utf8'),
) as { vectors: string[] };

// ---------------------------------------------------------------------------------------------------
// What "no script execution vector" means for HTML a front end will render as is.

const FORBIDDEN_TAGS = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'svg',
  'math',
  'style',
  'meta',
  'link',
  'base',
  'form',
  'input',
  'button',
  'textarea',
  'template',
  'body',
  'html',
  'bgsound',
]);
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'background',
  'dynsrc',
  'lowsrc',
  'data',
  'poster',
]);
const SCRIPT_SCHEME = /^(javascript|vbscript|data):/i;

/** Every way the HTML could run script, parsed as a browser would (entities decoded). */
function scriptVectors(html: string): string[] {
  const found: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (FORBIDDEN_TAGS.has(name)) found.push(`<${name}>`);
        for (const [attr, value] of Object.entries(attribs)) {
          if (attr.startsWith('on')) found.push(`${name}[${attr}]`);
          if (attr === 'style') found.push(`${name}[style]`);
          // Browsers ignore control characters and whitespace inside a scheme ("jav\tascript:").
          const url = [...value]
            .filter((c) => c.charCodeAt(0) > 0x20 && !(c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f))
            .join('');
          if (URL_ATTRIBUTES.has(attr) && SCRIPT_SCHEME.test(url)) found.push(`${name}[${attr}=${value}]`);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  // And on the raw text, whatever a lenient parser might make of it.
  if (/<\s*\/?\s*(script|iframe|object|embed|svg|style|meta|link|base|form)\b/i.test(html))
    found.push('raw tag');
  for (const tag of html.match(/<[^>]*>/g) ?? []) {
    // Quoted attribute values are text ("&quot; onerror=" inside an alt is harmless).
    const bare = tag.replace(/"[^"]*"|'[^']*'/g, '""');
    if (/[\s/]on[a-z]+\s*=/i.test(bare)) found.push(`raw handler in ${tag}`);
  }
  return found;
}

/** The HTML fields of a response: body, bodyHtml, and ninjs `bodies` marked text/html (plain text left out). */
function htmlFields(value: unknown, path = ''): [string, string][] {
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (typeof record.contentType === 'string' && typeof record.value === 'string') {
    return record.contentType.includes('html') ? [[`${path}.value`, record.value]] : [];
  }
  return Object.entries(record).flatMap(([k, v]): [string, string][] => {
    const here = `${path}.${k}`;
    if (typeof v === 'string') return /body/i.test(k) && !/text/i.test(k) ? [[here, v]] : [];
    return htmlFields(v, here);
  });
}

describe('request limits and hostile content (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: Client;
  let writer: Client;
  let editor: Client;
  let port: number;
  const saved = { ...process.env };

  beforeAll(async () => {
    // Each spec file has its own module registry, so this file's config is read with a short timeout.
    Object.assign(process.env, {
      REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      CONNECTION_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    });
    app = await bootApp();
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    admin = await asAdmin(app);
    writer = await staff(app, 'writer');
    editor = await staff(app, 'editor');
  });

  afterAll(async () => {
    await app?.close();
    process.env = saved;
  });

  describe('body size', () => {
    it('should answer 413 in the one error shape when a JSON or text body passes BODY_LIMIT_BYTES', async () => {
      const limit = loadEnv().bodyLimitBytes;
      const overhead = JSON.stringify({ name: '', kind: 'topic' }).length;
      const json = (size: number) => JSON.stringify({ name: 'x'.repeat(size - overhead), kind: 'topic' });
      expect(Buffer.byteLength(json(limit))).toBe(limit);
      const at = await admin.req({
        method: 'POST',
        url: '/api/v1/tags',
        payload: json(limit),
        headers: { 'content-type': 'application/json' },
      });
      expect(at.statusCode).toBe(400); // read and validated (name too long), not refused for size
      const over = await admin.req({
        method: 'POST',
        url: '/api/v1/tags',
        payload: json(limit + 1),
        headers: { 'content-type': 'application/json' },
      });
      expect(over.statusCode).toBe(413);
      expect(over.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
      expect(errorShapeProblem(over)).toBeNull();
      const text = await writer.req({
        method: 'POST',
        url: '/api/v1/articles/import',
        payload: `Headline\n\n${'ж'.repeat(limit)}`,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
      expect(text.statusCode).toBe(413);
      expect(errorShapeProblem(text)).toBeNull();
    });

    it('should refuse at once on a real socket when Content-Length announces more than the limit', async () => {
      const limit = loadEnv().bodyLimitBytes;
      const { status, body } = await rawRequest(
        port,
        `POST /api/v1/tags HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${limit + 1}\r\n\r\n{`,
      );
      expect(status).toBe(413);
      // The body never comes: waiting for it would have ended in the request timeout's 408, not a 413.
      expect(JSON.parse(body)).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    });
  });

  describe('JSON depth and encoding', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{"b":1}${'}'.repeat(depth - 1)}`;
    const post = (payload: string) =>
      admin.req({
        method: 'POST',
        url: '/api/v1/tags',
        payload,
        headers: { 'content-type': 'application/json' },
      });

    it('should parse JSON_MAX_DEPTH levels and answer 400 when a body nests one level more', async () => {
      const max = loadEnv().jsonMaxDepth;
      const atLimit = await post(nested(max));
      expect(atLimit.statusCode).toBe(400);
      expect(atLimit.json()).toMatchObject({ code: 'VALIDATION_FAILED' }); // parsed, then validated
      const deeper = await post(nested(max + 1));
      expect(deeper.statusCode).toBe(400);
      expect(deeper.json()).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
      expect(deeper.json<{ message: string }>().message).toMatch(/nested deeper than/);
    });

    it('should answer 400 in the one shape, stack intact, when a body nests 100,000 levels', async () => {
      const res = await post('['.repeat(100_000) + ']'.repeat(100_000));
      expect(res.statusCode).toBe(400);
      expect(errorShapeProblem(res)).toBeNull();
      expect((await client(app).get('/health/live')).statusCode).toBe(200);
    });

    it('should refuse a lone surrogate escape with 400 when a validator would otherwise throw on it', async () => {
      const res = await admin.req({
        method: 'POST',
        url: '/api/v1/users',
        payload: '{"email":"\\udfff\\ud800","name":"x","role":"writer","password":"long-enough-pass"}',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(errorShapeProblem(res)).toBeNull();
    });

    it('should answer 400, not 500, when a NUL character reaches a text column or a filter', async () => {
      const tag = await admin.post('/api/v1/tags', { name: 'nul\u0000byte', kind: 'topic' });
      expect(tag.statusCode).toBe(400);
      const list = await client(app).get('/api/v1/content/articles/%00');
      expect(list.statusCode).toBeLessThan(500);
      expect(errorShapeProblem(list)).toBeNull();
    });
  });

  describe('path parameters', () => {
    it('should find a 120-character slug and answer 414 or 400 in the one shape when a path parameter is too long or malformed', async () => {
      const slug = `${uniq('s')}-${'a'.repeat(200)}`.slice(0, 120);
      const created = await admin.post('/api/v1/tags', { name: `Long slug ${uniq()}`, kind: 'topic', slug });
      expect(created.statusCode).toBe(201);
      const found = await admin.get(`/api/v1/tags/by-slug/${slug}`);
      expect(found.statusCode).toBe(200);
      const tooLong = await admin.get(`/api/v1/tags/by-slug/${'a'.repeat(600)}`);
      expect(tooLong.statusCode).toBe(414);
      expect(errorShapeProblem(tooLong)).toBeNull();
      const badUrl = await admin.get('/api/v1/tags/%zz');
      expect(badUrl.statusCode).toBe(400);
      expect(errorShapeProblem(badUrl)).toBeNull();
    });
  });

  describe('slow clients', () => {
    it('should close the connection within REQUEST_TIMEOUT_MS and serve others meanwhile when clients trickle headers (slowloris)', async () => {
      expect(loadEnv().requestTimeoutMs).toBe(REQUEST_TIMEOUT_MS);
      let closedSoFar = 0;
      const slow = Array.from({ length: 20 }, () =>
        slowloris(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ').then((c) => {
          closedSoFar++;
          return c;
        }),
      );
      // Meanwhile ordinary requests are answered: the first while every slow connection is still open.
      const served: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = Date.now();
        const res = await fetch(`http://127.0.0.1:${port}/health/live`);
        expect(res.status).toBe(200);
        if (i === 0) expect(closedSoFar).toBe(0);
        served.push(Date.now() - started);
        await new Promise((r) => setTimeout(r, 200));
      }
      const closed = await Promise.all(slow);
      const times = closed.map((c) => c.ms).sort((a, b) => a - b);
      console.log(
        `slowloris: 20 connections trickling headers closed after ${times[0]}–${times.at(-1)} ms ` +
          `(REQUEST_TIMEOUT_MS=${REQUEST_TIMEOUT_MS}); normal requests meanwhile took ${Math.max(...served)} ms at most`,
      );
      // Closed by the server's request timeout (its 408), not before it; how much later depends on the machine.
      for (const c of closed) {
        expect(c.ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
        expect(c.response).toMatch(/^HTTP\/1\.1 408/);
      }
    });

    it('should close the connection within the timeouts when a client trickles its body or sends nothing', async () => {
      const body = slowloris(
        port,
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":"',
      );
      const silent = slowloris(port, '', 0);
      const [b, s] = await Promise.all([body, silent]);
      console.log(`slow body closed after ${b.ms} ms; silent connection after ${s.ms} ms`);
      // Both were closed by the server: slowloris() fails when it never does (long after the timeouts).
      expect([b.ms, s.ms].every((ms) => ms > 0)).toBe(true);
    });
  });

  describe('XSS vectors (OWASP filter-evasion cheat sheet)', () => {
    it('should keep every vector out of the body stored, returned, published and served when articles are written with them', async () => {
      expect(XSS_VECTORS.length).toBeGreaterThanOrEqual(40);
      const leaks: string[] = [];
      const check = (where: string, vector: string, payload: unknown) => {
        const fields = htmlFields(payload);
        if (fields.length === 0)
          leaks.push(`${where}: no body field in ${JSON.stringify(payload).slice(0, 200)}`);
        for (const [field, html] of fields) {
          const found = scriptVectors(html);
          if (found.length > 0) leaks.push(`${where}${field}: ${found.join(', ')} from ${vector} -> ${html}`);
        }
      };
      for (const vector of XSS_VECTORS) {
        const created = await writer.post('/api/v1/articles', {
          headline: `XSS probe ${uniq()}`,
          body: `<p>Before</p>${vector}<p>After</p>`,
        });
        expect(created.statusCode).toBe(201);
        const article = created.json<{ id: string; slug: string; language: string; version: number }>();
        check('create', vector, created.json());
        check('get', vector, (await writer.get(`/api/v1/articles/${article.id}`)).json());
        const published = await editor.post(
          `/api/v1/articles/${article.id}/transitions`,
          { action: 'publish' },
          { 'if-match': `"${article.version}"` },
        );
        expect(published.statusCode).toBe(200);
        for (const format of ['json', 'ninjs']) {
          const served = await client(app).get(
            `/api/v1/content/articles/${article.slug}?lang=${article.language}&format=${format}`,
          );
          expect(served.statusCode).toBe(200);
          check(`content(${format})`, vector, served.json());
        }
      }
      expect(leaks).toEqual([]);
    });

    it('should keep every vector inert when it arrives in plain text through the importer', async () => {
      const leaks: string[] = [];
      for (const vector of XSS_VECTORS) {
        const text = [
          `XSS import probe ${uniq()}`,
          '30 June 2023, 21:38',
          `ASTANA. KAZINFORM – ${vector}`,
          vector,
          'Author:',
          `Xss Prober ${uniq()}`,
        ].join('\n\n');
        const res = await writer.req({
          method: 'POST',
          url: '/api/v1/articles/import',
          payload: text,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
        expect(res.statusCode).toBe(201);
        const { article } = res.json<{ article: { id: string } }>();
        for (const [where, payload] of [
          ['import', res.json()],
          ['get', (await writer.get(`/api/v1/articles/${article.id}`)).json()],
        ] as const) {
          for (const [field, html] of htmlFields(payload)) {
            const found = scriptVectors(html);
            if (found.length > 0)
              leaks.push(`${where}${field}: ${found.join(', ')} from ${vector} -> ${html}`);
          }
        }
      }
      expect(leaks).toEqual([]);
    });
  });

  describe('SQL-shaped strings in every filter', () => {
    it('should answer with data or a clean 4xx and leave every table in place when every filter gets SQL-shaped strings', async () => {
      // Something to find, so that a wildcard or an injected OR would show up.
      await admin.post('/api/v1/tags', { name: `Plain probe ${uniq()}`, kind: 'topic' });
      await admin.post('/api/v1/authors', { name: `Plain probe ${uniq()}` });
      const picture = await uploadPicture(admin, await noise(64, 48).jpeg().toBuffer(), {
        fields: { caption: `Plain probe ${uniq()}` },
      });
      expect(picture.statusCode).toBe(201);
      await published(admin);
      const ops = operationsOf(await loadOpenApi(app)).filter(
        (op) => op.method === 'GET' && op.params.some((p) => p.in === 'query' || p.in === 'path'),
      );
      await waitForIdleJobs(app, ['webhook-deliver']);
      const digest = await DbDigest.create(app, BACKGROUND_TABLES);
      const tablesBefore = digest.tables;
      const before = await digest.take();
      const wrong: string[] = [];
      let sent = 0;
      const fillPath = (op: Operation, value?: string, param?: string) =>
        op.path.replace(/\{([^}]+)\}/g, (_, n: string) =>
          n === param && value !== undefined
            ? encodeURIComponent(value)
            : '00000000-0000-4000-8000-000000000000',
        );
      for (const op of ops) {
        for (const p of op.params.filter((x) => x.in === 'query' || x.in === 'path')) {
          for (const s of SQL_STRINGS) {
            const url =
              p.in === 'path'
                ? fillPath(op, s, p.name)
                : `${fillPath(op)}?${encodeURIComponent(p.name)}=${encodeURIComponent(s)}`;
            const res = await admin.get(url);
            sent++;
            const got = `GET ${url} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
            if (res.statusCode >= 500) wrong.push(got);
            else if (res.statusCode >= 400 && errorShapeProblem(res))
              wrong.push(`${got} (${errorShapeProblem(res)})`);
          }
        }
        // Wildcards are literal characters: no row without a % or _ comes back for them.
        if (op.params.some((p) => p.name === 'q' && p.in === 'query') && !op.path.includes('{')) {
          const all = await admin.get(`${op.path}?limit=100`);
          expect(all.statusCode).toBe(200);
          expect([op.path, all.json<{ data: unknown[] }>().data.length > 0]).toEqual([op.path, true]);
          for (const w of ['%', '_', '%_%']) {
            const res = await admin.get(`${op.path}?q=${encodeURIComponent(w)}&limit=100`);
            expect(res.statusCode).toBe(200);
            for (const row of res.json<{ data: unknown[] }>().data) {
              if (!JSON.stringify(row).includes(w))
                wrong.push(`GET ${op.path}?q=${w} matched ${JSON.stringify(row).slice(0, 120)}`);
            }
          }
        }
      }
      const after = await digest.take();
      const tablesAfter = (await DbDigest.create(app, BACKGROUND_TABLES)).tables;
      console.log(`SQL-shaped strings: ${sent} requests over ${ops.length} GET operations`);
      expect(wrong).toEqual([]);
      expect(tablesAfter).toEqual(tablesBefore);
      expect(changedTables(before, after)).toEqual([]);
      expect(sent).toBeGreaterThan(500);
    });
  });
});

interface Closed {
  ms: number;
  response: string;
}

/** Opens a socket, sends `head`, then one more byte every `everyMs` until the server closes it. */
function slowloris(port: number, head: string, everyMs = 100): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let response = '';
    const socket = net.connect(port, '127.0.0.1', () => {
      if (head) socket.write(head);
    });
    const timer = everyMs > 0 ? setInterval(() => socket.writable && socket.write('a'), everyMs) : undefined;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server never closed the slow connection'));
      // Far past the timeout, so only a server that never closes it fails here, however busy the machine.
    }, REQUEST_TIMEOUT_MS * 15);
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ ms: Date.now() - started, response });
    });
  });
}

/** Sends raw bytes and reads the first response: status, body and how long it took. */
async function rawRequest(port: number, raw: string): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now();
  let text = '';
  const socket = net.connect(port, '127.0.0.1', () => socket.write(raw));
  socket.on('data', (d) => (text += d.toString('utf8')));
  socket.on('error', () => undefined);
  await waitFor(
    () => Promise.resolve(/\r\n\r\n/.test(text) && text.split('\r\n\r\n')[1].length > 0),
    20_000,
    'a response',
  );
  const ms = Date.now() - started;
  socket.destroy();
  const [head, body] = text.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body, ms };
}
