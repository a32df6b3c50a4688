import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { EventType } from '../src/events/event.entity';
import { OutboxService } from '../src/events/outbox.service';
import { WebhookDeliveryWorker } from '../src/webhooks/webhook-delivery.worker';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher.service';
import { DELIVER_QUEUE } from '../src/webhooks/webhooks.constants';
import { verifySignature } from '../src/webhooks/webhook-signing';
import { type Client, asAdmin, bootApp, client, staff } from './helpers';
import { requireConcurrentPostgres } from './race-guard';

// Read when the app boots: few attempts so "always fails" ends quickly (the base delay is 200 ms, from global-setup).
process.env.WEBHOOK_MAX_ATTEMPTS = '4';

const BASE = '/api/v1/webhooks';
const MISSING = '00000000-0000-4000-8000-000000000000';

interface WebhookBody {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  secretRotatedAt: string | null;
  createdAt: string;
  updatedAt: string;
  secret?: string;
}
interface DeliveryBody {
  id: string;
  webhookId: string;
  eventId: string;
  eventSeq: string;
  eventType: string;
  articleId: string | null;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}
interface Page<T> {
  data: T[];
  meta: { nextCursor: string | null };
}
interface Received {
  at: number;
  answeredAt?: number;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { id: string; type: string; occurredAt: string; articleId: string; version: number; data: unknown };
}
interface Receiver {
  url: string;
  received: Received[];
  /** Decides the status of the nth request (0-based); may wait before answering. */
  answer: (n: number) => number | Promise<number>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined/false), or fails with `what` after the deadline. */
