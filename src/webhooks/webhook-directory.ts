import type { EntityManager } from 'typeorm';

/** A delivery under way: created for a webhook, not sent successfully yet, still being tried. */
export interface PendingDelivery {
  webhookId: string;
  /** The public version of the story the event carries (null: the event carries no document). */
  version: number | null;
}

/**
 * What other modules may read of webhook deliveries, in the caller's transaction: the pending deliveries of an
 * article's events (partners count a story on its way to a partner's webhook as received by that partner when
 * a kill overtakes it). The one way outside `webhooks/` to read `webhook_delivery`.
 */
export async function pendingDeliveriesOf(em: EntityManager, articleId: string): Promise<PendingDelivery[]> {
  return em.query<PendingDelivery[]>(
    `SELECT d.webhook_id AS "webhookId", max((e.payload -> 'document' ->> 'version')::int) AS version
       FROM webhook_delivery d JOIN event e ON e.id = d.event_id
      WHERE d.article_id = $1 AND d.status = 'pending' AND d.event_type LIKE 'article.%'
      GROUP BY d.webhook_id`,
    [articleId],
  );
}
