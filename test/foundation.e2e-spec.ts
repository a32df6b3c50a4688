import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN, bootApp, client } from './helpers';

describe('foundation (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await bootApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('should answer live and ready when the database is up', async () => {
    const c = client(app);
    expect((await c.get('/health/live')).statusCode).toBe(200);
    const ready = await c.get('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('should echo a request id and send security headers when any route is called', async () => {
    const res = await client(app).get('/health/live', { 'x-request-id': 'abc-123' });
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const generated = await client(app).get('/health/live');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('should answer an unknown route with 404 in the one error shape', async () => {
    const res = await client(app).get('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect(typeof res.json<{ message: string }>().message).toBe('string');
  });

  it('should serve the OpenAPI document when /docs/openapi.json is requested', async () => {
    const res = await client(app).get('/docs/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/users']));
    expect((await client(app).get('/docs')).statusCode).toBe(200);
  });

  it('should reject malformed JSON with 400 in the one error shape', async () => {
    const res = await client(app).req({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
  });

  it('should sign in the bootstrap admin when ADMIN_EMAIL and ADMIN_PASSWORD are set', async () => {
    const res = await client(app).post('/api/v1/auth/login', ADMIN);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      expiresIn: expect.any(Number),
      user: { email: ADMIN.email, role: 'admin' },
    });
  });
});
