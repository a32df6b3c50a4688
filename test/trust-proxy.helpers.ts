import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Client, uniq } from './helpers';

/** A failed sign-in sent from `remoteAddress` with its own X-Forwarded-For; the status code. */
export const failedLogin = (app: NestFastifyApplication, remoteAddress: string, forwardedFor: string) =>
  app
    .inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: `${uniq('xff')}@dateline.test`, password: 'wrong-password' },
      headers: { 'x-forwarded-for': forwardedFor },
      remoteAddress,
    })
    .then((r) => r.statusCode);

/** An anonymous Content API read from `remoteAddress` with its own X-Forwarded-For; the status code. */
export const anonRead = (app: NestFastifyApplication, remoteAddress: string, forwardedFor: string) =>
  app
    .inject({
      method: 'GET',
      url: '/api/v1/content/articles',
      headers: { 'x-forwarded-for': forwardedFor },
      remoteAddress,
    })
    .then((r) => r.statusCode);

/** Creates a tag with the given X-Forwarded-For and returns the IP its audit row recorded. */
export async function auditedIp(
  admin: Client,
  remoteAddress: string,
  forwardedFor: string,
): Promise<string | null> {
  const created = await admin.req({
    method: 'POST',
    url: '/api/v1/tags',
    payload: { name: `Proxy ${uniq()}`, kind: 'topic' },
    headers: { 'x-forwarded-for': forwardedFor },
    remoteAddress,
  });
  if (created.statusCode !== 201) throw new Error(`tag: ${created.statusCode} ${created.body}`);
  const { id } = created.json<{ id: string }>();
  const rows = (await admin.get(`/api/v1/audit?entityType=tag&entityId=${id}`)).json<{
    data: { action: string; ip: string | null }[];
  }>().data;
  return rows.find((r) => r.action === 'tag.create')?.ip ?? null;
}
