import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type Client, asAdmin, bootApp, staff, uniq, waitFor } from './helpers';

interface ArticleBody {
  id: string;
  version: number;
  status: string;
}
interface Arrival {
  at: number;
  eventId: string;
  articleId: string;
  occurredAt: number;
}
interface Receiver {
  url: string;
  arrivals: Arrival[];
  close(): Promise<void>;
}

const SLOW_MS = 10_000;
const ARTICLES_PER_PHASE = 20;

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** A local receiver answering 200 after `delayMs`; records when each delivery arrived. */
async function receiver(delayMs = 0): Promise<Receiver> {
  const arrivals: Arrival[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        id: string;
        articleId: string;
        occurredAt: string;
      };
      arrivals.push({
        at: Date.now(),
        eventId: body.id,
        articleId: body.articleId,
        occurredAt: Date.parse(body.occurredAt),
      });
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(200).end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL nothing listens on: connections are refused. */
async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

describe('webhook isolation (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: Client;
  let editor: Client;
  let healthy: Receiver;
  let slow: Receiver;
  const hooks: string[] = [];

  beforeAll(async () => {
    app = await bootApp();
    admin = await asAdmin(app);
    editor = await staff(app, 'editor');
    healthy = await receiver();
    slow = await receiver(SLOW_MS);
  });
  afterAll(async () => {
    for (const id of hooks) await admin.delete(`/api/v1/webhooks/${id}`);
    // Ends the slow receiver's open requests and lets their attempts be recorded before the app stops.
    await slow.close();
    await healthy.close();
    const ds = app.get(DataSource);
    await waitFor(
      async () => {
        const [{ n }] = await ds.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM webhook_delivery WHERE lease_until > now()',
        );
        return n === 0;
      },
      5000,
      'in-flight deliveries to end',
    ).catch(() => undefined);
    await app.close();
  });

  async function addWebhook(url: string): Promise<string> {
    const res = await admin.post('/api/v1/webhooks', { url, events: ['*'], description: 'isolation test' });
    expect(res.statusCode).toBe(201);
    const { id } = res.json<{ id: string }>();
    hooks.push(id);
    return id;
  }

  /** Newsroom work: per article a create, two edits and two publications; returns the latencies (ms) of the edits and transitions. */
  async function newsroomWork(): Promise<{ latencies: number[]; articleIds: string[] }> {
    const latencies: number[] = [];
    const timed = async <T>(f: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const r = await f();
      latencies.push(performance.now() - t0);
      return r;
    };
    const ids: string[] = [];
    for (let i = 0; i < ARTICLES_PER_PHASE; i++) {
      const created = await editor.post('/api/v1/articles', {
        headline: `Isolation ${uniq()} talks in Astana`,
        body: '<p>First.</p>',
      });
      expect(created.statusCode).toBe(201);
      let a = created.json<ArticleBody>();
      const steps: [string, Record<string, unknown>][] = [
        ['patch', { summary: 'A summary' }],
        ['transition', { action: 'publish' }],
        ['patch', { summary: 'A better summary' }],
        ['transition', { action: 'publish', change: 'update' }],
      ];
      for (const [kind, body] of steps) {
        const headers = { 'if-match': `"${a.version}"` };
        const res = await timed(() =>
          kind === 'patch'
            ? editor.patch(`/api/v1/articles/${a.id}`, body, headers)
            : editor.post(`/api/v1/articles/${a.id}/transitions`, body, headers),
        );
        expect(res.statusCode).toBe(200);
        a = res.json<ArticleBody>();
      }
      ids.push(a.id);
    }
    return { latencies, articleIds: ids };
  }

  /** Waits until the healthy receiver has both events of every article, and returns each one's lag (ms). */
  async function healthyLags(articleIds: string[]): Promise<number[]> {
    const ids = new Set(articleIds);
    const mine = () => healthy.arrivals.filter((x) => ids.has(x.articleId));
    await waitFor(async () => Promise.resolve(mine().length >= ids.size * 2), 15_000, 'healthy deliveries');
    return mine().map((x) => x.at - x.occurredAt);
  }

  it('should keep newsroom latency and a healthy receiver’s deliveries unchanged when another receiver is dead and one takes 10 s', async () => {
    await addWebhook(healthy.url);
    // Warm-up, then the baseline with the healthy receiver alone.
    await healthyLags((await newsroomWork()).articleIds);
    const before = await newsroomWork();
    const lagBefore = await healthyLags(before.articleIds);

    const dead = await addWebhook(await deadUrl());
    await addWebhook(slow.url);
    const after = await newsroomWork();
    const lagAfter = await healthyLags(after.articleIds);

    const p99Before = percentile(before.latencies, 99);
    const p99After = percentile(after.latencies, 99);
    console.log(
      `newsroom PATCH/transition p50/p99 ms: alone ${percentile(before.latencies, 50).toFixed(0)}/${p99Before.toFixed(0)}, ` +
        `with a dead and a slow receiver ${percentile(after.latencies, 50).toFixed(0)}/${p99After.toFixed(0)}; ` +
        `healthy delivery lag p50/max ms: alone ${percentile(lagBefore, 50)}/${Math.max(...lagBefore)}, ` +
        `with them ${percentile(lagAfter, 50)}/${Math.max(...lagAfter)}; ` +
        `slow receiver got ${slow.arrivals.length} requests`,
    );
    // The slow receiver really was holding deliveries open, and the dead one refusing them, while the newsroom worked.
    expect(slow.arrivals.length).toBeGreaterThan(0);
    const refused = (await admin.get(`/api/v1/webhooks/${dead}/deliveries`)).json<{
      data: { attempts: number; lastStatusCode: number | null; lastError: string | null }[];
    }>();
    expect(
      refused.data.some(
        (d) => d.attempts > 0 && d.lastStatusCode === null && d.lastError?.startsWith('network error'),
      ),
    ).toBe(true);
    // The newsroom does not wait for receivers (margins absorb the noise of a shared 2-core machine).
    expect(p99After).toBeLessThan(Math.max(p99Before * 2, p99Before + 250));
    // The healthy receiver gets every event within about two seconds, as before.
    expect(percentile(lagAfter, 95)).toBeLessThan(2000);
    expect(Math.max(...lagAfter)).toBeLessThan(3000);
  });
});
