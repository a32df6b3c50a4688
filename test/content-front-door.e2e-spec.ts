import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ContentFrontDoor } from '../src/content-api/content-front-door';
import { createApp, frontDoorOf } from '../src/app.setup';
import { CONTENT, type Newsroom, act, eventually, newsroom, published } from './content-api.helpers';

/** Headers a server adds for the connection, or that differ per request by design. */
const PER_REQUEST = new Set(['date', 'connection', 'keep-alive', 'x-request-id', 'transfer-encoding']);
// Read by this file's app when it first loads its config: the per-address budget the front door must keep.
const ANON_BUDGET = 40;

describe('Content API front door: anonymous single reads answered before the framework (e2e, real HTTP)', () => {
  const saved = { ...process.env };
  let app: NestFastifyApplication;
  let door: ContentFrontDoor;
  let base: string;
  let room: Newsroom;
  /** Requests this file sent over HTTP from 127.0.0.1 (each spends the address's rate-limit budget). */
  let sent = 0;
  /** The app's log lines (level info: a line per request arriving and per request answered). */
  const logs: Record<string, unknown>[] = [];

  beforeAll(async () => {
    Object.assign(process.env, {
      RATE_LIMIT_ANON_PER_MINUTE: String(ANON_BUDGET),
      CONTENT_API_PUBLIC: 'true',
      LOG_LEVEL: 'info',
    });
    delete process.env.REDIS_URL;
    app = await createApp(process.env.DATABASE_URL!, {
      logDestination: {
        write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>),
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    door = frontDoorOf(app)!;
    room = await newsroom(app);
  });
  afterAll(async () => {
    await app?.close();
    process.env = saved;
  });

  const http = async (url: string, headers: Record<string, string> = {}) => {
    sent++;
    const res = await fetch(`${base}${CONTENT}${url}`, { headers });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
  };
  /** The same read through the whole path (inject never reaches the server), each from a new address. */
  let addresses = 0;
  const whole = (url: string, headers: Record<string, string> = {}) => {
    addresses++;
    const remoteAddress = `10.9.${addresses >> 8}.${addresses & 255}`;
    return app.inject({ method: 'GET', url: `${CONTENT}${url}`, headers, remoteAddress });
  };
  /** Reads through the whole path until the read cache holds the answer. */
  const warm = (url: string, headers: Record<string, string> = {}) =>
    eventually(
      () => whole(url, headers),
      (r) => r.headers['x-content-cache'] === 'hit',
    );
  const comparable = (headers: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(headers)
        .filter(([k]) => !PER_REQUEST.has(k.toLowerCase()))
        .map(([k, v]) => [k.toLowerCase(), String(v)]),
    );

  it('should answer an article, read or cached, with the same bytes and headers as the whole path', async () => {
    const a = await published(room.editor);
    const before = door.answered;
    // Not cached yet: the front door reads it as the whole path does (the same service call).
    const miss = await http(`/articles/${a.slug}`);
    expect([miss.status, miss.headers['x-content-cache'], door.answered]).toEqual([200, 'miss', before + 1]);

    const full = await warm(`/articles/${a.slug}`);
    expect(full.headers['x-content-cache']).toBe('hit');
    expect(miss.body).toBe(full.body);
    expect(comparable(miss.headers)).toEqual({ ...comparable(full.headers), 'x-content-cache': 'miss' });
    const fast = await http(`/articles/${a.slug}`, { 'x-request-id': 'front-door-check-1' });
    expect(door.answered).toBe(before + 2);
    expect(fast.status).toBe(200);
    expect(fast.body).toBe(full.body);
    expect(comparable(fast.headers)).toEqual(comparable(full.headers));
    // The security headers, the caching headers and the client's request id are all there.
    expect(fast.headers).toMatchObject({
      'x-request-id': 'front-door-check-1',
      'x-content-type-options': 'nosniff',
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      etag: miss.headers.etag,
      'surrogate-key': expect.stringContaining(`article:${a.id}`),
      vary: expect.stringContaining('X-Api-Key'),
    });
    expect(fast.headers['x-request-id']).toBe('front-door-check-1');
    // The request log lines Fastify writes for the whole path (over HTTP too: If-None-Match sends it there).
    const viaFastify = await http(`/articles/${a.slug}`, {
      'x-request-id': 'front-door-check-2',
      'if-none-match': '"another-version"',
    });
    expect([viaFastify.status, door.answered]).toEqual([200, before + 2]);
    const logged = (reqId: string) =>
      logs
        .filter((l) => l.reqId === reqId)
        .map((l) => ({
          msg: l.msg,
          fields: Object.keys(l).sort(),
          res: l.res,
          req: l.req ? Object.keys(l.req).sort() : undefined,
        }));
    expect(logged('front-door-check-1')).toEqual(logged('front-door-check-2'));
    expect(logged('front-door-check-1').map((l) => [l.msg, l.res])).toEqual([
      ['incoming request', undefined],
      ['request completed', { statusCode: 200 }],
    ]);

    // ninjs is a different answer of the same slug: cached apart, and the front door tells them apart.
    const ninjsFull = await warm(`/articles/${a.slug}`, { accept: 'application/ninjs+json' });
    const ninjs = await http(`/articles/${a.slug}`, { accept: 'application/ninjs+json' });
    expect(door.answered).toBe(before + 3);
    expect(ninjs.body).toBe(ninjsFull.body);
    expect(ninjs.headers['content-type']).toBe(ninjsFull.headers['content-type']);
    expect(ninjs.body).not.toBe(fast.body);
  });

  it('should leave to the whole path what it does not answer: If-None-Match, a query, an API key, an Origin, HEAD', async () => {
    const a = await published(room.editor);
    const hit = await warm(`/articles/${a.slug}`);
    const before = door.answered;
    const revalidated = await http(`/articles/${a.slug}`, { 'if-none-match': String(hit.headers.etag) });
    expect(revalidated.status).toBe(304);
    const withQuery = await http(`/articles/${a.slug}?lang=en`);
    expect(withQuery.status).toBe(200);
    const withKey = await http(`/articles/${a.slug}`, { 'x-api-key': 'dl_not-a-real-key' });
    expect(withKey.status).toBe(401);
    const withOrigin = await http(`/articles/${a.slug}`, { origin: 'https://reader.example' });
    expect(withOrigin.status).toBe(200);
    sent++;
    const head = await fetch(`${base}${CONTENT}/articles/${a.slug}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(door.answered).toBe(before);
  });

  it('should stop answering a killed article at once, on the kill notification', async () => {
    let a = await published(room.editor);
    await warm(`/articles/${a.slug}`);
    const before = door.answered;
    expect((await http(`/articles/${a.slug}`)).status).toBe(200);
    expect(door.answered).toBe(before + 1);
    a = await act(room.editor, a, { action: 'kill', reason: 'Withdrawn.' });
    // The cache (the front door's and the whole path's) drops the article when the kill's notification lands.
    const gone = await eventually(
      () => whole(`/articles/${a.slug}`),
      (r) => r.statusCode === 410,
      8_000,
    );
    expect(gone.statusCode).toBe(410);
    for (let i = 0; i < 3; i++) expect((await http(`/articles/${a.slug}`)).status).toBe(410);
    expect(door.answered).toBe(before + 1);
  });

  it('should leave any answer but a 200 to the whole path, in the one error shape, counted once', async () => {
    const before = door.answered;
    // Counted by the front door before its read, then handed on: the last test checks the address's budget.
    const missing = await http('/articles/no-such-article-anywhere', { 'x-request-id': 'front-door-404' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({
      statusCode: 404,
      code: 'NOT_FOUND',
      requestId: 'front-door-404',
    });
    expect(missing.headers['x-request-id']).toBe('front-door-404');
    expect(door.answered).toBe(before);
  });

  it("should spend the address's rate-limit budget once per request and leave the refusal to the whole path", async () => {
    const a = await published(room.editor);
    await warm(`/articles/${a.slug}`);
    const left = ANON_BUDGET - sent;
    expect(left).toBeGreaterThan(2);
    const before = door.answered;
    const statuses: number[] = [];
    let refusal: Awaited<ReturnType<typeof http>> | undefined;
    for (let i = 0; i <= left; i++) {
      const r = await http(`/articles/${a.slug}`);
      statuses.push(r.status);
      if (r.status !== 200) {
        refusal = r;
        break;
      }
    }
    // Exactly the budget's rest was served, each by the front door; then a 429 in the one error shape.
    expect(statuses).toEqual([...Array<number>(left).fill(200), 429]);
    expect(door.answered).toBe(before + left);
    expect(refusal!.headers['retry-after']).toMatch(/^\d+$/);
    expect(JSON.parse(refusal!.body)).toMatchObject({ statusCode: 429, code: expect.any(String) });
  });
});
