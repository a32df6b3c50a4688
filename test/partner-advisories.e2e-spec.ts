import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AdvisoryResends } from '../src/partners/advisory-resends';
import { ackHeader } from '../src/partners/advisory-ack';
import { type Client, bootApp, client, staff, uniq, waitFor } from './helpers';
import {
  CONTENT,
  type Newsroom,
  type Story,
  act,
  createTag,
  newsroom,
  published,
} from './content-api.helpers';
import {
  type Partner,
  type Receiver,
  arrived,
  createKey,
  createPartner,
  createWebhook,
  receiver,
} from './partners.helpers';

// Short re-send times so a whole schedule runs within a test: times after opening, not sleeps.
process.env.ADVISORY_RESEND_SCHEDULE = '1s,2s,3s';

interface Advisory {
  id: string;
  partner: { id: string; name: string | null };
  article: { id: string; headline: string | null };
  kind: string;
  version: number;
  receivedVersion: number | null;
  status: 'open' | 'acknowledged';
  overdue: boolean;
  ageSeconds: number;
  resends: number;
  ackMethod: string | null;
}

interface PartnerSetup {
  partner: Partner;
  key: string;
  keyId: string;
  hook?: Receiver;
  secret?: string;
  webhookId?: string;
}

describe('partners: advisories of kills, corrections and unpublishes (e2e)', () => {
  let app: NestFastifyApplication;
  let ds: DataSource;
  let room: Newsroom;
  let agency: Receiver;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    app = await bootApp();
    ds = app.get(DataSource);
    room = await newsroom(app);
    // The agency's own webhook, routing overdue advisories to e-mail or chat.
    agency = await receiver();
    receivers.push(agency);
    await createWebhook(room.admin, agency.url, ['advisory.overdue', 'advisory.reminder']);
  });

  afterAll(async () => {
    await app?.close();
    for (const r of receivers) await r.close();
  });

  /** A partner with a key, and a webhook when `push`. */
  async function partnerOf(subscription: Record<string, unknown>, push: boolean): Promise<PartnerSetup> {
    const key = await createKey(room.admin);
    let hook: Receiver | undefined;
    let webhook: { id: string; secret: string } | undefined;
    if (push) {
      hook = await receiver();
      receivers.push(hook);
      webhook = await createWebhook(room.admin, hook.url, ['article.published', 'article.killed']);
    }
    const partner = await createPartner(room.admin, {
      apiKeyIds: [key.id],
      webhookIds: webhook ? [webhook.id] : [],
      subscription,
    });
    return { partner, key: key.key, keyId: key.id, hook, secret: webhook?.secret, webhookId: webhook?.id };
  }

  const partnerClient = (key: string): Client => {
    const c = client(app);
    return {
      ...c,
      get: (url, headers) => c.get(url, { 'x-api-key': key, ...headers }),
      post: (url, body, headers) => c.post(url, body, { 'x-api-key': key, ...headers }),
    };
  };

  const advisories = async (query: string): Promise<Advisory[]> => {
    const res = await room.editor.get(`/api/v1/advisories?${query}&limit=100`);
    expect(res.statusCode).toBe(200);
    return res.json<{ data: Advisory[] }>().data;
  };

  const onRecord = (partnerId: string, articleId: string) =>
    waitFor(
      async () =>
        (
          await ds.query('SELECT 1 FROM partner_delivery WHERE partner_id = $1 AND article_id = $2', [
            partnerId,
            articleId,
          ])
        ).length > 0,
      30_000,
      'the delivery record',
    );

  const reminders = (r: Receiver, advisoryId: string) =>
    r.deliveries.filter((d) => d.body.type === 'advisory.reminder' && d.body.data.advisoryId === advisoryId);

  /** A story received by `pusher` (pushed) and `puller` (fetched with its key). */
  async function receivedBy(tag: { id: string; slug: string }, pusher: PartnerSetup, puller?: PartnerSetup) {
    const s = await published(room.editor, { tags: [tag.id] });
    await arrived(pusher.hook!, s.id, 'article.published');
    await onRecord(pusher.partner.id, s.id);
    if (puller) {
      const res = await partnerClient(puller.key).get(`${CONTENT}/articles/${s.slug}`);
      expect(res.statusCode).toBe(200);
      await onRecord(puller.partner.id, s.id);
    }
    return s;
  }

  it('should open one advisory per partner that received the story, in the kill, and tell the pushed one its id', async () => {
    const tag = await createTag(room.admin);
    const pusher = await partnerOf({ tagIds: [tag.id] }, true);
    const puller = await partnerOf({ tagIds: [tag.id] }, false);
    const neverRead = await partnerOf({ tagIds: [tag.id] }, false);
    const elsewhere = await partnerOf({ languages: ['zh'] }, true);
    let s = await receivedBy(tag, pusher, puller);

    s = await act(room.editor, s, { action: 'kill', reason: 'The ministry withdrew the statement' });
    const open = await advisories(`articleId=${s.id}&status=open`);
    expect(open.map((a) => a.partner.id).sort()).toEqual([pusher.partner.id, puller.partner.id].sort());
    for (const a of open) {
      expect(a).toMatchObject({
        kind: 'kill',
        version: 2,
        receivedVersion: 1,
        status: 'open',
        overdue: false,
      });
      expect(a.article.id).toBe(s.id);
    }
    expect(await advisories(`partnerId=${neverRead.partner.id}`)).toEqual([]);
    expect(await advisories(`partnerId=${elsewhere.partner.id}`)).toEqual([]);

    // The kill's delivery to the pushed partner carries its advisory.
    const kill = await arrived(pusher.hook!, s.id, 'article.killed');
    const mine = open.find((a) => a.partner.id === pusher.partner.id)!;
    expect(kill.headers['dateline-advisory']).toBe(mine.id);

    // Opening is audited with the editor who killed the story.
    const audit = await room.admin.get(
      `/api/v1/audit?entityType=advisory&entityId=${mine.id}&action=advisory.open`,
    );
    expect(audit.json()).toMatchObject({
      data: [
        {
          actor: { email: expect.stringMatching(/^editor/) as string },
          details: { partnerId: pusher.partner.id, kind: 'kill' },
        },
      ],
    });
  });

  it('should open advisories for corrections and unpublishes too, not for updates', async () => {
    const tag = await createTag(room.admin);
    const pusher = await partnerOf({ tagIds: [tag.id] }, true);
    let s: Story = await receivedBy(tag, pusher);
    s = await act(room.editor, s, { action: 'publish', change: 'update' });
    expect(await advisories(`articleId=${s.id}`)).toEqual([]);
    s = await act(room.editor, s, { action: 'publish', change: 'correction', notice: 'The date was wrong.' });
    s = await act(room.editor, s, { action: 'unpublish' });
    const kinds = (await advisories(`articleId=${s.id}`)).map((a) => `${a.kind} v${a.version}`);
    expect(kinds).toEqual(['unpublish v4', 'correction v3']);
  });

  it('should re-send an unacknowledged advisory on the schedule, then raise advisory.overdue for the agency', async () => {
    const tag = await createTag(room.admin);
    const pusher = await partnerOf({ tagIds: [tag.id] }, true);
    const s = await receivedBy(tag, pusher);
    await act(room.editor, s, { action: 'kill', reason: 'Legal' });
    const [advisory] = await advisories(`articleId=${s.id}`);

    const overdue = await waitFor(
      () => Promise.resolve(agency.of(s.id).find((d) => d.body.type === 'advisory.overdue')),
      60_000,
      'the overdue event',
    );
    expect(overdue.body.data).toMatchObject({
      advisoryId: advisory.id,
      partnerId: pusher.partner.id,
      partnerName: pusher.partner.name,
      kind: 'kill',
      resends: 3,
    });
    await waitFor(
      () => Promise.resolve(reminders(pusher.hook!, advisory.id).length === 3),
      30_000,
      'reminders',
    );
    expect(reminders(pusher.hook!, advisory.id).map((d) => d.body.data.resend)).toEqual([1, 2, 3]);
    expect(reminders(pusher.hook!, advisory.id)[0].headers['dateline-advisory']).toBe(advisory.id);
    // Reminders are the partner's: the agency's webhook, subscribed to them, never gets another partner's.
    expect(agency.of(s.id).filter((d) => d.body.type === 'advisory.reminder')).toEqual([]);
    // Nor does a partner's webhook get the overdue event.
    expect(pusher.hook!.of(s.id).filter((d) => d.body.type === 'advisory.overdue')).toEqual([]);

    const [after] = await advisories(`articleId=${s.id}&overdue=true`);
    expect(after).toMatchObject({ id: advisory.id, status: 'open', overdue: true, resends: 3 });
    const steps = await room.admin.get(`/api/v1/audit?entityType=advisory&entityId=${advisory.id}&limit=100`);
    expect(steps.json<{ data: { action: string }[] }>().data.map((r) => r.action)).toEqual([
      'advisory.overdue',
      'advisory.resend',
      'advisory.resend',
      'advisory.resend',
      'advisory.open',
    ]);
  });

  it('should take an acknowledgement by API once, from the partner only, and stop re-sending', async () => {
    const tag = await createTag(room.admin);
    const pusher = await partnerOf({ tagIds: [tag.id] }, true);
    const puller = await partnerOf({ tagIds: [tag.id] }, false);
    const s = await receivedBy(tag, pusher, puller);
    await act(room.editor, s, { action: 'kill', reason: 'Legal' });
    const me = partnerClient(puller.key);

    const listed = await me.get(`${CONTENT}/advisories?status=open`);
    expect(listed.statusCode).toBe(200);
    expect(listed.headers['cache-control']).toBe('private, no-store');
    const [mine] = listed.json<{ data: { id: string; articleId: string; kind: string; notice: string }[] }>()
      .data;
    expect(mine).toMatchObject({ articleId: s.id, kind: 'kill', notice: 'Legal', slug: s.slug });

    // Not by another partner, nor a key of no partner, nor without a key.
    expect((await partnerClient(pusher.key).post(`${CONTENT}/advisories/${mine.id}/ack`)).statusCode).toBe(
      404,
    );
    const plain = await createKey(room.admin);
    expect((await partnerClient(plain.key).post(`${CONTENT}/advisories/${mine.id}/ack`)).statusCode).toBe(
      403,
    );
    expect((await client(app).post(`${CONTENT}/advisories/${mine.id}/ack`)).statusCode).toBe(401);
    expect((await room.admin.post(`${CONTENT}/advisories/${mine.id}/ack`)).statusCode).toBe(401);

    const ack = await me.post(`${CONTENT}/advisories/${mine.id}/ack`, undefined, {
      'x-request-id': `ack-${mine.id}`,
    });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ id: mine.id, status: 'acknowledged' });
    const again = await me.post(`${CONTENT}/advisories/${mine.id}/ack`);
    expect(again.json()).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: ack.json<{ acknowledgedAt: string }>().acknowledgedAt,
    });
    expect((await me.get(`${CONTENT}/advisories?status=open`)).json()).toMatchObject({ data: [] });

    const [seen] = await advisories(`articleId=${s.id}&partnerId=${puller.partner.id}`);
    expect(seen).toMatchObject({ status: 'acknowledged', ackMethod: 'api' });
    const acks = await room.admin.get(
      `/api/v1/audit?entityType=advisory&entityId=${mine.id}&action=advisory.acknowledge`,
    );
    expect(acks.json()).toMatchObject({
      data: [
        {
          actor: null,
          // The request it came through, as for a staff member's change.
          requestId: `ack-${mine.id}`,
          ip: '127.0.0.1',
          details: { partnerId: puller.partner.id, method: 'api', apiKeyId: puller.keyId },
        },
      ],
    });
    expect(acks.json<{ data: unknown[] }>().data).toHaveLength(1);

    // The other partner's advisory runs its schedule to the end; this one stopped where it was acknowledged.
    const [other] = await advisories(`articleId=${s.id}&partnerId=${pusher.partner.id}`);
    await waitFor(
      async () => (await advisories(`articleId=${s.id}&overdue=true`)).length > 0,
      60_000,
      'overdue',
    );
    const [stopped] = await advisories(`articleId=${s.id}&partnerId=${puller.partner.id}`);
    expect(stopped.resends).toBe(seen.resends);
    expect(stopped.overdue).toBe(false);
    expect(other.id).not.toBe(stopped.id);
  });

  it('should take a signed acknowledgement in the receiver’s answer and refuse a badly signed one', async () => {
    const tag = await createTag(room.admin);
    const good = await partnerOf({ tagIds: [tag.id] }, true);
    const bad = await partnerOf({ tagIds: [tag.id] }, true);
    const answer = (secret: string) => (d: { headers: Record<string, string | string[] | undefined> }) => {
      const advisory = d.headers['dateline-advisory'] as string | undefined;
      const delivery = d.headers['dateline-delivery'] as string;
      return advisory ? { headers: { 'dateline-ack': ackHeader(secret, advisory, delivery) } } : {};
    };
    good.hook!.answer = answer(good.secret!);
    bad.hook!.answer = answer('whsec_not_the_secret');
    const s = await published(room.editor, { tags: [tag.id] });
    for (const p of [good, bad]) {
      await arrived(p.hook!, s.id, 'article.published');
      await onRecord(p.partner.id, s.id);
    }
    await act(room.editor, s, { action: 'kill', reason: 'Legal' });
    const [goodKill, badKill] = [
      await arrived(good.hook!, s.id, 'article.killed'),
      await arrived(bad.hook!, s.id, 'article.killed'),
    ];

    const acked = await waitFor(
      async () => (await advisories(`articleId=${s.id}&status=acknowledged`))[0],
      30_000,
      'the receiver acknowledgement',
    );
    expect(acked).toMatchObject({ partner: { id: good.partner.id }, ackMethod: 'receiver', resends: 0 });
    const row = await ds.query<{ ack_delivery_id: string; ack_webhook_id: string }[]>(
      'SELECT ack_delivery_id, ack_webhook_id FROM partner_advisory WHERE id = $1',
      [acked.id],
    );
    expect(row[0]).toEqual({
      ack_delivery_id: goodKill.headers['dateline-delivery'],
      ack_webhook_id: good.webhookId,
    });

    const badAdvisory = badKill.headers['dateline-advisory'] as string;
    await waitFor(
      async () =>
        (
          await room.admin.get(
            `/api/v1/audit?entityType=advisory&entityId=${badAdvisory}&action=advisory.ack_refused`,
          )
        ).json<{
          data: unknown[];
        }>().data.length > 0,
      30_000,
      'the refusal on record',
    );
    const [stillOpen] = await advisories(`articleId=${s.id}&status=open`);
    expect(stillOpen).toMatchObject({ id: badAdvisory, partner: { id: bad.partner.id } });
    // Its reminders keep coming, and the good partner's never started.
    await waitFor(() => Promise.resolve(reminders(bad.hook!, badAdvisory).length > 0), 30_000, 'a reminder');
    expect(good.hook!.deliveries.filter((d) => d.body.type === 'advisory.reminder')).toEqual([]);
  });

  it('should never re-send twice for one step, nor re-send or re-open an acknowledged advisory', async () => {
    const tag = await createTag(room.admin);
    const puller = await partnerOf({ tagIds: [tag.id] }, false);
    const pusher = await partnerOf({ tagIds: [tag.id] }, true);
    const s = await receivedBy(tag, pusher, puller);
    await act(room.editor, s, { action: 'kill', reason: 'Legal' });
    const [advisory] = await advisories(`articleId=${s.id}&partnerId=${puller.partner.id}`);
    const resends = app.get(AdvisoryResends);
    const count = async () =>
      (
        await ds.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM event WHERE type = 'advisory.reminder' AND payload ->> 'advisoryId' = $1`,
          [advisory.id],
        )
      )[0].n;
    // The job engine may have run a step already: run the current one twice at once.
    const [{ resends: at }] = await ds.query<{ resends: number }[]>(
      'SELECT resends FROM partner_advisory WHERE id = $1',
      [advisory.id],
    );
    if (at < 3) {
      const before = await count();
      const results = await Promise.all([
        resends.resend({ advisoryId: advisory.id, step: at }),
        resends.resend({ advisoryId: advisory.id, step: at }),
      ]);
      const sent = results.filter(Boolean).length;
      // Exactly one of the two (or none, when the engine's own job took this step between the two reads).
      expect(sent).toBeLessThanOrEqual(1);
      expect(await count()).toBe(before + sent);
    }
    expect(
      (await partnerClient(puller.key).post(`${CONTENT}/advisories/${advisory.id}/ack`)).statusCode,
    ).toBe(200);
    const afterAck = await count();
    for (let step = 0; step < 4; step++) {
      await expect(resends.resend({ advisoryId: advisory.id, step })).resolves.toBe(false);
    }
    expect(await count()).toBe(afterAck);
    const [row] = await ds.query<{ acknowledged_at: Date | null; overdue_at: Date | null }[]>(
      'SELECT acknowledged_at, overdue_at FROM partner_advisory WHERE id = $1',
      [advisory.id],
    );
    expect(row.acknowledged_at).not.toBeNull();
    expect(row.overdue_at).toBeNull();
  });

  it('should list advisories only for editors and admins, with a validated query', async () => {
    const writer = await staff(app, 'writer');
    expect((await writer.get('/api/v1/advisories')).statusCode).toBe(403);
    expect((await room.editor.get('/api/v1/advisories?status=closed')).statusCode).toBe(400);
    expect((await room.editor.get('/api/v1/advisories?articleId=nope')).statusCode).toBe(400);
    expect((await room.editor.get(`/api/v1/advisories?partnerId=${uniq()}`)).statusCode).toBe(400);
  });
});
