import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { asAdmin, bootApp } from './helpers';
import { anonRead, auditedIp, failedLogin } from './trust-proxy.helpers';

// Default configuration (TRUST_PROXY unset): X-Forwarded-For is ignored everywhere the client IP is used.
describe('client IP with the default TRUST_PROXY (e2e)', () => {
  let app: NestFastifyApplication;
  const saved = { ...process.env };

  beforeAll(async () => {
    delete process.env.TRUST_PROXY;
    Object.assign(process.env, {
      LOGIN_RATE_LIMIT_PER_IP: '10',
      LOGIN_RATE_LIMIT_PER_EMAIL: '100000',
      LOGIN_RATE_LIMIT_WINDOW: '60',
      RATE_LIMIT_ANON_PER_MINUTE: '3',
    });
    app = await bootApp();
  });
  afterAll(async () => {
    await app.close();
    process.env = saved;
  });

  it('should hit the per-IP login limit when 30 failed logins each send a different X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push(await failedLogin(app, '192.0.2.10', `198.18.0.${i + 1}`));
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(20).fill(429));
  });

  it('should count anonymous Content API reads and audit rows by the connection address when X-Forwarded-For is sent', async () => {
    const reads: number[] = [];
    for (let i = 0; i < 4; i++) reads.push(await anonRead(app, '192.0.2.44', `198.18.1.${i + 1}`));
    expect(reads).toEqual([200, 200, 200, 429]);
    const admin = await asAdmin(app);
    await expect(auditedIp(admin, '192.0.2.45', '198.18.2.1')).resolves.toBe('192.0.2.45');
  });
});
