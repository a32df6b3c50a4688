import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { type ContentAccess, ContentAccessGuard } from '../src/api-keys/content-access.guard';
import { ContentRateLimiter } from '../src/api-keys/content-rate-limiter.service';
import { Public } from '../src/common/auth.decorators';
import { RateLimitRedis } from '../src/common/rate-limit-redis';
import { DomainError } from '../src/common/errors';
import { bootAppWith, createKey } from './content-access.helpers';
import { type Client, asAdmin } from './helpers';

@Controller('test/content-probe')
class ProbeController {
  @Get()
  @Public()
  @UseGuards(ContentAccessGuard)
  probe(@Req() req: FastifyRequest): ContentAccess | undefined {
    return req.contentAccess;
  }
}

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('Content API rate limits in Redis, shared by two instances (e2e)', () => {
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;
  let admin: Client;
  let redis: Redis;
  const prefix = `dateline-test:${process.pid}:${Date.now().toString(36)}`;
  const saved = { ...process.env };

  const probe = (app: NestFastifyApplication, remoteAddress: string, key?: string) =>
    app
      .inject({
        method: 'GET',
        url: '/test/content-probe',
        remoteAddress,
        headers: key ? { 'x-api-key': key } : {},
      })
      .then((r) => r.statusCode);

  beforeAll(async () => {
    Object.assign(process.env, {
      REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: prefix,
      RATE_LIMIT_ANON_PER_MINUTE: '4',
      RATE_LIMIT_KEY_PER_MINUTE: '6',
    });
    redis = new Redis(REDIS_URL);
    first = await bootAppWith([ProbeController]);
    second = await bootAppWith([ProbeController]);
    admin = await asAdmin(first);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    process.env = saved;
  });

  it('should share one IP budget across instances and keep it in Redis', async () => {
    const ip = '10.1.0.1';
    const seen = [
      await probe(first, ip),
      await probe(second, ip),
      await probe(first, ip),
      await probe(second, ip),
      await probe(first, ip),
      await probe(second, ip),
    ];
    expect(seen).toEqual([200, 200, 200, 200, 429, 429]);
    // The counter is in Redis (refusals may count too: each instance then blocks in memory).
    expect(Number(await redis.get(`${prefix}:ip:${ip}`))).toBeGreaterThanOrEqual(4);
    await expect(probe(second, '10.1.0.2')).resolves.toBe(200);
  });

  it('should share one key budget across instances with Retry-After when it is spent', async () => {
    const key = await createKey(admin);
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) seen.push(await probe(i % 2 === 0 ? first : second, `10.1.1.${i}`, key.key));
    expect(seen).toEqual([200, 200, 200, 200, 200, 200, 429]);
    const limited = await second.inject({
      method: 'GET',
      url: '/test/content-probe',
      headers: { 'x-api-key': key.key },
    });
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const ttl = await redis.pttl(`${prefix}:key:${key.id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('should keep limiting in memory instead of failing when Redis is unreachable', async () => {
    const config = {
      public: true,
      redisUrl: 'redis://127.0.0.1:1',
      rateLimitKeyPrefix: prefix,
      anonPerMinute: 2,
      keyPerMinute: 2,
    };
    const redis = new RateLimitRedis(config);
    const limiter = new ContentRateLimiter(config, redis);
    try {
      await expect(limiter.consumeIp('10.1.2.1')).resolves.toBeUndefined();
      await expect(limiter.consumeIp('10.1.2.1')).resolves.toBeUndefined();
      const refused = await limiter.consumeIp('10.1.2.1').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DomainError);
      expect(refused).toMatchObject({
        code: 'TOO_MANY_REQUESTS',
        headers: { 'retry-after': expect.any(String) },
      });
    } finally {
      redis.onApplicationShutdown();
    }
  });
});
