import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { DomainError } from '../common/errors';
import { AdvisoriesService } from './advisories.service';
import { checkAck } from './advisory-ack';

/** A webhook delivery to a partner's webhook that its receiver answered with a 2xx. */
export interface PartnerPush {
  partnerId: string;
  webhookId: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  articleId: string | null;
  /** The event's payload, as delivered. */
  payload: unknown;
  /** The webhook's signing secret, which also signs acknowledgements. */
  secret: string;
  /** The receiver's Dateline-Ack header, if it sent one. */
  ackHeader: string | undefined;
}

/** The public version an event's document carries (none for events without content: scheduling, reminders). */
function pushedVersion(type: string, payload: unknown): number | null {
  if (!type.startsWith('article.')) return null;
  const doc = (payload as { document?: { version?: unknown } } | null)?.document;
  const version = doc?.version;
  return typeof version === 'number' && Number.isInteger(version) && version > 0 ? version : null;
}

/**
 * What a successful delivery to a partner's webhook means for partners, in the transaction that records the
 * delivery's success: the version it carried reached the partner (the first push of each version is kept),
 * and a signed acknowledgement in the receiver's answer acknowledges the advisory it names.
 */
@Injectable()
export class PartnerPushes {
  private readonly logger = new Logger(PartnerPushes.name);

  constructor(private readonly advisories: AdvisoriesService) {}

  async deliveredIn(em: EntityManager, push: PartnerPush): Promise<void> {
    const version = pushedVersion(push.eventType, push.payload);
    if (version !== null && push.articleId) {
      await em.query(
        `INSERT INTO partner_delivery (partner_id, article_id, version, method, delivered_at, webhook_id, event_id)
         VALUES ($1, $2, $3, 'push', now(), $4, $5)
         ON CONFLICT (partner_id, article_id, version, method) DO NOTHING`,
        [push.partnerId, push.articleId, version, push.webhookId, push.eventId],
      );
    }
    if (push.ackHeader !== undefined) await this.receiverAck(em, push, push.ackHeader);
  }

  private async receiverAck(em: EntityManager, push: PartnerPush, header: string): Promise<void> {
    const check = checkAck(header, push.secret, push.deliveryId);
    if (check.ok) {
      try {
        await this.advisories.acknowledgeIn(em, push.partnerId, check.advisoryId, {
          method: 'receiver',
          webhookId: push.webhookId,
          deliveryId: push.deliveryId,
        });
        return;
      } catch (e) {
        // Another partner's advisory, or none: refused like a bad signature, the delivery still succeeded.
        if (!(e instanceof DomainError) || e.code !== 'NOT_FOUND') throw e;
      }
    }
    const reason = check.ok ? 'not an advisory of this partner' : check.reason;
    this.logger.warn(
      `webhook ${push.webhookId} delivery ${push.deliveryId}: acknowledgement refused (${reason})`,
    );
    await recordAudit(em, {
      action: 'advisory.ack_refused',
      entityType: 'advisory',
      entityId: check.advisoryId ?? 'unknown',
      actor: 'system',
      details: { partnerId: push.partnerId, webhookId: push.webhookId, deliveryId: push.deliveryId, reason },
    });
  }
}
