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
  /** Requests answered so far */
  answered(): number;
  close(): Promise<void>;
}

// The slow receiver holds its requests until the test lets go: the client's timeout must not end them first.
process.env.WEBHOOK_TIMEOUT_MS = '120000';
const ARTICLES = 20;

/**
 * A local receiver; records when each delivery arrived. With `hold`, it answers nothing until `release()`
 * (each request stays open, as with a receiver that hangs).
 */
async function receiver(hold = false): Promise<Receiver & { release(): void }> {
  const arrivals: Arrival[] = [];
  let answered = 0;
  let held: (() => void)[] | null = hold ? [] : null;
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
      const answer = () => {
        if (res.destroyed) return;
        answered++;
        res.writeHead(200).end();
      };
      if (held) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    answered: () => answered,
    release: () => {
      const waiting = held ?? [];
      held = null;
      for (const answer of waiting) answer();
    },
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
  let healthy: Receiver & { release(): void };
  let slow: Receiver & { release(): void };
  const hooks: string[] = [];

  beforeAll(async () => {
    app = await bootApp();
    admin = await asAdmin(app);
    editor = await staff(app, 'editor');
    healthy = await receiver();
    slow = await receiver(true);
  });
  afterAll(async () => {
    for (const id of hooks) await admin.delete(`/api/v1/webhooks/${id}`);
    // Lets the slow receiver's open requests end and their attempts be recorded before the app stops.
    slow.release();
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
      15_000,
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

  /** Newsroom work: per article a create, two edits and two publications; returns the articles' ids. */
  async function newsroomWork(): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < ARTICLES; i++) {
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
        const res =
          kind === 'patch'
            ? await editor.patch(`/api/v1/articles/${a.id}`, body, headers)
            : await editor.post(`/api/v1/articles/${a.id}/transitions`, body, headers);
        expect(res.statusCode).toBe(200);
        a = res.json<ArticleBody>();
      }
      ids.push(a.id);
    }
    return ids;
  }

  it('should deliver every event to a healthy receiver, in order, while another receiver is dead and one holds its requests open', async () => {
    const dead = await addWebhook(await deadUrl());
    await addWebhook(slow.url);
    await addWebhook(healthy.url);

    const articleIds = await newsroomWork();
    // The newsroom's work all committed while the slow receiver held every request it got: nothing waited for it.
    await waitFor(
      async () => Promise.resolve(slow.arrivals.length > 0),
      60_000,
      'the slow receiver’s first request',
    );
    expect(slow.answered()).toBe(0);

    const ids = new Set(articleIds);
    const mine = () => healthy.arrivals.filter((x) => ids.has(x.articleId));
    await waitFor(async () => Promise.resolve(mine().length >= ids.size * 2), 60_000, 'healthy deliveries');

    // Isolation: the healthy receiver got all of them while the slow one still answered nothing…
    expect(slow.answered()).toBe(0);
    expect(mine()).toHaveLength(ids.size * 2);
    // …and while the dead one was still being retried.
    const refused = (await admin.get(`/api/v1/webhooks/${dead}/deliveries?limit=100`)).json<{
      data: { status: string; attempts: number; lastStatusCode: number | null; lastError: string | null }[];
    }>();
    expect(refused.data.some((d) => d.status === 'succeeded')).toBe(false);
    expect(refused.data.some((d) => d.status === 'pending')).toBe(true);
    expect(
      refused.data.some(
        (d) => d.attempts > 0 && d.lastStatusCode === null && d.lastError?.startsWith('network error'),
      ),
    ).toBe(true);
    // Ordering: each article's events reached the healthy receiver in the order they happened.
    const seqs = await app
      .get(DataSource)
      .query<{ id: string; articleId: string }[]>(
        `SELECT id, article_id AS "articleId" FROM event WHERE article_id = ANY($1::uuid[]) ORDER BY seq`,
        [articleIds],
      );
    for (const articleId of articleIds) {
      expect(
        mine()
          .filter((x) => x.articleId === articleId)
          .map((x) => x.eventId),
      ).toEqual(seqs.filter((e) => e.articleId === articleId).map((e) => e.id));
    }
    const lags = mine().map((x) => x.at - x.occurredAt);
    console.log(
      `healthy delivery lag (event to receipt, not asserted) max ${Math.max(...lags)} ms beside a dead and a hanging receiver; ` +
        `the hanging one holds ${slow.arrivals.length} request(s)`,
    );
  });
});
