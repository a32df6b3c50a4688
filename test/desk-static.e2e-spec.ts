import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../src/app.setup';
import { client } from './helpers';

// A tiny stand-in for desk/dist (index.html plus one hashed asset): the test builds nothing.
const FIXTURE = join(__dirname, 'fixtures', 'desk');
const IMMUTABLE = 'public, max-age=31536000, immutable';

const databaseUrl = (): string => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('test/global-setup.ts did not set DATABASE_URL');
  return url;
};

describe('desk static files (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createApp(databaseUrl(), { deskRoot: FIXTURE });
  });
  afterAll(async () => {
    await app.close();
  });

  it('should serve index.html without caching when /desk, /desk/ or a client route is requested', async () => {
    for (const url of [
      '/desk',
      '/desk/',
      '/desk/stories',
      '/desk/stories/0b6f1c1e-4b1e-4c1e-9f1e-1e1e1e1e1e1e',
    ]) {
      // As a browser asks: index.html has no compressed copy, so it comes plain.
      const res = await client(app).get(url, { 'accept-encoding': 'gzip, deflate, br' });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('desk fixture');
    }
  });

  it('should cache a hashed asset for a year when /desk/assets/… is requested', async () => {
    const res = await client(app).get('/desk/assets/index-Fx1234ab.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(res.body).toContain('desk fixture');
  });

  it('should send the brotli file the build wrote when the browser accepts br', async () => {
    const res = await client(app).get('/desk/assets/index-Fx1234ab.js', { 'accept-encoding': 'gzip, br' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(res.rawPayload).toString()).toContain('desk fixture');
  });

  it('should answer 404 in the one error shape when an asset is missing', async () => {
    for (const url of ['/desk/assets/index-missing.js', '/desk/favicon.ico', '/desk/stories/x.json']) {
      const res = await client(app).get(url);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 404 });
      expect(res.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    }
  });

  it('should answer 404 when anything but GET or HEAD reaches a desk route', async () => {
    const res = await client(app).post('/desk/stories', {});
    expect(res.statusCode).toBe(404);
  });

  it('should redirect / to /desk/ when the desk is built', async () => {
    const res = await client(app).get('/');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/desk/');
  });

  it('should keep the API and its own 404 when the desk is served', async () => {
    expect((await client(app).get('/health/live')).statusCode).toBe(200);
    const missing = await client(app).get('/api/v1/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect((await client(app).get('/api/v1/articles')).statusCode).toBe(401);
  });

  it('should send the security headers on desk pages too', async () => {
    const res = await client(app).get('/desk/');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });
});

describe('desk static files without a built desk (e2e)', () => {
  let app: NestFastifyApplication;
  let empty: string;

  beforeAll(async () => {
    empty = mkdtempSync(join(tmpdir(), 'dateline-no-desk-'));
    app = await createApp(databaseUrl(), { deskRoot: empty });
  });
  afterAll(async () => {
    await app.close();
    rmSync(empty, { recursive: true, force: true });
  });

  it('should start the API and answer 404 for /desk and / when desk/dist is absent', async () => {
    expect((await client(app).get('/health/live')).statusCode).toBe(200);
    for (const url of ['/', '/desk', '/desk/stories']) {
      const res = await client(app).get(url);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 404 });
    }
  });
});
