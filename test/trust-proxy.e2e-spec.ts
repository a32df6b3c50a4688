import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { asAdmin, bootApp } from './helpers';
import { anonRead, auditedIp, failedLogin } from './trust-proxy.helpers';

// TRUST_PROXY names the proxy (app.inject's default remote address is 127.0.0.1): its X-Forwarded-For
// is the client IP; anyone else's header is ignored, as when the app port is reachable directly.
describe('client IP behind a trusted proxy (e2e)', () => {
  let app: NestFastifyApplication;
  const saved = { ...process.env };
  const PROXY = '127.0.0.1';
  const DIRECT = '203.0.113.9';

  beforeAll(async () => {
    Object.assign(process.env, {
      TRUST_PROXY: PROXY,
      LOGIN_RATE_LIMIT_PER_IP: '5',
      LOGIN_RATE_LIMIT_PER_EMAIL: '100000',
      LOGIN_RATE_LIMIT_WINDOW: '60',
      RATE_LIMIT_ANON_PER_MINUTE: '2',
    });
    app = await bootApp();
  });
  afterAll(async () => {
    await app.close();
    process.env = saved;
  });

  it('should count failed logins per forwarded client when they come through the trusted proxy', async () => {
    const spread: number[] = [];
    for (let i = 0; i < 8; i++) spread.push(await failedLogin(app, PROXY, `198.18.10.${i + 1}`));
    expect(spread).toEqual(Array(8).fill(401));
    const one: number[] = [];
    for (let i = 0; i < 7; i++) one.push(await failedLogin(app, PROXY, '198.18.11.1'));
    expect(one).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it('should ignore X-Forwarded-For and hit the limit when 30 failed logins come from an untrusted address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push(await failedLogin(app, DIRECT, `198.18.12.${i + 1}`));
    expect(statuses.slice(0, 5)).toEqual(Array(5).fill(401));
    expect(statuses.slice(5)).toEqual(Array(25).fill(429));
  });

  it('should use the same client IP for the Content API limit and the audit log', async () => {
    const viaProxy = [
      await anonRead(app, PROXY, '198.18.13.1'),
      await anonRead(app, PROXY, '198.18.13.1'),
      await anonRead(app, PROXY, '198.18.13.1'),
      await anonRead(app, PROXY, '198.18.13.2'),
    ];
    expect(viaProxy).toEqual([200, 200, 429, 200]);
    const direct = [
      await anonRead(app, DIRECT, '198.18.14.1'),
      await anonRead(app, DIRECT, '198.18.14.2'),
      await anonRead(app, DIRECT, '198.18.14.3'),
    ];
    expect(direct).toEqual([200, 200, 429]);
    const admin = await asAdmin(app);
    await expect(auditedIp(admin, PROXY, '198.18.15.7')).resolves.toBe('198.18.15.7');
    await expect(auditedIp(admin, DIRECT, '198.18.15.8')).resolves.toBe(DIRECT);
  });
});
