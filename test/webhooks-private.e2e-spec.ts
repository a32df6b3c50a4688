import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { OutboxService } from '../src/events/outbox.service';
import { Webhook } from '../src/webhooks/webhook.entity';
import { type Client, asAdmin, bootApp } from './helpers';

// This file runs with the production default: receivers on private or loopback addresses are refused.
process.env.WEBHOOK_ALLOW_PRIVATE = 'false';

const BASE = '/api/v1/webhooks';

describe('webhooks with private addresses refused (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: Client;

  beforeAll(async () => {
    app = await bootApp();
    admin = await asAdmin(app);
  });
  afterAll(async () => {
    await app.close();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://[::1]/hook',
    'http://10.1.2.3/hook',
    'http://192.168.0.10/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/hook',
    'http://[fd00::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
  ])('should refuse %s with 400 when WEBHOOK_ALLOW_PRIVATE is false', async (url) => {
    const res = await admin.post(BASE, { url, events: ['*'] });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'url' } });
    expect(res.json<{ message: string }>().message).toMatch(/private or loopback/);
  });

  it('should refuse a non-http scheme with 400 when a webhook is created', async () => {
    const res = await admin.post(BASE, { url: 'ftp://files.example.com/in', events: ['*'] });
    expect(res.statusCode).toBe(400);
  });

  it('should not send to a receiver when its address has become private since it was saved', async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const ds = app.get(DataSource);
    // Saved while the host was public (the API would refuse this URL now), as if DNS changed since.
    const hook = await ds
      .getRepository(Webhook)
      .save(
        ds
          .getRepository(Webhook)
          .create({ url, events: ['*'], description: null, active: true, secret: 'whsec_x' }),
      );
    try {
      expect((await admin.patch(`${BASE}/${hook.id}`, { url })).statusCode).toBe(400);
      await ds.transaction((em) =>
        app.get(OutboxService).append(em, {
          type: 'article.published',
          articleId: randomUUID(),
          version: 1,
          actorId: null,
          payload: {},
        }),
      );

      const deadline = Date.now() + 15_000;
      let log: { attempts: number; status: string; lastError: string | null } | undefined;
      while (Date.now() < deadline) {
        log = (await admin.get(`${BASE}/${hook.id}/deliveries`)).json<{ data: (typeof log)[] }>().data[0];
        if (log && log.attempts >= 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(log).toMatchObject({ status: 'pending', attempts: 1 });
      expect(log?.lastError).toMatch(/private or loopback/);
      expect(hits).toBe(0);
    } finally {
      await admin.delete(`${BASE}/${hook.id}`);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
