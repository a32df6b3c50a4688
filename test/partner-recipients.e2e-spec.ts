import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { bootApp, client, staff, waitFor } from './helpers';
import { CONTENT, type Newsroom, act, createTag, newsroom, published } from './content-api.helpers';
import {
  type Receiver,
  arrived,
  createKey,
  createPartner,
  createWebhook,
  receiver,
} from './partners.helpers';

interface Recipients {
  articleId: string;
  data: {
    partnerId: string;
    partnerName: string;
    latestVersion: number;
    deliveries: {
      version: number;
      method: 'push' | 'pull';
      at: string;
      webhookId: string | null;
      apiKeyId: string | null;
    }[];
  }[];
}

describe('partners: the delivery record and the recipients of a story (e2e)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let room: Newsroom;
  let hook: Receiver;

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    room = await newsroom(app);
    hook = await receiver();
  });

  afterAll(async () => {
    await app?.close();
    await hook?.close();
  });

  const recipients = async (id: string): Promise<Recipients> => {
    const res = await room.editor.get(`/api/v1/articles/${id}/recipients`);
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  /** Waits until the recipients of a story show `n` deliveries in all. */
  const recorded = (id: string, n: number) =>
    waitFor(
      async () => {
        const r = await recipients(id);
        return r.data.flatMap((p) => p.deliveries).length >= n ? r : undefined;
      },
      30_000,
      `${n} deliveries of ${id}`,
    );

  it('should record pushes and first pulls of each version, and answer who has which version, how and when', async () => {
    const tag = await createTag(room.admin);
    const webhook = await createWebhook(room.admin, hook.url, ['article.published', 'article.updated']);
    const pushKey = await createKey(room.admin);
    const pusher = await createPartner(room.admin, {
      webhookIds: [webhook.id],
      apiKeyIds: [pushKey.id],
      subscription: { tagIds: [tag.id] },
    });
    const pullKey = await createKey(room.admin);
    const puller = await createPartner(room.admin, { apiKeyIds: [pullKey.id] });
    // Subscribed elsewhere: never gets this story.
    await createPartner(room.admin, { subscription: { languages: ['zh'] } });

    let s = await published(room.editor, { tags: [tag.id] });
    await arrived(hook, s.id, 'article.published');
    const reader = (key: string) => (url: string) => client(app).get(url, { 'x-api-key': key });
    const pull = reader(pullKey.key);
    expect((await pull(`${CONTENT}/articles?tag=${tag.slug}`)).statusCode).toBe(200);
    const first = await recorded(s.id, 2);
    // Fetched again: the first fetch stays on record.
    expect((await pull(`${CONTENT}/articles/${s.slug}`)).statusCode).toBe(200);

    s = await act(room.editor, s, { action: 'publish', change: 'update' });
    await arrived(hook, s.id, 'article.updated');
    expect((await pull(`${CONTENT}/articles/${s.slug}?format=ninjs`)).statusCode).toBe(200);
    const after = await recorded(s.id, 4);
    expect(after.data.map((p) => p.partnerName).sort()).toEqual([pusher.name, puller.name].sort());
    const byName = new Map(after.data.map((p) => [p.partnerName, p]));
    expect(byName.get(pusher.name)).toMatchObject({
      partnerId: pusher.id,
      latestVersion: 2,
      deliveries: [
        { version: 2, method: 'push', webhookId: webhook.id, apiKeyId: null },
        { version: 1, method: 'push', webhookId: webhook.id, apiKeyId: null },
      ],
    });
    expect(byName.get(puller.name)).toMatchObject({
      partnerId: puller.id,
      latestVersion: 2,
      deliveries: [
        { version: 2, method: 'pull', apiKeyId: pullKey.id, webhookId: null },
        { version: 1, method: 'pull', apiKeyId: pullKey.id, webhookId: null },
      ],
    });
    const firstPull = first.data.find((p) => p.partnerId === puller.id)!.deliveries[0];
    expect(byName.get(puller.name)!.deliveries[1].at).toBe(firstPull.at);
    // The push of a version is on record when the receiver took it: not before the delivery was sent.
    const pushedAt = byName.get(pusher.name)!.deliveries[1].at;
    const delivered = await ds.query<{ delivered_at: Date }[]>(
      `SELECT delivered_at FROM webhook_delivery WHERE webhook_id = $1 AND article_id = $2 AND event_type = 'article.published'`,
      [webhook.id, s.id],
    );
    expect(new Date(pushedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(delivered[0].delivered_at).getTime() - 1,
    );
  });

  it('should record pulls of feeds too, and answer reads while the record cannot be written', async () => {
    const tag = await createTag(room.admin);
    const key = await createKey(room.admin);
    const partner = await createPartner(room.admin, { apiKeyIds: [key.id] });
    const s = await published(room.editor, { tags: [tag.id] });
    // A transaction holds the delivery record against every insert: reads are answered all the same.
    const blocker = ds.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    try {
      await blocker.query('LOCK TABLE partner_delivery IN EXCLUSIVE MODE');
      for (const url of [
        `${CONTENT}/feeds/tags/${tag.slug}/rss.xml`,
        `${CONTENT}/articles?tag=${tag.slug}`,
        `${CONTENT}/articles/${s.slug}`,
      ]) {
        expect((await client(app).get(url, { 'x-api-key': key.key })).statusCode).toBe(200);
      }
      expect((await recipients(s.id)).data).toEqual([]);
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    const r = await recorded(s.id, 1);
    expect(r.data).toEqual([
      expect.objectContaining({
        partnerId: partner.id,
        latestVersion: 1,
        deliveries: [expect.objectContaining({ version: 1, method: 'pull', apiKeyId: key.id })],
      }),
    ]);
  });

  it('should not record reads of keys of no partner, nor anonymous ones', async () => {
    const key = await createKey(room.admin);
    const s = await published(room.editor);
    expect(
      (await client(app).get(`${CONTENT}/articles/${s.slug}`, { 'x-api-key': key.key })).statusCode,
    ).toBe(200);
    expect((await client(app).get(`${CONTENT}/articles/${s.slug}`)).statusCode).toBe(200);
    // A partner's read of another story, written after these: once it is on record, so would they be.
    const pk = await createKey(room.admin);
    await createPartner(room.admin, { apiKeyIds: [pk.id] });
    const marker = await published(room.editor);
    expect(
      (await client(app).get(`${CONTENT}/articles/${marker.slug}`, { 'x-api-key': pk.key })).statusCode,
    ).toBe(200);
    await recorded(marker.id, 1);
    expect((await recipients(s.id)).data).toEqual([]);
  });

  it('should answer 404 for an unknown article and 403 to writers', async () => {
    expect(
      (await room.editor.get('/api/v1/articles/00000000-0000-4000-8000-000000000000/recipients')).statusCode,
    ).toBe(404);
    const writer = await staff(app, 'writer');
    const s = await published(room.editor);
    expect((await writer.get(`/api/v1/articles/${s.id}/recipients`)).statusCode).toBe(403);
  });
});
