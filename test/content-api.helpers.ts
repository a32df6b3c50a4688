import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Client, asAdmin, staff, uniq } from './helpers';

/** Helpers of the Content API specs: newsroom actions through HTTP, the way editors publish. */

export const CONTENT = '/api/v1/content';

export interface Story {
  id: string;
  version: number;
  slug: string;
  status: string;
  language: string;
}

export interface Newsroom {
  admin: Client;
  editor: Client;
}

export async function newsroom(app: NestFastifyApplication): Promise<Newsroom> {
  return { admin: await asAdmin(app), editor: await staff(app, 'editor') };
}

export async function createTag(
  admin: Client,
  kind: 'topic' | 'place' | 'organisation' | 'person' | 'event' = 'topic',
  extra: Record<string, unknown> = {},
): Promise<{ id: string; slug: string; name: string }> {
  const res = await admin.post('/api/v1/tags', { name: `Tag ${uniq()}`, kind, ...extra });
  if (res.statusCode !== 201) throw new Error(`tag: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function createAuthor(admin: Client): Promise<{ id: string; slug: string; name: string }> {
  const res = await admin.post('/api/v1/authors', { name: `Author ${uniq()}`, title: 'correspondent' });
  if (res.statusCode !== 201) throw new Error(`author: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function draft(editor: Client, fields: Record<string, unknown> = {}): Promise<Story> {
  const res = await editor.post('/api/v1/articles', {
    headline: `Story ${uniq()} about consultations`,
    body: '<p>The consultations took place in Astana.</p><p>Second paragraph.</p>',
    dateline: { place: 'ASTANA' },
    ...fields,
  });
  if (res.statusCode !== 201) throw new Error(`draft: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function act(editor: Client, a: Story, body: Record<string, unknown>): Promise<Story> {
  const res = await editor.post(`/api/v1/articles/${a.id}/transitions`, body, {
    'if-match': `"${a.version}"`,
  });
  if (res.statusCode !== 200) throw new Error(`${String(body.action)}: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function edit(editor: Client, a: Story, fields: Record<string, unknown>): Promise<Story> {
  const res = await editor.patch(`/api/v1/articles/${a.id}`, fields, { 'if-match': `"${a.version}"` });
  if (res.statusCode !== 200) throw new Error(`edit: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Creates and publishes a story; `publish` adds to the publish transition (embargoUntil…). */
export async function published(
  editor: Client,
  fields: Record<string, unknown> = {},
  publish: Record<string, unknown> = {},
): Promise<Story> {
  return act(editor, await draft(editor, fields), { action: 'publish', ...publish });
}

export async function createApiKey(admin: Client, scopes: string[]): Promise<string> {
  const res = await admin.post('/api/v1/api-keys', { name: `Key ${uniq()}`, scopes });
  if (res.statusCode !== 201) throw new Error(`api key: ${res.statusCode} ${res.body}`);
  return res.json<{ key: string }>().key;
}

export interface Page<T> {
  data: T[];
  meta: { nextCursor: string | null };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until `ok(value)`: instances drop their read cache when PostgreSQL delivers the change
 * notification, a few milliseconds after the commit.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 3000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > end) return value;
    await sleep(10);
  }
}
