import { createHash } from 'node:crypto';
import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { ApiKeyAuthenticator } from '../src/api-keys/api-key-authenticator.service';
import { type ContentAccess, ContentAccessGuard } from '../src/api-keys/content-access.guard';
import { Public } from '../src/common/auth.decorators';
import { bootAppWith, createKey, within } from './content-access.helpers';
import { type Client, asAdmin, client, staff } from './helpers';

// A test-only route behind the Content API guard: it answers what the guard decided.
@Controller('test/content-probe')
class ProbeController {
  @Get()
  @Public()
  @UseGuards(ContentAccessGuard)
  probe(@Req() req: FastifyRequest): ContentAccess | undefined {
    return req.contentAccess;
  }
}

describe('API keys (e2e)', () => {
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;
  let admin: Client;
  let ds: DataSource;
  const saved = { ...process.env };

  const probe = (app: NestFastifyApplication, key?: string) =>
    client(app).get('/test/content-probe', key === undefined ? {} : { 'x-api-key': key });

  beforeAll(async () => {
    // This file runs the Content API closed to anonymous readers; the config is read at first boot.
    process.env.CONTENT_API_PUBLIC = 'false';
    // Two instances on one database, as behind a load balancer.
    first = await bootAppWith([ProbeController]);
    second = await bootAppWith([ProbeController]);
    admin = await asAdmin(first);
    ds = first.get(DataSource);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    process.env = saved;
  });

  describe('admin routes', () => {
    it('should show the key once and store only its SHA-256 when an admin creates one', async () => {
      const res = await admin.post('/api/v1/api-keys', { name: 'Partner A', scopes: ['content:read'] });
      expect(res.statusCode).toBe(201);
      const created = res.json<{ id: string; key: string; prefix: string; status: string }>();
      expect(created.key).toMatch(/^dlk_[0-9A-Za-z]{8}_[0-9A-Za-z]{40}$/);
      expect(created.key.startsWith(`dlk_${created.prefix}_`)).toBe(true);
      expect(created.status).toBe('active');
      const secret = created.key.split('_')[2];

      const fetched = await admin.get(`/api/v1/api-keys/${created.id}`);
      expect(fetched.statusCode).toBe(200);
      expect(fetched.json()).not.toHaveProperty('key');
      expect(fetched.body).not.toContain(secret);
      const listed = await admin.get('/api/v1/api-keys?limit=100');
      expect(listed.body).not.toContain(secret);
      expect(listed.body).not.toContain('hash');

      const [row] = await ds.query<{ doc: string; hash: string }[]>(
        `SELECT row_to_json(k)::text AS doc, k.hash FROM api_key k WHERE id = $1`,
        [created.id],
      );
      expect(row.hash).toBe(createHash('sha256').update(created.key).digest('hex'));
      expect(row.doc).not.toContain(secret);
    });

    it('should refuse the API key routes when the caller is not an admin', async () => {
      const editor = await staff(first, 'editor');
      const key = await createKey(admin);
      await expect(editor.get('/api/v1/api-keys')).resolves.toMatchObject({ statusCode: 403 });
      await expect(
        editor.post('/api/v1/api-keys', { name: 'x', scopes: ['content:read'] }),
      ).resolves.toMatchObject({ statusCode: 403 });
      await expect(editor.post(`/api/v1/api-keys/${key.id}/revoke`)).resolves.toMatchObject({
        statusCode: 403,
      });
      await expect(client(first).get('/api/v1/api-keys')).resolves.toMatchObject({ statusCode: 401 });
      // An API key is not a staff credential.
      await expect(client(first).get('/api/v1/api-keys', { 'x-api-key': key.key })).resolves.toMatchObject({
        statusCode: 401,
      });
    });

    it('should answer 400 when scopes or expiry are invalid', async () => {
      for (const body of [
        { name: 'x', scopes: [] },
        { name: 'x', scopes: ['content:write'] },
        { name: 'x', scopes: ['content:read', 'content:read'] },
        { name: '', scopes: ['content:read'] },
        { name: 'x', scopes: ['content:read'], expiresAt: 'soon' },
        { name: 'x', scopes: ['content:read'], expiresAt: new Date(Date.now() - 60_000).toISOString() },
        { name: 'x', scopes: ['content:read'], secret: 'mine' },
      ]) {
        const res = await admin.post('/api/v1/api-keys', body);
        expect({ body, status: res.statusCode }).toEqual({ body, status: 400 });
      }
    });

    it('should list keys by keyset pages without repeats when walked with the cursor', async () => {
      const mine = new Set<string>();
      for (let i = 0; i < 3; i++) mine.add((await createKey(admin, { name: `Walk ${i}` })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await admin.get(`/api/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode).toBe(200);
        const page = res.json<{ data: { id: string }[]; meta: { nextCursor: string | null } }>();
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.map((k) => k.id));
        cursor = page.meta.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of mine) expect(seen).toContain(id);
    });

    it('should change name, scopes and expiry when patched, and clear expiry with null', async () => {
      const key = await createKey(admin);
      const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
      const res = await admin.patch(`/api/v1/api-keys/${key.id}`, {
        name: 'Renamed',
        scopes: ['content:read', 'content:embargoed'],
        expiresAt,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        name: 'Renamed',
        scopes: ['content:read', 'content:embargoed'],
        expiresAt,
      });
      const cleared = await admin.patch(`/api/v1/api-keys/${key.id}`, { expiresAt: null });
      expect(cleared.json()).toMatchObject({ name: 'Renamed', expiresAt: null });
      await expect(admin.patch(`/api/v1/api-keys/${key.id}`, { scopes: ['nope'] })).resolves.toMatchObject({
        statusCode: 400,
      });
    });

    it('should answer 404 when the key does not exist', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      await expect(admin.get(`/api/v1/api-keys/${id}`)).resolves.toMatchObject({ statusCode: 404 });
      await expect(admin.post(`/api/v1/api-keys/${id}/revoke`)).resolves.toMatchObject({ statusCode: 404 });
      await expect(admin.delete(`/api/v1/api-keys/${id}`)).resolves.toMatchObject({ statusCode: 404 });
      await expect(admin.patch(`/api/v1/api-keys/${id}`, { name: 'x' })).resolves.toMatchObject({
        statusCode: 404,
      });
    });
  });

  describe('Content API access', () => {
    it('should answer 401 when no key is sent and CONTENT_API_PUBLIC=false', async () => {
      const res = await probe(first);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    });

    it('should guard the real Content API routes with the same rules when they are called', async () => {
      const key = await createKey(admin);
      await expect(client(first).get('/api/v1/content/articles?limit=1')).resolves.toMatchObject({
        statusCode: 401,
      });
      await expect(
        client(first).get('/api/v1/content/articles?limit=1', { 'x-api-key': key.key }),
      ).resolves.toMatchObject({ statusCode: 200 });
      await admin.post(`/api/v1/api-keys/${key.id}/revoke`);
      await expect(
        client(first).get('/api/v1/content/articles?limit=1', { 'x-api-key': key.key }),
      ).resolves.toMatchObject({ statusCode: 401 });
    });

    it('should let a content:read key in without the embargo flag', async () => {
      const key = await createKey(admin);
      const res = await probe(first, key.key);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ keyId: key.id, embargoed: false });
    });

    it('should set the embargoed flag when the key has the content:embargoed scope', async () => {
      const key = await createKey(admin, { scopes: ['content:read', 'content:embargoed'] });
      await expect(probe(first, key.key).then((r) => r.json<unknown>())).resolves.toEqual({
        keyId: key.id,
        embargoed: true,
      });
    });

    it('should answer 403 when a key lacks content:read', async () => {
      const key = await createKey(admin, { scopes: ['content:embargoed'] });
      const res = await probe(first, key.key);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('should answer 401 in one shape when the key is unknown, malformed or tampered with', async () => {
      const key = await createKey(admin);
      const tampered = key.key.slice(0, -1) + (key.key.endsWith('a') ? 'b' : 'a');
      const unknown = `dlk_${'A'.repeat(8)}_${'B'.repeat(40)}`;
      const bodies = [];
      for (const k of [tampered, unknown, 'not-a-key', `${key.key} extra`]) {
        const res = await probe(first, k);
        expect(res.statusCode).toBe(401);
        const { code, message } = res.json<{ code: string; message: string }>();
        bodies.push({ code, message });
      }
      expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    });

    it('should answer 401 once a key is revoked', async () => {
      const key = await createKey(admin);
      await expect(probe(first, key.key)).resolves.toMatchObject({ statusCode: 200 });
      const revoked = await admin.post(`/api/v1/api-keys/${key.id}/revoke`);
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json()).toMatchObject({ status: 'revoked' });
      await expect(probe(first, key.key)).resolves.toMatchObject({ statusCode: 401 });
      // Revoking again keeps the first time; a revoked key cannot be changed.
      const again = await admin.post(`/api/v1/api-keys/${key.id}/revoke`);
      expect(again.json<{ revokedAt: string }>().revokedAt).toBe(
        revoked.json<{ revokedAt: string }>().revokedAt,
      );
      await expect(
        admin.patch(`/api/v1/api-keys/${key.id}`, { scopes: ['content:read'] }),
      ).resolves.toMatchObject({ statusCode: 400 });
    });

    it('should answer 401 once a key expires, even while its lookup is cached', async () => {
      const expiresAt = Date.now() + 4000;
      const key = await createKey(admin, { expiresAt: new Date(expiresAt).toISOString() });
      await expect(probe(first, key.key)).resolves.toMatchObject({ statusCode: 200 });
      await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 100));
      await expect(probe(first, key.key)).resolves.toMatchObject({ statusCode: 401 });
      await expect(
        admin.get(`/api/v1/api-keys/${key.id}`).then((r) => r.json<unknown>()),
      ).resolves.toMatchObject({
        status: 'expired',
      });
    });

    it('should answer 401 once a key is deleted', async () => {
      const key = await createKey(admin);
      await expect(probe(first, key.key)).resolves.toMatchObject({ statusCode: 200 });
      await expect(admin.delete(`/api/v1/api-keys/${key.id}`)).resolves.toMatchObject({ statusCode: 204 });
      await expect(probe(first, key.key)).resolves.toMatchObject({ statusCode: 401 });
      await expect(admin.get(`/api/v1/api-keys/${key.id}`)).resolves.toMatchObject({ statusCode: 404 });
    });

    it('should record last use in the background when a key is used', async () => {
      const key = await createKey(admin);
      expect((await admin.get(`/api/v1/api-keys/${key.id}`)).json()).toMatchObject({ lastUsedAt: null });
      await probe(first, key.key);
      await within(
        20_000,
        async () =>
          (await admin.get(`/api/v1/api-keys/${key.id}`)).json<{ lastUsedAt: string }>().lastUsedAt !== null,
        'last_used_at to be set',
      );
    });
  });

  describe('several instances', () => {
    it('should refuse a key on another instance at once when it is revoked on one', async () => {
      const key = await createKey(admin);
      // Both instances have looked the key up and cached it.
      await expect(probe(first, key.key)).resolves.toMatchObject({ statusCode: 200 });
      await expect(probe(second, key.key)).resolves.toMatchObject({ statusCode: 200 });
      await expect(admin.post(`/api/v1/api-keys/${key.id}/revoke`)).resolves.toMatchObject({
        statusCode: 200,
      });
      // Refused well before the 30 s the cache would keep the key: the change notification dropped it.
      await within(20_000, async () => (await probe(second, key.key)).statusCode === 401, 'refusal');
    });

    it('should serve a cached key without a database lookup until a change is announced', async () => {
      const key = await createKey(admin);
      await expect(probe(second, key.key)).resolves.toMatchObject({ statusCode: 200 });
      // Revoked behind the app's back, with triggers off (no NOTIFY): the cached lookup still answers,
      // which shows requests do not read the database.
      await ds.transaction(async (em) => {
        await em.query(`SET LOCAL session_replication_role = replica`);
        await em.query(`UPDATE api_key SET revoked_at = now() WHERE id = $1`, [key.id]);
      });
      await expect(probe(second, key.key)).resolves.toMatchObject({ statusCode: 200 });
      // Any announced change (here a delete through the API) drops it everywhere.
      await expect(admin.delete(`/api/v1/api-keys/${key.id}`)).resolves.toMatchObject({ statusCode: 204 });
      await within(20_000, async () => (await probe(second, key.key)).statusCode === 401, 'refusal');
    });

    it('should apply a scope change on another instance at once', async () => {
      const key = await createKey(admin);
      await expect(probe(second, key.key).then((r) => r.json<unknown>())).resolves.toMatchObject({
        embargoed: false,
      });
      await admin.patch(`/api/v1/api-keys/${key.id}`, { scopes: ['content:read', 'content:embargoed'] });
      // Well inside the 30 s the cache would keep the old scopes.
      await within(
        20_000,
        async () => (await probe(second, key.key)).json<ContentAccess>().embargoed,
        'the embargoed scope',
      );
    });
  });

  describe('audit and cache races', () => {
    interface AuditRow {
      action: string;
      actor: { id: string } | null;
      details: Record<string, unknown>;
    }
    const auditOf = async (id: string) =>
      (await admin.get(`/api/v1/audit?entityType=api_key&entityId=${id}&limit=100`)).json<{
        data: AuditRow[];
      }>().data;

    it('should write an audit row when a key is created, re-scoped, revoked and deleted, and none when a change is refused', async () => {
      const key = await createKey(admin, { name: 'Audited partner' });
      await expect(
        admin.patch(`/api/v1/api-keys/${key.id}`, { scopes: ['content:read', 'content:embargoed'] }),
      ).resolves.toMatchObject({ statusCode: 200 });
      await expect(admin.post(`/api/v1/api-keys/${key.id}/revoke`)).resolves.toMatchObject({
        statusCode: 200,
      });
      // Revoking again changes nothing and a revoked key cannot be changed: neither is recorded.
      await expect(admin.post(`/api/v1/api-keys/${key.id}/revoke`)).resolves.toMatchObject({
        statusCode: 200,
      });
      await expect(
        admin.patch(`/api/v1/api-keys/${key.id}`, { scopes: ['content:read'] }),
      ).resolves.toMatchObject({ statusCode: 400 });
      await expect(admin.delete(`/api/v1/api-keys/${key.id}`)).resolves.toMatchObject({ statusCode: 204 });

      const rows = await auditOf(key.id);
      expect(rows.map((r) => r.action)).toEqual([
        'api_key.delete',
        'api_key.revoke',
        'api_key.update',
        'api_key.create',
      ]);
      const me = (await admin.get('/api/v1/auth/me')).json<{ id: string }>().id;
      for (const row of rows) expect(row.actor?.id).toBe(me);
      expect(rows[3].details).toMatchObject({ name: 'Audited partner', scopes: ['content:read'] });
      expect(rows[2].details).toEqual({
        scopesBefore: ['content:read'],
        scopes: ['content:read', 'content:embargoed'],
      });
      // The secret and its hash are never recorded.
      const text = JSON.stringify(rows);
      expect(text).not.toContain(key.key.split('_')[2]);
      expect(text).not.toContain(createHash('sha256').update(key.key).digest('hex'));
    });

    it('should not cache a key whose revocation was announced while its lookup was in flight', async () => {
      const key = await createKey(admin);
      const authenticator = first.get(ApiKeyAuthenticator);
      const internals = authenticator as unknown as { load(hash: string): Promise<unknown> };
      const load = internals.load.bind(authenticator);
      const forget = jest.spyOn(authenticator, 'forget');
      // The lookup reads the key while it is still valid; before it returns, another instance revokes
      // the key (a plain UPDATE, as its service would) and this instance hears the NOTIFY.
      const held = jest.spyOn(internals, 'load').mockImplementationOnce(async (hash: string) => {
        const row = await load(hash);
        await ds.query(`UPDATE api_key SET revoked_at = now() WHERE id = $1`, [key.id]);
        await within(5000, () => Promise.resolve(forget.mock.calls.some(([h]) => h === hash)), 'the NOTIFY');
        return row;
      });
      try {
        // The request in flight was let in when it started...
        await expect(probe(first, key.key)).resolves.toMatchObject({ statusCode: 200 });
        expect(held).toHaveBeenCalledTimes(1);
        // ...but what it read is not kept: the next request looks again and is refused.
        await expect(probe(first, key.key)).resolves.toMatchObject({ statusCode: 401 });
      } finally {
        held.mockRestore();
        forget.mockRestore();
      }
    });
  });
});
