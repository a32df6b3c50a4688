import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { ADMIN, bootApp, client, uniq } from './helpers';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Two instances on one Redis, with small limits: 3 free failures per email then waits of 2 s, 4 s, 4 s…
describe('login rate limit shared in Redis, with back-off per email (e2e)', () => {
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;
  let redis: Redis;
  const prefix = `dateline-test:${process.pid}:${Date.now().toString(36)}`;
  const saved = { ...process.env };

  const attempt = (
    app: NestFastifyApplication,
    email: string,
    password: string,
    remoteAddress = '127.0.0.1',
  ) =>
    client(app).req({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress,
    });

  beforeAll(async () => {
    // Each spec file has its own module registry, so this file's config is read with small limits.
    Object.assign(process.env, {
      REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: prefix,
      LOGIN_RATE_LIMIT_PER_EMAIL: '3',
      LOGIN_RATE_LIMIT_PER_IP: '6',
      LOGIN_RATE_LIMIT_WINDOW: '60',
      LOGIN_BACKOFF_MAX_SECONDS: '4',
    });
    redis = new Redis(REDIS_URL);
    first = await bootApp();
    second = await bootApp();
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    process.env = saved;
  });

  it('should answer 429 with Retry-After when one email fails too often across two instances', async () => {
    const email = `${uniq('victim')}@dateline.test`;
    const statuses: number[] = [];
    for (const app of [first, second, first, second]) {
      statuses.push((await attempt(app, email, 'guess', '10.9.0.1')).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await attempt(first, email, 'guess', '10.9.0.2');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    // The count is in Redis, where both instances read it.
    expect(Number(await redis.get(`${prefix}:login-email:${email}`))).toBe(3);
  });

  it('should answer 429 when one IP fails with many emails across two instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await attempt(
        i % 2 === 0 ? first : second,
        `${uniq('spray')}@dateline.test`,
        'guess',
        '10.9.8.7',
      );
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 6)).toEqual(Array(6).fill(401));
    expect(statuses.slice(6)).toEqual([429, 429]);
    // Another address is not affected.
    await expect(
      attempt(second, `${uniq('spray')}@dateline.test`, 'guess', '10.9.8.8'),
    ).resolves.toMatchObject({
      statusCode: 401,
    });
  });

  it('should let the real admin sign in after the wait when an attacker keeps guessing the password', async () => {
    const attacker = '10.66.0.1';
    const seen: number[] = [];
    for (let i = 0; i < 4; i++)
      seen.push((await attempt(i % 2 ? second : first, ADMIN.email, 'guess', attacker)).statusCode);
    expect(seen).toEqual([401, 401, 401, 429]);
    const refused = await attempt(first, ADMIN.email, ADMIN.password, '10.1.1.1');
    expect(refused.statusCode).toBe(429);
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(4);
    // Guesses refused during the wait do not lengthen it.
    for (let i = 0; i < 5; i++) {
      await expect(attempt(second, ADMIN.email, 'guess', attacker)).resolves.toMatchObject({
        statusCode: 429,
      });
    }
    await sleep(wait * 1000 + 250);
    const signedIn = await attempt(second, ADMIN.email, ADMIN.password, '10.1.1.1');
    expect(signedIn.statusCode).toBe(200);
    // Success cleared the count: the next wrong password is an ordinary 401.
    await expect(attempt(first, ADMIN.email, 'guess', attacker)).resolves.toMatchObject({ statusCode: 401 });
    await expect(attempt(first, ADMIN.email, ADMIN.password, '10.1.1.1')).resolves.toMatchObject({
      statusCode: 200,
    });
  });

  it('should make each failure after the free ones wait longer, up to the maximum', async () => {
    const email = `${uniq('slow')}@dateline.test`;
    for (let i = 0; i < 3; i++) await attempt(first, email, 'guess', '10.9.1.1');
    const firstWait = Number((await attempt(second, email, 'guess', '10.9.1.1')).headers['retry-after']);
    expect(firstWait).toBeLessThanOrEqual(2);
    await sleep(firstWait * 1000 + 250);
    await expect(attempt(second, email, 'guess', '10.9.1.1')).resolves.toMatchObject({ statusCode: 401 });
    const secondWait = Number((await attempt(first, email, 'guess', '10.9.1.1')).headers['retry-after']);
    expect(secondWait).toBeGreaterThan(2);
    expect(secondWait).toBeLessThanOrEqual(4);
  });
});
