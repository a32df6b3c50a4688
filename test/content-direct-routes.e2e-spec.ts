import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DIRECT_CONTENT_ROUTES, directRoutesInstalled } from '../src/content-api/content-direct-routes';
import { CONTENT, createApiKey, newsroom, published } from './content-api.helpers';
import { bootApp, client } from './helpers';

// The hot public reads run as plain Fastify handlers (src/content-api/content-direct-routes.ts). The rest
// of the suite checks what they answer; this checks that they are the routes actually served, and that the
// steps Nest's pipeline would run (access check, query validation, error body, caching headers) still run.
describe('Content API direct routes (e2e)', () => {
  let app: NestFastifyApplication;
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, { CONTENT_API_PUBLIC: 'false' });
    app = await bootApp();
  });
  afterAll(async () => {
    await app.close();
    process.env = saved;
  });

  it('should swap the handler of every listed route (a route renamed in its controller fails here)', () => {
    expect(directRoutesInstalled(app)).toEqual(DIRECT_CONTENT_ROUTES.map((r) => r.url).sort());
  });

  it('should check access, validate the query, send the error body and the caching headers', async () => {
    const { admin, editor } = await newsroom(app);
    const story = await published(editor);
    const anon = await client(app).get(`${CONTENT}/articles/${story.slug}`);
    expect([anon.statusCode, anon.json().code, anon.headers['cache-control']]).toEqual([
      401,
      'UNAUTHORIZED',
      'private, no-store',
    ]);
    expect(anon.json().requestId).toBe(anon.headers['x-request-id']);

    const key = await createApiKey(admin, ['content:read']);
    const bad = await client(app).get(`${CONTENT}/articles?limit=0&nope=1`, { 'x-api-key': key });
    expect(bad.statusCode).toBe(400);
    const details = bad.json<{ details: { field: string }[] }>().details;
    expect(details.map((d) => d.field).sort()).toEqual(['limit', 'nope']);

    const one = await client(app).get(`${CONTENT}/articles/${story.slug}`, { 'x-api-key': key });
    expect(one.statusCode).toBe(200);
    expect(one.json().slug).toBe(story.slug);
    expect(one.headers.etag).toMatch(/^"/);
    expect(one.headers['x-content-type-options']).toBe('nosniff');
    const again = await client(app).get(`${CONTENT}/articles/${story.slug}`, {
      'x-api-key': key,
      'if-none-match': one.headers.etag as string,
    });
    expect(again.statusCode).toBe(304);

    const list = await client(app).get(`${CONTENT}/articles?limit=5`, { 'x-api-key': key });
    expect(list.json<{ data: { slug: string }[] }>().data.map((a) => a.slug)).toContain(story.slug);
    const missing = await client(app).get(`${CONTENT}/articles/no-such-story`, { 'x-api-key': key });
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'NOT_FOUND']);
  });

  it('should validate a repeated query string the same way every time (a bad one is refused each time)', async () => {
    const { admin, editor } = await newsroom(app);
    const story = await published(editor);
    const key = await createApiKey(admin, ['content:read']);
    for (let i = 0; i < 3; i++) {
      const bad = await client(app).get(`${CONTENT}/articles?limit=500`, { 'x-api-key': key });
      expect([bad.statusCode, bad.json().code]).toEqual([400, 'VALIDATION_FAILED']);
      // The same valid string: the same parsed query (the limit applies, the slug is found), every time.
      const two = await client(app).get(`${CONTENT}/articles?limit=2`, { 'x-api-key': key });
      expect(two.statusCode).toBe(200);
      expect(two.json<{ data: unknown[] }>().data).toHaveLength(2);
      const one = await client(app).get(`${CONTENT}/articles/${story.slug}?format=ninjs`, {
        'x-api-key': key,
      });
      expect([one.statusCode, one.headers['content-type']]).toEqual([200, expect.stringContaining('ninjs')]);
    }
  });

  it('should send the same security headers as every other route', async () => {
    const { admin, editor } = await newsroom(app);
    const story = await published(editor);
    const key = await createApiKey(admin, ['content:read']);
    const names = [
      'content-security-policy',
      'x-content-type-options',
      'x-frame-options',
      'strict-transport-security',
      'referrer-policy',
      'cross-origin-opener-policy',
    ];
    const direct = await client(app).get(`${CONTENT}/articles/${story.slug}`, { 'x-api-key': key });
    const other = await client(app).get('/health/live');
    expect(direct.headers['content-security-policy']).toContain("default-src 'self'");
    for (const name of names) expect([name, direct.headers[name]]).toEqual([name, other.headers[name]]);
  });
});
