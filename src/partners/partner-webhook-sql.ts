import { receivedSql } from './partner-scope';

/**
 * What the webhook side asks of partners, as SQL fragments over its own aliases: which events a partner's
 * webhook receives, and which partner and advisory a delivery belongs to. The partner tables are named
 * here only.
 */

const ALIAS = /^[a-z][a-z0-9_]*$/;
function alias(a: string): string {
  if (!ALIAS.test(a)) throw new Error(`Invalid SQL alias ${a}`);
  return a;
}

/** Events that carry a story's content: a partner's webhook gets them when its subscription covers it. */
const CONTENT_TYPES = ['article.published', 'article.updated', 'article.corrected', 'article.clarified'];
/** Changes of a story a partner received: they always reach it, whatever its subscription says. */
const FOLLOW_UP_TYPES = [...CONTENT_TYPES, 'article.unpublished', 'article.killed', 'article.embargo_lifted'];

const quoted = (types: string[]) => types.map((t) => `'${t}'`).join(', ');

/** `<doc> is inside the subscription of partner row <pt>`, on its columns (the dispatcher's join). */
function coversSql(pt: string, doc: string): string {
  const tags = `ARRAY(SELECT (t ->> 'id')::uuid FROM jsonb_array_elements(
      CASE WHEN jsonb_typeof(${doc} -> 'tags') = 'array' THEN ${doc} -> 'tags' ELSE '[]'::jsonb END) t)`;
  return `(cardinality(${pt}.languages) = 0 OR (${doc} ->> 'language') = ANY(${pt}.languages)
      OR split_part(${doc} ->> 'language', '-', 1) = ANY(${pt}.languages))
    AND (cardinality(${pt}.genres) = 0 OR (${doc} ->> 'genre') = ANY(${pt}.genres))
    AND (cardinality(${pt}.tag_ids) = 0 OR CASE WHEN ${pt}.tag_match = 'all'
      THEN ${tags} @> ${pt}.tag_ids ELSE ${tags} && ${pt}.tag_ids END)`;
}

/**
 * Whether webhook `w` receives outbox event `e` (besides its own type subscription): a webhook of no partner
 * receives everything but advisory reminders; a partner's webhook receives
 * - content its subscription covers (embargoed content only when the partner gets it early),
 * - every later change of a story the partner received (a recorded delivery, or `sentBefore`: an earlier
 *   delivery of the story to this webhook),
 * - the reminders of its own advisories,
 * and never scheduling events or `advisory.overdue` (those are the agency's).
 */
export function partnerWebhookAcceptsSql(
  eventAlias: string,
  webhookAlias: string,
  sentBefore: string,
): string {
  const e = alias(eventAlias);
  const w = alias(webhookAlias);
  const doc = `${e}.payload -> 'document'`;
  const embargoOk = `(pt.embargoed_early OR (${doc} ->> 'embargoUntil') IS NULL
      OR (${doc} ->> 'embargoUntil')::timestamptz <= now())`;
  const accepts = `coalesce(
      (${e}.type = 'advisory.reminder' AND (${e}.payload ->> 'partnerId')::uuid = pt.id)
      OR (${e}.type IN (${quoted(CONTENT_TYPES)}) AND ${coversSql('pt', doc)} AND ${embargoOk})
      OR (${e}.type = 'article.embargo_lifted' AND ${coversSql('pt', doc)})
      OR (${e}.type IN (${quoted(FOLLOW_UP_TYPES)}) AND ${e}.article_id IS NOT NULL
          AND (${receivedSql('pt.id', `${e}.article_id`)} OR ${sentBefore})),
      false)`;
  return `coalesce((SELECT ${accepts} FROM partner_webhook pw JOIN partner pt ON pt.id = pw.partner_id
      WHERE pw.webhook_id = ${w}.id), ${e}.type <> 'advisory.reminder')`;
}

/** The partner that owns webhook `w` (null: none). */
export function webhookPartnerSql(webhookAlias: string): string {
  return `(SELECT pw.partner_id FROM partner_webhook pw WHERE pw.webhook_id = ${alias(webhookAlias)}.id)`;
}

/**
 * The advisory a delivery of event `e` to webhook `w` carries (text, null: none): a reminder names its own;
 * the kill, correction or unpublish event carries the advisory it opened for the webhook's partner.
 */
export function deliveryAdvisorySql(eventAlias: string, webhookAlias: string): string {
  const e = alias(eventAlias);
  const w = alias(webhookAlias);
  return `CASE WHEN ${e}.type = 'advisory.reminder' THEN ${e}.payload ->> 'advisoryId'
    ELSE (SELECT a.id::text FROM partner_advisory a JOIN partner_webhook pw ON pw.partner_id = a.partner_id
           WHERE pw.webhook_id = ${w}.id AND a.event_id = ${e}.id) END`;
}
