import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { bootApp, client, uniq } from './helpers';

describe('login rate limit (e2e)', () => {
  let app: NestFastifyApplication;
  const saved = { ...process.env };

  beforeAll(async () => {
    // Each spec file has its own module registry, so this file's config is read with small limits.
    Object.assign(process.env, {
      LOGIN_RATE_LIMIT_PER_EMAIL: '3',
      LOGIN_RATE_LIMIT_PER_IP: '6',
      LOGIN_RATE_LIMIT_WINDOW: '60',
    });
    app = await bootApp();
  });
  afterAll(async () => {
    await app.close();
    process.env = saved;
  });

  it('should answer 429 with Retry-After when one email is tried too often', async () => {
    const email = `${uniq('victim')}@dateline.test`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await client(app).post('/api/v1/auth/login', { email, password: 'guess' })).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await client(app).post('/api/v1/auth/login', { email, password: 'guess' });
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
  });

  it('should answer 429 when one IP tries many emails', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await client(app).req({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: `${uniq('spray')}@dateline.test`, password: 'guess' },
        remoteAddress: '10.9.8.7',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 6)).toEqual(Array(6).fill(401));
    expect(statuses.slice(6)).toEqual([429, 429]);
  });
});
