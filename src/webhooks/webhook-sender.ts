import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, fetch } from 'undici';
import { DomainError } from '../common/errors';
import { webhooksConfig, type WebhooksConfig } from '../config/configuration';
import { ACK_HEADER, ADVISORY_HEADER } from '../partners/partner.constants';
import { signPayload } from './webhook-signing';
import { assertDeliverableUrl, guardedLookup } from './webhook-url-guard';

/** What one attempt needs: the delivery, its event, and where and how to send it. */
export interface Sendable {
  id: string;
  articleId: string | null;
  eventId: string;
  type: string;
  occurredAt: Date;
  version: number | null;
  payload: unknown;
  url: string;
  secret: string;
  /** The partner that owns the webhook (null: none). */
  partnerId: string | null;
  /** The advisory this delivery carries (Dateline-Advisory), if any. */
  advisoryId: string | null;
}

/** How an attempt ended. */
export interface Outcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** The receiver's Dateline-Ack header on a 2xx. */
  ack?: string;
}

/**
 * Makes delivery attempts: the signed POST of an event to a webhook's receiver, over one connection pool
 * whose connections are checked against private addresses as they are made (WEBHOOK_ALLOW_PRIVATE aside).
 * It only sends; leases, order and recording the outcome are the delivery worker's.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(@Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig) {
    this.agent = new Agent({
      // Checks the addresses each connection really uses (a DNS answer can change after any check).
      connect: { timeout: config.timeoutMs, ...(config.allowPrivate ? {} : { lookup: guardedLookup }) },
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  /** One HTTP attempt. Never throws: every failure becomes an outcome to record. */
  async send(d: Sendable): Promise<Outcome> {
    const body = JSON.stringify({
      id: d.eventId,
      type: d.type,
      occurredAt: new Date(d.occurredAt).toISOString(),
      articleId: d.articleId,
      version: d.version,
      data: d.payload,
    });
    try {
      await assertDeliverableUrl(d.url, this.config.allowPrivate);
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Dateline-Webhooks/1',
          'dateline-event': d.type,
          'dateline-delivery': d.id,
          'dateline-signature': signPayload(d.secret, timestamp, body),
          ...(d.advisoryId ? { [ADVISORY_HEADER]: d.advisoryId } : {}),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
        dispatcher: this.agent,
      });
      // The response body is not used; dropping it frees the connection.
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        const ack = d.partnerId ? (res.headers.get(ACK_HEADER) ?? undefined) : undefined;
        return { ok: true, statusCode: res.status, error: null, ack };
      }
      const redirect = res.status >= 300 && res.status < 400;
      return {
        ok: false,
        statusCode: res.status,
        error: redirect ? `HTTP ${res.status}: redirects are not followed` : `HTTP ${res.status}`,
      };
    } catch (err) {
      return { ok: false, statusCode: null, error: describeError(err, this.config.timeoutMs) };
    }
  }
}

/** A short, secret-free reason for a failed attempt (never the URL, which may carry a token). */
function describeError(err: unknown, timeoutMs: number): string {
  if (err instanceof DomainError) return err.message;
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'EPRIVATEADDRESS') return cause.message;
      return code ? `network error: ${code}` : `network error: ${cause.message}`;
    }
    return `network error: ${err.message}`;
  }
  return 'network error';
}
