import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The receiver's acknowledgement of an advisory, sent back on a webhook delivery's 2xx response:
 *
 *   Dateline-Ack: id=<advisory id>,v1=<hex HMAC-SHA256 of "<advisory id>.<delivery id>" with the webhook secret>
 *
 * The delivery id is the request's Dateline-Delivery header, so a signature answers one delivery and proves
 * the answer comes from whoever holds the webhook's secret (not a proxy that answers 2xx to anything).
 */
export function ackSignature(secret: string, advisoryId: string, deliveryId: string): string {
  return createHmac('sha256', secret).update(`${advisoryId}.${deliveryId}`, 'utf8').digest('hex');
}

/** The header value a receiver sends to acknowledge `advisoryId` in its answer to delivery `deliveryId`. */
export function ackHeader(secret: string, advisoryId: string, deliveryId: string): string {
  return `id=${advisoryId},v1=${ackSignature(secret, advisoryId, deliveryId)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type AckCheck =
  { ok: true; advisoryId: string } | { ok: false; advisoryId: string | null; reason: string };

/** Reads and checks a Dateline-Ack header against the delivery it answers. */
export function checkAck(header: string, secret: string, deliveryId: string): AckCheck {
  let advisoryId: string | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'id' && UUID.test(value)) advisoryId = value.toLowerCase();
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (!advisoryId) return { ok: false, advisoryId: null, reason: 'no advisory id' };
  if (signatures.length === 0) return { ok: false, advisoryId, reason: 'no v1 signature' };
  const expected = Buffer.from(ackSignature(secret, advisoryId, deliveryId), 'hex');
  const good = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return good ? { ok: true, advisoryId } : { ok: false, advisoryId, reason: 'bad signature' };
}
