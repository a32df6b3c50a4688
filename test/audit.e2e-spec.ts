import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ADMIN, asAdmin, bootApp, staff, uniq } from './helpers';

interface AuditRow {
  action: string;
  entityType: string;
  entityId: string;
  actor: { id: string; email: string | null } | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

describe('audit log (e2e)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await bootApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('should record who changed users, tags, authors and articles, from where', async () => {
    const admin = await asAdmin(app);
    const editor = await staff(app, 'editor');
    const tag = (await admin.post('/api/v1/tags', { name: `Audit ${uniq()}`, kind: 'topic' })).json<{
      id: string;
    }>();
    const other = (await admin.post('/api/v1/tags', { name: `Audit other ${uniq()}`, kind: 'topic' })).json<{
      id: string;
    }>();
    await admin.post(`/api/v1/tags/${tag.id}/merge`, { into: other.id });
    const author = (await admin.post('/api/v1/authors', { name: `Audit Author ${uniq()}` })).json<{
      id: string;
    }>();
    await admin.post(`/api/v1/authors/${author.id}/deactivate`);

    const created = await editor.post(
      '/api/v1/articles',
      { headline: `Audited ${uniq()}`, body: '<p>Text.</p>' },
      { 'x-request-id': 'audit-req-1' },
    );
    let a = created.json<{ id: string; version: number }>();
    a = (
      await editor.post(
        `/api/v1/articles/${a.id}/transitions`,
        { action: 'publish', embargoUntil: new Date(Date.now() + 3_600_000).toISOString() },
        { 'if-match': `"${a.version}"` },
      )
    ).json();
    await editor.post(
      `/api/v1/articles/${a.id}/transitions`,
      { action: 'lift_embargo', reason: 'Ministry released it early' },
      { 'if-match': `"${a.version}"` },
    );

    const page = await admin.get(`/api/v1/audit?entityType=article&entityId=${a.id}&limit=100`);
    expect(page.statusCode).toBe(200);
    const rows = page.json<{ data: AuditRow[] }>().data;
    expect(rows.map((r) => r.action)).toEqual(['article.lift_embargo', 'article.publish', 'article.create']);
    const lift = rows[0];
    expect(lift).toMatchObject({
      actor: { id: editor.user.id, email: editor.user.email },
      ip: '127.0.0.1',
      details: expect.objectContaining({ reason: 'Ministry released it early' }),
    });
    expect(rows[2].requestId).toBe('audit-req-1');

    const tagRows = (await admin.get(`/api/v1/audit?entityType=tag&entityId=${tag.id}`)).json<{
      data: AuditRow[];
    }>().data;
    expect(tagRows.map((r) => r.action)).toEqual(['tag.merge', 'tag.create']);
    expect(tagRows[0].details).toMatchObject({ into: other.id });
    const authorRows = (await admin.get(`/api/v1/audit?entityId=${author.id}`)).json<{ data: AuditRow[] }>()
      .data;
    expect(authorRows.map((r) => r.action)).toEqual(['author.deactivate', 'author.create']);
    const userRows = (await admin.get(`/api/v1/audit?entityType=user&entityId=${editor.user.id}`)).json<{
      data: AuditRow[];
    }>().data;
    expect(userRows.map((r) => r.action)).toEqual(['user.create']);
    expect(JSON.stringify(userRows)).not.toMatch(/password/i);
  });

  it('should name the signed-in admin in the audit rows of users, webhooks and API keys', async () => {
    const admin = await asAdmin(app);
    const [{ id: adminId }] = await app
      .get(DataSource)
      .query<{ id: string }[]>('SELECT id FROM "user" WHERE email = $1', [ADMIN.email]);
    const rowsOf = async (entityType: string, entityId: string) =>
      (await admin.get(`/api/v1/audit?entityType=${entityType}&entityId=${entityId}&limit=100`))
        .json<{ data: AuditRow[] }>()
        .data.map((r) => ({ action: r.action, actor: r.actor, ip: r.ip }));
    const byAdmin = (action: string) => ({
      action,
      actor: { id: adminId, email: ADMIN.email },
      ip: '127.0.0.1',
    });

    const user = (
      await admin.post('/api/v1/users', {
        email: `${uniq('audited')}@dateline.test`,
        name: 'Audited user',
        role: 'writer',
        password: 'audited-password-123',
      })
    ).json<{ id: string }>();
    expect(
      (await admin.patch(`/api/v1/users/${user.id}`, { name: 'Audited user, renamed' })).statusCode,
    ).toBe(200);
    expect(
      (await admin.post(`/api/v1/users/${user.id}/password`, { password: 'audited-password-456' }))
        .statusCode,
    ).toBe(204);
    expect(await rowsOf('user', user.id)).toEqual(
      ['user.password', 'user.update', 'user.create'].map(byAdmin),
    );

    const hook = await admin.post('/api/v1/webhooks', {
      url: 'http://127.0.0.1:9/audited',
      events: ['article.killed'],
    });
    expect(hook.statusCode).toBe(201);
    const hookId = hook.json<{ id: string }>().id;
    expect((await admin.post(`/api/v1/webhooks/${hookId}/rotate-secret`)).statusCode).toBe(200);
    expect((await admin.post(`/api/v1/webhooks/${hookId}/disable`)).statusCode).toBe(200);
    expect((await admin.delete(`/api/v1/webhooks/${hookId}`)).statusCode).toBe(204);
    expect(await rowsOf('webhook', hookId)).toEqual(
      ['webhook.delete', 'webhook.disable', 'webhook.rotate_secret', 'webhook.create'].map(byAdmin),
    );

    const key = await admin.post('/api/v1/api-keys', { name: `Audited ${uniq()}`, scopes: ['content:read'] });
    expect(key.statusCode).toBe(201);
    const keyId = key.json<{ id: string }>().id;
    expect((await admin.patch(`/api/v1/api-keys/${keyId}`, { name: `Renamed ${uniq()}` })).statusCode).toBe(
      200,
    );
    expect((await admin.post(`/api/v1/api-keys/${keyId}/revoke`)).statusCode).toBe(200);
    expect((await admin.delete(`/api/v1/api-keys/${keyId}`)).statusCode).toBe(204);
    expect(await rowsOf('api_key', keyId)).toEqual(
      ['api_key.delete', 'api_key.revoke', 'api_key.update', 'api_key.create'].map(byAdmin),
    );
  });

  it('should record the first admin as created by the system', async () => {
    const admin = await asAdmin(app);
    const [{ id: adminId }] = await app
      .get(DataSource)
      .query<{ id: string }[]>('SELECT id FROM "user" WHERE email = $1', [ADMIN.email]);
    const rows = (await admin.get(`/api/v1/audit?entityType=user&entityId=${adminId}`)).json<{
      data: AuditRow[];
    }>().data;
    expect(rows.map((r) => ({ action: r.action, actor: r.actor }))).toEqual([
      { action: 'user.bootstrap', actor: null },
    ]);
  });

  it('should keep the audit log for admins only', async () => {
    const editor = await staff(app, 'editor');
    expect((await editor.get('/api/v1/audit')).statusCode).toBe(403);
  });

  it('should write no audit row when a change is refused', async () => {
    const admin = await asAdmin(app);
    const before = (await admin.get('/api/v1/audit?limit=1')).json<{ data: { id: string }[] }>().data[0]?.id;
    expect((await admin.post('/api/v1/tags', { name: '', kind: 'topic' })).statusCode).toBe(400);
    expect((await admin.delete('/api/v1/tags/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const after = (await admin.get('/api/v1/audit?limit=1')).json<{ data: { id: string }[] }>().data[0]?.id;
    expect(after).toBe(before);
  });
});
