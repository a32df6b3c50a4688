import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Client, asAdmin, bootApp, staff, tableCounts, uniq } from './helpers';
import { createTag } from './content-api.helpers';
import { PARTNERS, type Partner, createKey, createPartner, createWebhook } from './partners.helpers';

describe('partners: CRUD (e2e)', () => {
  let app: NestFastifyApplication;
  let admin: Client;

  beforeAll(async () => {
    app = await bootApp();
    admin = await asAdmin(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  const auditOf = async (id: string) =>
    (await admin.get(`/api/v1/audit?entityType=partner&entityId=${id}`)).json<{
      data: { action: string; actor: { email: string | null } | null; details: Record<string, unknown> }[];
    }>().data;

  it('should create a partner with contacts, a subscription, keys and webhooks, versioned and audited', async () => {
    const tag = await createTag(admin);
    const key = await createKey(admin);
    const hook = await createWebhook(admin, 'http://127.0.0.1:9/partner');
    const res = await admin.post(PARTNERS, {
      name: `Daily Astana ${uniq()}`,
      contacts: [{ name: 'Aigerim Sadykova', email: 'desk@astana.example', role: 'night editor' }],
      apiKeyIds: [key.id],
      webhookIds: [hook.id],
      subscription: { languages: ['en', 'ru'], genres: ['news'], tagIds: [tag.id], tagMatch: 'all' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    const partner = res.json<Partner & { contacts: unknown[] }>();
    expect(partner).toMatchObject({
      version: 1,
      apiKeyIds: [key.id],
      webhookIds: [hook.id],
      openAdvisories: 0,
      contacts: [
        { name: 'Aigerim Sadykova', email: 'desk@astana.example', phone: null, role: 'night editor' },
      ],
      subscription: {
        languages: ['en', 'ru'],
        genres: ['news'],
        tags: [{ id: tag.id, slug: tag.slug, name: tag.name }],
        tagMatch: 'all',
        embargoedEarly: false,
      },
    });
    const got = await admin.get(`${PARTNERS}/${partner.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.headers.etag).toBe('"1"');
    expect(got.json()).toEqual(partner);
    const [row] = await auditOf(partner.id);
    expect(row).toMatchObject({
      action: 'partner.create',
      actor: { email: 'admin@dateline.test' },
      details: { apiKeyIds: [key.id], webhookIds: [hook.id], languages: ['en', 'ru'], tagMatch: 'all' },
    });
  });

  it('should default to a subscription to everything, no early embargoes', async () => {
    const partner = await createPartner(admin);
    expect(partner.subscription).toEqual({
      languages: [],
      genres: [],
      tags: [],
      tagMatch: 'any',
      embargoedEarly: false,
    });
  });

  it('should refuse bad input with 400 and change nothing', async () => {
    const taken = await createPartner(admin);
    const before = await tableCounts(app);
    const bad: [Record<string, unknown>, number][] = [
      [{}, 400],
      [{ name: '' }, 400],
      [{ name: 'x', subscription: { languages: ['xx-not'] } }, 400],
      [{ name: 'x', subscription: { genres: ['gossip'] } }, 400],
      [{ name: 'x', subscription: { tagMatch: 'some' } }, 400],
      [{ name: 'x', subscription: { tagIds: ['00000000-0000-4000-8000-000000000000'] } }, 400],
      [{ name: 'x', apiKeyIds: ['00000000-0000-4000-8000-000000000000'] }, 400],
      [{ name: 'x', webhookIds: ['00000000-0000-4000-8000-000000000000'] }, 400],
      [{ name: 'x', apiKeyIds: ['not-a-uuid'] }, 400],
      [{ name: 'x', contacts: [{ email: 'nobody@example.com' }] }, 400],
      [{ name: 'x', contacts: [{ name: 'A', email: 'not an email' }] }, 400],
      [{ name: 'x', status: 'active' }, 400],
      [{ name: taken.name.toUpperCase() }, 409],
    ];
    for (const [body, status] of bad) {
      const res = await admin.post(PARTNERS, body);
      expect({ body, status: res.statusCode }).toEqual({ body, status });
    }
    expect(await tableCounts(app)).toEqual(before);
  });

  it('should refuse a key or webhook that belongs to another partner, naming it, and change nothing', async () => {
    const key = await createKey(admin);
    const hook = await createWebhook(admin, 'http://127.0.0.1:9/taken');
    const owner = await createPartner(admin, { apiKeyIds: [key.id], webhookIds: [hook.id] });
    const before = await tableCounts(app);
    const res = await admin.post(PARTNERS, { name: `Other ${uniq()}`, apiKeyIds: [key.id] });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      details: { field: 'apiKeyIds', taken: [{ id: key.id, partner: owner.name }] },
    });
    const other = await createPartner(admin);
    const counts = await tableCounts(app);
    const patch = await admin.patch(
      `${PARTNERS}/${other.id}`,
      { webhookIds: [hook.id] },
      { 'if-match': '"1"' },
    );
    expect(patch.statusCode).toBe(409);
    expect(await tableCounts(app)).toEqual(counts);
    expect(counts.partner).toBe(before.partner + 1);
    expect((await admin.get(`${PARTNERS}/${owner.id}`)).json()).toMatchObject({ webhookIds: [hook.id] });
  });

  it('should update under If-Match only, replace links, and audit what changed', async () => {
    const [k1, k2] = [await createKey(admin), await createKey(admin)];
    const partner = await createPartner(admin, { apiKeyIds: [k1.id], subscription: { languages: ['en'] } });
    const url = `${PARTNERS}/${partner.id}`;
    expect((await admin.patch(url, { name: 'No precondition' })).statusCode).toBe(428);
    const stale = await admin.patch(url, { name: 'Stale' }, { 'if-match': '"7"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ details: { currentVersion: 1 } });

    const res = await admin.patch(
      url,
      { apiKeyIds: [k2.id], subscription: { embargoedEarly: true } },
      { 'if-match': '"1"' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    // The subscription's other fields stay as they were.
    expect(res.json()).toMatchObject({
      version: 2,
      apiKeyIds: [k2.id],
      subscription: { languages: ['en'], embargoedEarly: true },
    });
    const [update] = await auditOf(partner.id);
    expect(update).toMatchObject({
      action: 'partner.update',
      details: {
        version: 2,
        apiKeyIdsBefore: [k1.id],
        apiKeyIds: [k2.id],
        embargoedEarlyBefore: false,
        embargoedEarly: true,
      },
    });
    expect(update.details).not.toHaveProperty('languages');
    // null is no value for any field: refused, nothing changed.
    for (const body of [
      { name: null },
      { apiKeyIds: null },
      { contacts: null },
      { subscription: { languages: null } },
    ]) {
      const res = await admin.patch(url, body, { 'if-match': '"2"' });
      expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
    }
    expect((await admin.get(url)).json()).toMatchObject({ version: 2, apiKeyIds: [k2.id] });
    // The version moved: the old ETag is stale now.
    expect((await admin.patch(url, { name: 'Late' }, { 'if-match': '"1"' })).statusCode).toBe(412);
  });

  it('should list partners in keyset pages, oldest first', async () => {
    const made = [await createPartner(admin), await createPartner(admin), await createPartner(admin)];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await admin.get(
        `${PARTNERS}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const page = res.json<{ data: Partner[]; meta: { nextCursor: string | null } }>();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((p) => p.id));
      cursor = page.meta.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const positions = made.map((p) => seen.indexOf(p.id));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('should delete a partner, keep its key and webhook, and audit it; a stale If-Match is refused', async () => {
    const key = await createKey(admin);
    const hook = await createWebhook(admin, 'http://127.0.0.1:9/gone');
    const partner = await createPartner(admin, { apiKeyIds: [key.id], webhookIds: [hook.id] });
    expect((await admin.delete(`${PARTNERS}/${partner.id}`, { 'if-match': '"5"' })).statusCode).toBe(412);
    expect((await admin.delete(`${PARTNERS}/${partner.id}`)).statusCode).toBe(204);
    expect((await admin.get(`${PARTNERS}/${partner.id}`)).statusCode).toBe(404);
    expect((await admin.delete(`${PARTNERS}/${partner.id}`)).statusCode).toBe(404);
    expect((await admin.get(`/api/v1/api-keys/${key.id}`)).statusCode).toBe(200);
    expect((await admin.get(`/api/v1/webhooks/${hook.id}`)).statusCode).toBe(200);
    // Free to belong to another partner now.
    await createPartner(admin, { apiKeyIds: [key.id], webhookIds: [hook.id] });
    const [row] = await auditOf(partner.id);
    expect(row).toMatchObject({ action: 'partner.delete', details: { name: partner.name } });
  });

  it('should drop a deleted key from its partner', async () => {
    const key = await createKey(admin);
    const partner = await createPartner(admin, { apiKeyIds: [key.id] });
    expect((await admin.delete(`/api/v1/api-keys/${key.id}`)).statusCode).toBe(204);
    expect((await admin.get(`${PARTNERS}/${partner.id}`)).json()).toMatchObject({ apiKeyIds: [] });
  });

  it('should let only admins manage partners', async () => {
    const editor = await staff(app, 'editor');
    expect((await editor.get(PARTNERS)).statusCode).toBe(403);
    expect((await editor.post(PARTNERS, { name: `E ${uniq()}` })).statusCode).toBe(403);
  });
});
