import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from './helpers';
import { uniq, waitFor } from './helpers';

/** Helpers of the partner specs: keys, webhooks and partners through the admin API, and real receivers. */

export const PARTNERS = '/api/v1/partners';

export interface Partner {
  id: string;
  name: string;
  version: number;
  apiKeyIds: string[];
  webhookIds: string[];
  openAdvisories: number;
  subscription: {
    languages: string[];
    genres: string[];
    tags: { id: string; slug: string; name: string }[];
    tagMatch: 'any' | 'all';
    embargoedEarly: boolean;
  };
}

export async function createKey(
  admin: Client,
  scopes = ['content:read'],
): Promise<{ id: string; key: string }> {
  const res = await admin.post('/api/v1/api-keys', { name: `Key ${uniq()}`, scopes });
  if (res.statusCode !== 201) throw new Error(`api key: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function createWebhook(
  admin: Client,
  url: string,
  events: string[] = ['*'],
): Promise<{ id: string; secret: string }> {
  const res = await admin.post('/api/v1/webhooks', { url, events });
  if (res.statusCode !== 201) throw new Error(`webhook: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function createPartner(admin: Client, body: Record<string, unknown> = {}): Promise<Partner> {
  const res = await admin.post(PARTNERS, { name: `Partner ${uniq()}`, ...body });
  if (res.statusCode !== 201) throw new Error(`partner: ${res.statusCode} ${res.body}`);
  return res.json();
}

export interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: {
    id: string;
    type: string;
    articleId: string | null;
    version: number | null;
    data: Record<string, unknown> & { document?: { version?: number } };
  };
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Deliveries of one article, in arrival order. */
  of(articleId: string): Delivery[];
  /** What the receiver answers: status and extra headers, decided per delivery (default 200, none). */
  answer: (d: Delivery) => { status?: number; headers?: Record<string, string> };
  close(): Promise<void>;
}

/** A real HTTP receiver on 127.0.0.1 that keeps what it got. */
export async function receiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const r: Receiver = {
    url: '',
    deliveries,
    of: (articleId) => deliveries.filter((d) => d.body.articleId === articleId),
    answer: () => ({}),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const d: Delivery = {
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Delivery['body'],
      };
      deliveries.push(d);
      const { status = 200, headers = {} } = r.answer(d);
      res.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return r;
}

/** Waits until the receiver got an event of this type about the article, and gives it. */
export function arrived(r: Receiver, articleId: string, type: string): Promise<Delivery> {
  return waitFor(
    () => Promise.resolve(r.of(articleId).find((d) => d.body.type === type)),
    30_000,
    `${type} of ${articleId}`,
  );
}