async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('webhooks (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: Client;
  const receivers: Receiver[] = [];
  const created: string[] = [];

  beforeAll(async () => {
    app = await bootApp();
    admin = await asAdmin(app);
  });
  afterEach(async () => {
    // Nothing of one test keeps receiving the next test's events.
    for (const id of created.splice(0)) await admin.delete(`${BASE}/${id}`);
    for (const r of receivers.splice(0)) await r.close();
  });
  afterAll(async () => {
    await app.close();
  });

  async function receiver(answer: Receiver['answer'] = () => 200): Promise<Receiver> {
    const received: Received[] = [];
    const state: Receiver = { url: '', received, answer, close: () => Promise.resolve() };
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const entry: Received = {
          at: Date.now(),
          headers: req.headers,
          raw,
          body: JSON.parse(raw) as Received['body'],
        };
        const n = received.push(entry) - 1;
        void Promise.resolve(state.answer(n)).then((status) => {
          entry.answeredAt = Date.now();
          res.writeHead(status).end();
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    state.close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    receivers.push(state);
    return state;
  }

  async function createWebhook(url: string, events: string[] = ['*']): Promise<WebhookBody> {
    const res = await admin.post(BASE, { url, events, description: 'test receiver' });
    expect(res.statusCode).toBe(201);
    const body = res.json<WebhookBody>();
    created.push(body.id);
    return body;
  }

  function appendEvent(type: EventType, articleId: string, payload: Record<string, unknown> = {}) {
    const outbox = app.get(OutboxService);
    return app.get(DataSource).transaction((em) =>
      outbox.append(em, {
        type,
        articleId,
        version: 1,
        actorId: null,
        payload: { headline: 'Test', ...payload },
      }),
    );
  }

  async function deliveries(webhookId: string, query = ''): Promise<DeliveryBody[]> {
    const res = await admin.get(`${BASE}/${webhookId}/deliveries${query}`);
    expect(res.statusCode).toBe(200);
    return res.json<Page<DeliveryBody>>().data;
  }

  /** The webhook's delivery jobs in the job engine (the dispatch queues one backstop job per window). */
  const backstopJobs = (webhookId: string) =>
    app
      .get(DataSource)
      .query<{ state: string }[]>(
        `SELECT state FROM pgboss.job WHERE name = $1 AND data->>'webhookId' = $2 ORDER BY created_on`,
        [DELIVER_QUEUE, webhookId],
      );

  /**
   * Keeps the job engine from handing over any delivery job of the webhook (a trigger skips their start)
   * until release().
   */
  async function holdDeliveryJobs(webhookId: string): Promise<{ release(): Promise<void> }> {
    const ds = app.get(DataSource);
    const name = `hold_jobs_${randomUUID().replace(/-/g, '')}`;
    const [{ partition }] = await ds.query<{ partition: string }[]>(
      `SELECT partition_name AS partition FROM pgboss.queue WHERE name = $1`,
      [DELIVER_QUEUE],
    );
    await ds.query(
      `CREATE FUNCTION public.${name}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.state = 'active' AND NEW.data->>'webhookId' = '${webhookId}' THEN RETURN NULL; END IF;
         RETURN NEW;
       END $$`,
    );
    await ds.query(
      `CREATE TRIGGER ${name} BEFORE UPDATE ON pgboss."${partition}" FOR EACH ROW EXECUTE FUNCTION public.${name}()`,
    );
    return {
      release: async () => {
        await ds.query(`DROP TRIGGER ${name} ON pgboss."${partition}"`);
        await ds.query(`DROP FUNCTION public.${name}()`);
      },
    };
  }

  const waitForRequests = (r: Receiver, n: number, timeoutMs?: number) =>
    waitFor(`${n} request(s) at ${r.url}`, () => r.received.length >= n, timeoutMs);

  describe('administration', () => {
    it('should answer 401 when anonymous and 403 when a writer or editor calls', async () => {
      expect((await client(app).get(BASE)).statusCode).toBe(401);
      expect((await client(app).post(BASE, { url: 'http://127.0.0.1/x', events: ['*'] })).statusCode).toBe(
        401,
      );
      for (const role of ['writer', 'editor'] as const) {
        const c = await staff(app, role);
        expect((await c.get(BASE)).statusCode).toBe(403);
        expect((await c.post(BASE, { url: 'http://127.0.0.1/x', events: ['*'] })).statusCode).toBe(403);
        expect((await c.post(`${BASE}/${MISSING}/rotate-secret`)).statusCode).toBe(403);
      }
    });

    it('should show the secret only when creating and rotating when an admin manages a webhook', async () => {
      const hook = await createWebhook('http://127.0.0.1:9/in', ['article.killed', 'article.published']);
      expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(hook).toMatchObject({
        url: 'http://127.0.0.1:9/in',
        events: ['article.published', 'article.killed'],
        description: 'test receiver',
        active: true,
        secretRotatedAt: null,
      });

      const got = await admin.get(`${BASE}/${hook.id}`);
      expect(got.statusCode).toBe(200);
      expect(got.json()).not.toHaveProperty('secret');
      expect(got.body).not.toContain(hook.secret!);
      const list = await admin.get(`${BASE}?limit=100`);
      expect(list.statusCode).toBe(200);
      expect(list.json<Page<WebhookBody>>().data.map((w) => w.id)).toContain(hook.id);
      expect(list.body).not.toContain('whsec_');

      const patched = await admin.patch(`${BASE}/${hook.id}`, {
        events: ['*', 'article.updated'],
        description: null,
      });
      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({ events: ['*'], description: null });
      expect(patched.json()).not.toHaveProperty('secret');

      const disabled = await admin.post(`${BASE}/${hook.id}/disable`);
      expect(disabled.statusCode).toBe(200);
      expect(disabled.json()).toMatchObject({ active: false });
      expect((await admin.patch(`${BASE}/${hook.id}`, { active: true })).json()).toMatchObject({
        active: true,
      });

      const rotated = await admin.post(`${BASE}/${hook.id}/rotate-secret`);
      expect(rotated.statusCode).toBe(200);
      const rotatedBody = rotated.json<WebhookBody>();
      expect(rotatedBody.secret).toMatch(/^whsec_/);
      expect(rotatedBody.secret).not.toBe(hook.secret);
      expect(rotatedBody.secretRotatedAt).not.toBeNull();
      expect((await admin.get(`${BASE}/${hook.id}`)).json()).not.toHaveProperty('secret');

      expect((await admin.delete(`${BASE}/${hook.id}`)).statusCode).toBe(204);
      expect((await admin.get(`${BASE}/${hook.id}`)).statusCode).toBe(404);
      expect((await admin.delete(`${BASE}/${hook.id}`)).statusCode).toBe(404);
      expect((await admin.post(`${BASE}/${MISSING}/rotate-secret`)).statusCode).toBe(404);
    });

    it('should refuse with 400 when the url or events are invalid', async () => {
      const bad = [
        { url: 'ftp://127.0.0.1/in', events: ['*'] },
        { url: 'not a url', events: ['*'] },
        { url: 'http://127.0.0.1/in', events: [] },
        { url: 'http://127.0.0.1/in', events: ['article.exploded'] },
        { url: 'http://127.0.0.1/in', events: 'article.published' },
        { url: 'http://127.0.0.1/in', events: ['*'], secret: 'mine' },
        { events: ['*'] },
      ];
      for (const body of bad) {
        const res = await admin.post(BASE, body);
        expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      }
      const hook = await createWebhook('http://127.0.0.1:9/in');
      expect((await admin.patch(`${BASE}/${hook.id}`, { url: 'ftp://127.0.0.1/in' })).statusCode).toBe(400);
      expect((await admin.patch(`${BASE}/${hook.id}`, { active: 'yes' })).statusCode).toBe(400);
    });
  });

  describe('delivery', () => {
    it('should send a signed POST with the documented headers and body when an event is appended', async () => {
      const r = await receiver();
      const hook = await createWebhook(r.url);
      const articleId = randomUUID();
      const event = await appendEvent('article.published', articleId, { headline: 'Астана' });

      await waitForRequests(r, 1);
      const [req] = r.received;
      expect(req.headers).toMatchObject({
        'content-type': 'application/json',
        'user-agent': 'Dateline-Webhooks/1',
        'dateline-event': 'article.published',
      });
      expect(verifySignature(String(req.headers['dateline-signature']), hook.secret!, req.raw, 300)).toBe(
        true,
      );
      expect(verifySignature(String(req.headers['dateline-signature']), 'whsec_wrong', req.raw, 300)).toBe(
        false,
      );
      expect(req.body).toEqual({
        id: event.id,
        type: 'article.published',
        occurredAt: event.occurredAt.toISOString(),
        articleId,
        version: 1,
        data: { headline: 'Астана' },
      });
      const [log] = await waitFor('the delivery to succeed', async () => {
        const list = await deliveries(hook.id);
        return list[0]?.status === 'succeeded' ? list : undefined;
      });
      expect(req.headers['dateline-delivery']).toBe(log.id);
      expect(log).toMatchObject({
        eventId: event.id,
        eventType: 'article.published',
        articleId,
        attempts: 1,
      });
      expect(log.lastStatusCode).toBe(200);

      // After a rotation the next delivery is signed with the new secret only.
      const rotated = (await admin.post(`${BASE}/${hook.id}/rotate-secret`)).json<WebhookBody>();
      await appendEvent('article.updated', articleId);
      await waitForRequests(r, 2);
      const second = r.received[1];
      expect(
        verifySignature(String(second.headers['dateline-signature']), rotated.secret!, second.raw, 300),
      ).toBe(true);
      expect(
        verifySignature(String(second.headers['dateline-signature']), hook.secret!, second.raw, 300),
      ).toBe(false);
    });

    it('should retry with the same delivery id and log attempts=3 when the receiver answers 500 twice then 200', async () => {
      const r = await receiver((n) => (n < 2 ? 500 : 200));
      const hook = await createWebhook(r.url);
      await appendEvent('article.published', randomUUID());

      await waitForRequests(r, 3);
      const ids = r.received.map((q) => q.headers['dateline-delivery']);
      expect(new Set(ids).size).toBe(1);
      const [log] = await waitFor('the delivery to succeed', async () => {
        const list = await deliveries(hook.id);
        return list[0]?.status === 'succeeded' ? list : undefined;
      });
      expect(log).toMatchObject({ id: ids[0], status: 'succeeded', attempts: 3, lastStatusCode: 200 });
      expect(log.deliveredAt).not.toBeNull();
      await sleep(300);
      expect(r.received).toHaveLength(3);
    });

    it('should deliver one article in seq order when the receiver fails the first event twice', async () => {
      const r = await receiver((n) => (n < 2 ? 503 : 200));
      const hook = await createWebhook(r.url);
      const articleId = randomUUID();
      const events = [];
      for (const type of ['article.published', 'article.updated', 'article.corrected'] as const) {
        events.push(await appendEvent(type, articleId));
      }

      await waitForRequests(r, 5);
      expect(r.received.map((q) => q.body.id)).toEqual([
        events[0].id,
        events[0].id,
        events[0].id,
        events[1].id,
        events[2].id,
      ]);

      // The log: newest first, keyset paginated, filterable by status.
      await waitFor(
        'all three to succeed',
        async () => (await deliveries(hook.id, '?status=succeeded')).length === 3,
      );
      const first = await admin.get(`${BASE}/${hook.id}/deliveries?limit=2`);
      const page1 = first.json<Page<DeliveryBody>>();
      expect(page1.data).toHaveLength(2);
      expect(page1.meta.nextCursor).not.toBeNull();
      const page2 = (
        await admin.get(`${BASE}/${hook.id}/deliveries?limit=2&cursor=${page1.meta.nextCursor}`)
      ).json<Page<DeliveryBody>>();
      expect(page2.data).toHaveLength(1);
      expect(page2.meta.nextCursor).toBeNull();
      const all = [...page1.data, ...page2.data];
      expect(new Set(all.map((d) => d.eventId))).toEqual(new Set(events.map((e) => e.id)));
      expect(await deliveries(hook.id, '?status=failed')).toEqual([]);
      expect((await admin.get(`${BASE}/${hook.id}/deliveries?status=lost`)).statusCode).toBe(400);
      expect((await admin.get(`${BASE}/${MISSING}/deliveries`)).statusCode).toBe(404);
    });

    it('should mark the delivery failed after WEBHOOK_MAX_ATTEMPTS when the receiver always fails', async () => {
      let status = 503;
      const r = await receiver(() => status);
      const hook = await createWebhook(r.url);
      await appendEvent('article.killed', randomUUID(), { reason: 'legal' });

      const [log] = await waitFor('the delivery to fail', async () => {
        const list = await deliveries(hook.id, '?status=failed');
        return list.length === 1 ? list : undefined;
      });
      expect(log).toMatchObject({ status: 'failed', attempts: 4, lastStatusCode: 503, nextAttemptAt: null });
      expect(log.lastError).toContain('503');
      expect(r.received).toHaveLength(4);

      // A failed delivery can be sent again by hand: same id, attempts start over.
      status = 200;
      const again = await admin.post(`${BASE}/${hook.id}/deliveries/${log.id}/redeliver`);
      expect(again.statusCode).toBe(202);
      expect(again.json()).toMatchObject({ id: log.id, status: 'pending', attempts: 0 });
      await waitForRequests(r, 5);
      expect(r.received[4].headers['dateline-delivery']).toBe(log.id);
      await waitFor('the redelivery to succeed', async () => {
        const [d] = await deliveries(hook.id);
        return d.status === 'succeeded' && d.attempts === 1;
      });
    });

    it('should send the same delivery id and body again when a succeeded delivery is redelivered', async () => {
      const r = await receiver();
      const hook = await createWebhook(r.url);
      await appendEvent('article.corrected', randomUUID(), { notice: 'A date was wrong' });
      await waitForRequests(r, 1);
      const [log] = await waitFor('the delivery to succeed', async () => {
        const list = await deliveries(hook.id, '?status=succeeded');
        return list.length === 1 ? list : undefined;
      });

      const res = await admin.post(`${BASE}/${hook.id}/deliveries/${log.id}/redeliver`);
      expect(res.statusCode).toBe(202);
      await waitForRequests(r, 2);
      expect(r.received[1].headers['dateline-delivery']).toBe(log.id);
      expect(r.received[1].raw).toBe(r.received[0].raw);
      expect(
        verifySignature(
          String(r.received[1].headers['dateline-signature']),
          hook.secret!,
          r.received[1].raw,
          300,
        ),
      ).toBe(true);

      expect((await admin.post(`${BASE}/${hook.id}/deliveries/${MISSING}/redeliver`)).statusCode).toBe(404);
      await admin.post(`${BASE}/${hook.id}/disable`);
      expect((await admin.post(`${BASE}/${hook.id}/deliveries/${log.id}/redeliver`)).statusCode).toBe(409);
    });

    it('should deliver to a fast receiver while another receiver of the same event has not answered yet', async () => {
      let letGo!: () => void;
      const gate = new Promise<void>((resolve) => (letGo = resolve));
      const slow = await receiver(async () => {
        await gate;
        return 200;
      });
      const fast = await receiver();
      await createWebhook(slow.url);
      await createWebhook(fast.url);
      await appendEvent('article.published', randomUUID());

      await waitForRequests(slow, 1);
      await waitForRequests(fast, 1);
      // The fast receiver got it while the slow one was still holding its request, and the newsroom API
      // answers meanwhile.
      expect(slow.received[0].answeredAt).toBeUndefined();
      expect((await admin.get(BASE)).statusCode).toBe(200);
      expect(slow.received[0].answeredAt).toBeUndefined();
      letGo();
      await waitFor('the slow receiver to answer', () => slow.received[0].answeredAt !== undefined);
    });

    it('should deliver only subscribed event types when a webhook filters them', async () => {
      const killedOnly = await receiver();
      const everything = await receiver();
      const hook = await createWebhook(killedOnly.url, ['article.killed']);
      await createWebhook(everything.url, ['*']);
      const articleId = randomUUID();
      await appendEvent('article.published', articleId);
      await appendEvent('article.killed', articleId);

      await waitForRequests(everything, 2);
      await waitForRequests(killedOnly, 1);
      expect(everything.received.map((q) => q.body.type)).toEqual(['article.published', 'article.killed']);
      expect(killedOnly.received.map((q) => q.body.type)).toEqual(['article.killed']);
      expect((await deliveries(hook.id)).map((d) => d.eventType)).toEqual(['article.killed']);
    });

    it('should deliver only later events when a webhook is created after some events of an article', async () => {
      const articleId = randomUUID();
      await appendEvent('article.published', articleId);
      const r = await receiver();
      await createWebhook(r.url);
      const after = await appendEvent('article.updated', articleId);

      await waitForRequests(r, 1);
      await sleep(300);
      expect(r.received.map((q) => q.body.id)).toEqual([after.id]);
    });

    it('should deliver nothing to a disabled webhook when events happen', async () => {
      const off = await receiver();
      const on = await receiver();
      const hook = await createWebhook(off.url);
      await createWebhook(on.url);
      expect((await admin.post(`${BASE}/${hook.id}/disable`)).statusCode).toBe(200);
      await appendEvent('article.published', randomUUID());

      // Both deliveries would be created by the same dispatch: once one arrived, the other would exist.
      await waitForRequests(on, 1);
      expect(await deliveries(hook.id)).toEqual([]);
      expect(off.received).toHaveLength(0);
    });

    it('should create each delivery once and in seq order when several dispatch passes run at once', async () => {
      await requireConcurrentPostgres(app);
      const r = await receiver();
      const hook = await createWebhook(r.url);
      const articleId = randomUUID();
      const dispatcher = app.get(WebhookDispatcher);
      // One commit queues them all; the server's own dispatcher, woken by it, runs alongside these passes.
      const events = await app.get(DataSource).transaction(async (em) => {
        const outbox = app.get(OutboxService);
        const written = [];
        for (const type of ['article.published', 'article.updated', 'article.corrected'] as const) {
          written.push(await outbox.append(em, { type, articleId, version: 1, actorId: null, payload: {} }));
        }
        for (let i = 0; i < 20; i++) {
          written.push(
            await outbox.append(em, {
              type: 'article.published',
              articleId: randomUUID(),
              version: 1,
              actorId: null,
              payload: {},
            }),
          );
        }
        return written;
      });
      const passes = async () => {
        let n = 0;
        for (let got = 1; got > 0; n += got) got = await dispatcher.dispatchPending();
        return n;
      };
      const dispatched = await Promise.all([passes(), passes(), passes()]);
      expect(dispatched.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(events.length);

      await waitForRequests(r, events.length);
      await waitFor(
        'all to succeed',
        async () => (await deliveries(hook.id, '?status=succeeded&limit=100')).length === events.length,
      );
      const [{ n, distinct }] = await app
        .get(DataSource)
        .query<{ n: number; distinct: number }[]>(
          `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS "distinct" FROM webhook_delivery WHERE webhook_id = $1`,
          [hook.id],
        );
      expect({ n, distinct }).toEqual({ n: events.length, distinct: events.length });
      expect(r.received).toHaveLength(events.length);
      expect(r.received.filter((q) => q.body.articleId === articleId).map((q) => q.body.id)).toEqual(
        events.slice(0, 3).map((e) => e.id),
      );
    });

    it('should send a new delivery at once when the job engine hands over no delivery job', async () => {
      const r = await receiver();
      const hook = await createWebhook(r.url);
      const hold = await holdDeliveryJobs(hook.id);
      try {
        await appendEvent('article.published', randomUUID());

        await waitForRequests(r, 1);
        await waitFor('the delivery to succeed', async () => {
          const list = await deliveries(hook.id, '?status=succeeded');
          return list.length === 1 ? list : undefined;
        });
        // Its backstop job was queued with the deliveries and was never handed to a worker.
        await expect(backstopJobs(hook.id)).resolves.toEqual([{ state: 'created' }]);
      } finally {
        await hold.release();
      }
    });

    it('should send a new delivery by its backstop job when the instance that dispatched it did not', async () => {
      const r = await receiver();
      const hook = await createWebhook(r.url);
      const hold = await holdDeliveryJobs(hook.id);
      let log: DeliveryBody;
      try {
        await appendEvent('article.published', randomUUID());
        await waitForRequests(r, 1);
        [log] = await waitFor('the delivery to succeed', async () => {
          const list = await deliveries(hook.id, '?status=succeeded');
          return list.length === 1 ? list : undefined;
        });
        // As if the dispatching instance had died right after its commit: the delivery was never sent.
        await app.get(DataSource).query(
          `UPDATE webhook_delivery SET status = 'pending', attempts = 0, delivered_at = NULL, next_attempt_at = now()
            WHERE id = $1`,
          [log.id],
        );
      } finally {
        await hold.release();
      }
      // The backstop job, due now rather than in a few seconds.
      await app
        .get(DataSource)
        .query(
          `UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND data->>'webhookId' = $2 AND state = 'created'`,
          [DELIVER_QUEUE, hook.id],
        );

      await waitForRequests(r, 2);
      expect(r.received[1].headers['dateline-delivery']).toBe(log.id);
      await waitFor('the backstop job to complete', async () => {
        const jobs = await backstopJobs(hook.id);
        return jobs.length === 1 && jobs[0].state === 'completed';
      });
      await waitFor('the delivery to succeed again', async () => {
        const list = await deliveries(hook.id, '?status=succeeded');
        return list.length === 1 && list[0].attempts === 1 ? list : undefined;
      });
    });

    it('should send a stranded pending delivery again when the sweep runs', async () => {
      const r = await receiver();
      const hook = await createWebhook(r.url);
      await appendEvent('article.published', randomUUID());
      await waitForRequests(r, 1);
      const [log] = await waitFor('the delivery to succeed', async () => {
        const list = await deliveries(hook.id, '?status=succeeded');
        return list.length === 1 ? list : undefined;
      });
      // As if a worker died mid-send a minute ago, leaving an expired lease and no job.
      await app.get(DataSource).query(
        `UPDATE webhook_delivery SET status = 'pending', next_attempt_at = now() - interval '1 minute',
                lease_until = now() - interval '1 second', lease_token = gen_random_uuid() WHERE id = $1`,
        [log.id],
      );

      await expect(app.get(WebhookDeliveryWorker).sweep()).resolves.toBeGreaterThanOrEqual(1);
      await waitForRequests(r, 2);
      expect(r.received[1].headers['dateline-delivery']).toBe(log.id);
    });
  });
});
