import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { type Client, bootApp, client, uniq, waitFor } from './helpers';
import {
  CONTENT,
  type Newsroom,
  type Story,
  act,
  createTag,
  edit,
  newsroom,
  published,
} from './content-api.helpers';
import {
  PARTNERS,
  type Partner,
  arrived,
  type Receiver,
  createKey,
  createPartner,
  createWebhook,
  receiver,
} from './partners.helpers';

// What a partner's webhooks, lists, feeds and changes feed deliver: what its subscription covers, plus every
// later change (a correction, a kill) of a story it received, whatever the subscription says by then.

interface Reader {
  key: string;
  partner: Partner;
  hook: Receiver;
  webhookId: string;
}

describe('partners: subscription filtering (e2e)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let room: Newsroom;
  let t1: { id: string; slug: string };
  let t2: { id: string; slug: string };
  let general: Receiver;
  const receivers: Receiver[] = [];

  /** A partner with one key and one webhook receiving every event type. */
  async function reader(subscription: Record<string, unknown>, scopes = ['content:read']): Promise<Reader> {
    const hook = await receiver();
    receivers.push(hook);
    const webhook = await createWebhook(room.admin, hook.url, ['*']);
    const key = await createKey(room.admin, scopes);
    const partner = await createPartner(room.admin, {
      apiKeyIds: [key.id],
      webhookIds: [webhook.id],
      subscription,
    });
    return { key: key.key, partner, hook, webhookId: webhook.id };
  }

  const as = (key: string): Client => {
    const c = client(app);
    return { ...c, get: (url, headers) => c.get(url, { 'x-api-key': key, ...headers }) };
  };

  /** Ids in the list of articles of a tag, as a reader sees them. */
  async function listed(key: string | null, tagSlug: string): Promise<string[]> {
    const res = await (key ? as(key) : client(app)).get(`${CONTENT}/articles?tag=${tagSlug}&limit=100`);
    expect(res.statusCode).toBe(200);
    return res.json<{ data: { id: string }[] }>().data.map((d) => d.id);
  }

  /** Every change of these articles in the reader's changes feed, as `type id`. */
  async function changes(key: string, ids: string[]): Promise<string[]> {
    const seen: string[] = [];
    let since = '0';
    for (;;) {
      const res = await as(key).get(`${CONTENT}/changes?since=${since}&limit=500`);
      expect(res.statusCode).toBe(200);
      const page = res.json<{
        data: { type: string; id: string }[];
        meta: { nextCursor: string; hasMore: boolean };
      }>();
      seen.push(...page.data.filter((c) => ids.includes(c.id)).map((c) => `${c.type} ${c.id}`));
      since = page.meta.nextCursor;
      if (!page.meta.hasMore) return seen;
    }
  }

  /** Waits until every queued event is dispatched: what a webhook will get is decided then. */
  const dispatched = () =>
    waitFor(
      async () =>
        (await ds.query<{ n: number }[]>('SELECT count(*)::int AS n FROM webhook_dispatch_queue'))[0].n === 0,
      30_000,
      'the dispatch queue to empty',
    );

  /** Event types delivered (or being delivered) to a webhook for an article, in order. */
  const deliveriesTo = async (webhookId: string, articleId: string): Promise<string[]> =>
    (
      await ds.query<{ event_type: string }[]>(
        `SELECT event_type FROM webhook_delivery WHERE webhook_id = $1 AND article_id = $2 ORDER BY event_seq`,
        [webhookId, articleId],
      )
    ).map((r) => r.event_type);

  const received = (r: Receiver, articleId: string, type: string) => arrived(r, articleId, type);

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    room = await newsroom(app);
    t1 = await createTag(room.admin);
    t2 = await createTag(room.admin);
    general = await receiver();
    receivers.push(general);
    await createWebhook(room.admin, general.url, ['*']);
  });

  afterAll(async () => {
    await app?.close();
    for (const r of receivers) await r.close();
  });

  it('should push to a partner only what its languages, tags and genres cover, and everything to other webhooks', async () => {
    const a = await reader({ languages: ['en'], tagIds: [t1.id] });
    const b = await reader({ genres: ['press_release'] });
    const s1 = await published(room.editor, { language: 'en', tags: [t1.id] });
    const s2 = await published(room.editor, { language: 'ru', tags: [t1.id] });
    const s3 = await published(room.editor, { language: 'en', tags: [t2.id], genre: 'press_release' });
    const s4 = await published(room.editor, { language: 'en-GB', tags: [t1.id, t2.id] });
    for (const s of [s1, s2, s3, s4]) await received(general, s.id, 'article.published');
    await dispatched();
    expect(await deliveriesTo(a.webhookId, s1.id)).toEqual(['article.published']);
    expect(await deliveriesTo(a.webhookId, s2.id)).toEqual([]);
    expect(await deliveriesTo(a.webhookId, s3.id)).toEqual([]);
    expect(await deliveriesTo(a.webhookId, s4.id)).toEqual(['article.published']);
    expect(await deliveriesTo(b.webhookId, s3.id)).toEqual(['article.published']);
    for (const s of [s1, s2, s4]) expect(await deliveriesTo(b.webhookId, s.id)).toEqual([]);
    await received(a.hook, s1.id, 'article.published');
    await received(a.hook, s4.id, 'article.published');
    await received(b.hook, s3.id, 'article.published');
  });

  it('should narrow a partner key’s lists, feeds, single reads and changes feed to its subscription', async () => {
    const a = await reader({ languages: ['en'], tagIds: [t1.id] });
    const s1 = await published(room.editor, { language: 'en', tags: [t1.id] });
    const s2 = await published(room.editor, { language: 'ru', tags: [t1.id] });
    const s3 = await published(room.editor, { language: 'en', tags: [t2.id] });

    const mine = await listed(a.key, t1.slug);
    expect(mine).toContain(s1.id);
    expect(mine).not.toContain(s2.id);
    expect(await listed(a.key, t2.slug)).not.toContain(s3.id);
    // Anonymous readers and keys of no partner see all of them.
    expect(await listed(null, t1.slug)).toEqual(expect.arrayContaining([s1.id, s2.id]));
    const plain = await createKey(room.admin);
    expect(await listed(plain.key, t1.slug)).toEqual(expect.arrayContaining([s1.id, s2.id]));

    const feed = await as(a.key).get(`${CONTENT}/feeds/tags/${t1.slug}/feed.json`);
    expect(feed.statusCode).toBe(200);
    const items = feed
      .json<{ items: { _dateline: { slug: string } }[] }>()
      .items.map((i) => i._dateline.slug);
    expect(items).toContain(s1.slug);
    expect(items).not.toContain(s2.slug);
    // A shared cache may not keep a partner's narrowed answer.
    expect(feed.headers['cache-control']).toMatch(/^private/);

    expect((await as(a.key).get(`${CONTENT}/articles/${s1.slug}`)).statusCode).toBe(200);
    expect((await as(a.key).get(`${CONTENT}/articles/${s2.slug}`)).statusCode).toBe(404);
    expect((await as(a.key).get(`${CONTENT}/articles/${s3.slug}`)).statusCode).toBe(404);
    expect((await client(app).get(`${CONTENT}/articles/${s2.slug}`)).statusCode).toBe(200);

    expect(await changes(a.key, [s1.id, s2.id, s3.id])).toEqual([`published ${s1.id}`]);
  });

  it('should match all tags with tagMatch all', async () => {
    const c = await reader({ tagIds: [t1.id, t2.id], tagMatch: 'all' });
    const both = await published(room.editor, { tags: [t1.id, t2.id] });
    const one = await published(room.editor, { tags: [t1.id] });
    const ids = await listed(c.key, t1.slug);
    expect(ids).toContain(both.id);
    expect(ids).not.toContain(one.id);
    await received(general, one.id, 'article.published');
    await dispatched();
    expect(await deliveriesTo(c.webhookId, both.id)).toEqual(['article.published']);
    expect(await deliveriesTo(c.webhookId, one.id)).toEqual([]);
  });

  it('should take a subscription change into account at once', async () => {
    const a = await reader({ languages: ['en'] });
    const ru = await published(room.editor, { language: 'ru', tags: [t2.id] });
    expect(await listed(a.key, t2.slug)).not.toContain(ru.id);
    const res = await room.admin.patch(
      `${PARTNERS}/${a.partner.id}`,
      { subscription: { languages: ['ru'] } },
      { 'if-match': `"${a.partner.version}"` },
    );
    expect(res.statusCode).toBe(200);
    expect(await listed(a.key, t2.slug)).toContain(ru.id);
  });

  it('should always bring corrections and kills of a received story, even outside the subscription by then', async () => {
    const a = await reader({ tagIds: [t1.id] });
    let s = await published(room.editor, { tags: [t1.id] });
    await received(a.hook, s.id, 'article.published');
    // The push is on record once the delivery succeeded.
    await waitFor(
      async () =>
        (
          await ds.query('SELECT 1 FROM partner_delivery WHERE partner_id = $1 AND article_id = $2', [
            a.partner.id,
            s.id,
          ])
        ).length > 0,
      30_000,
      'the push record',
    );
    // Re-tagged out of the subscription, then corrected and killed.
    s = await edit(room.editor, s, { tags: [t2.id] });
    s = await act(room.editor, s, {
      action: 'publish',
      change: 'correction',
      notice: 'The figure was wrong.',
    });
    s = await act(room.editor, s, { action: 'kill', reason: 'Legal' });
    await received(a.hook, s.id, 'article.killed');
    expect(a.hook.of(s.id).map((d) => d.body.type)).toEqual([
      'article.published',
      'article.corrected',
      'article.killed',
    ]);
    expect(await changes(a.key, [s.id])).toEqual([
      `published ${s.id}`,
      `corrected ${s.id}`,
      `killed ${s.id}`,
    ]);
    const gone = await as(a.key).get(`${CONTENT}/articles/${s.slug}`);
    expect(gone.statusCode).toBe(410);

    // A story it never received and never was covered: its kill does not reach the partner.
    let other = await published(room.editor, { tags: [t2.id] });
    other = await act(room.editor, other, { action: 'kill', reason: 'Legal' });
    await received(general, other.id, 'article.killed');
    await dispatched();
    expect(await deliveriesTo(a.webhookId, other.id)).toEqual([]);
    expect(await changes(a.key, [other.id])).toEqual([]);
  });

  it('should hold embargoed stories for a partner without early access until the embargo is lifted', async () => {
    const late = await reader({ tagIds: [t1.id] }, ['content:read', 'content:embargoed']);
    const early = await reader({ tagIds: [t1.id], embargoedEarly: true }, [
      'content:read',
      'content:embargoed',
    ]);
    const embargoUntil = new Date(Date.now() + 3600_000).toISOString();
    let s: Story = await published(room.editor, { tags: [t1.id] }, { embargoUntil });
    await received(early.hook, s.id, 'article.published');
    await received(general, s.id, 'article.published');
    await dispatched();
    expect(await deliveriesTo(late.webhookId, s.id)).toEqual([]);
    expect(await listed(early.key, t1.slug)).toContain(s.id);
    expect(await listed(late.key, t1.slug)).not.toContain(s.id);

    s = await act(room.editor, s, { action: 'lift_embargo', reason: 'Released early' });
    const lifted = await received(late.hook, s.id, 'article.embargo_lifted');
    expect(lifted.body.data.document).toMatchObject({ id: s.id, slug: s.slug });
    expect(await listed(late.key, t1.slug)).toContain(s.id);
  });

  it('should push the story with the scheduled embargo lift to a partner without early access', async () => {
    const late = await reader({ tagIds: [t2.id] });
    const s = await published(
      room.editor,
      { tags: [t2.id], headline: `Embargoed ${uniq()}` },
      { embargoUntil: new Date(Date.now() + 2500).toISOString() },
    );
    const lifted = await received(late.hook, s.id, 'article.embargo_lifted');
    expect(lifted.body.data.document).toMatchObject({ id: s.id, version: 1 });
    expect(late.hook.of(s.id).map((d) => d.body.type)).toEqual(['article.embargo_lifted']);
  });
});
