import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { type ContentAccess, ContentAccessGuard } from '../src/api-keys/content-access.guard';
import { Public } from '../src/common/auth.decorators';
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

describe('Content API rate limits in memory (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: Client;
  const saved = { ...process.env };

  const probe = (remoteAddress: string, key?: string) =>
    app.inject({
      method: 'GET',
      url: '/test/content-probe',
      remoteAddress,
      headers: key ? { 'x-api-key': key } : {},
    });
  const statuses = async (n: number, remoteAddress: string, key?: string) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await probe(remoteAddress, key)).statusCode);
    return out;
  };

  beforeAll(async () => {
    // Small budgets, read when this file's app first loads its config; no REDIS_URL: memory counters.
    Object.assign(process.env, { RATE_LIMIT_ANON_PER_MINUTE: '3', RATE_LIMIT_KEY_PER_MINUTE: '5' });
    delete process.env.REDIS_URL;
    app = await bootAppWith([ProbeController]);
    admin = await asAdmin(app);
  });
  afterAll(async () => {
    await app?.close();
    process.env = saved;
  });

  it('should let anonymous readers in when CONTENT_API_PUBLIC is unset', async () => {
    const res = await probe('10.0.0.1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ keyId: null, embargoed: false });
  });

  it('should answer 429 with Retry-After when one IP spends its minute budget', async () => {
    expect(await statuses(4, '10.0.1.1')).toEqual([200, 200, 200, 429]);
    const limited = await probe('10.0.1.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another address has its own budget.
    expect(await statuses(1, '10.0.1.2')).toEqual([200]);
  });

  it('should count per key, not per IP, when a key is sent', async () => {
    const a = await createKey(admin, { name: 'Budget A' });
    const b = await createKey(admin, { name: 'Budget B' });
    // Key A from two addresses shares one budget of 5, beyond the anonymous budget of 3.
    expect([...(await statuses(3, '10.0.2.1', a.key)), ...(await statuses(3, '10.0.2.2', a.key))]).toEqual([
      200, 200, 200, 200, 200, 429,
    ]);
    const limited = await probe('10.0.2.3', a.key);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Key B, and anonymous reads from the same address, are unaffected.
    expect(await statuses(1, '10.0.2.1', b.key)).toEqual([200]);
    expect(await statuses(1, '10.0.2.1')).toEqual([200]);
  });

  it('should answer 429 with Retry-After on a real Content API route when the IP budget is spent', async () => {
    const get = () =>
      app.inject({ method: 'GET', url: '/api/v1/content/articles?limit=1', remoteAddress: '10.0.4.1' });
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) seen.push((await get()).statusCode);
    expect(seen).toEqual([200, 200, 200, 429]);
    expect(Number((await get()).headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('should count failed key attempts against the IP when keys are guessed', async () => {
    const guess = (i: number) => `dlk_${'G'.repeat(8)}_${String(i).padStart(40, 'x')}`;
    const out: number[] = [];
    for (let i = 0; i < 4; i++) out.push((await probe('10.0.3.1', guess(i))).statusCode);
    expect(out).toEqual([401, 401, 401, 429]);
  });
});
