import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ADVISORY_LOCKS } from '../../common/advisory-locks';

/**
 * Syndication partners: who they are and what they subscribe to, the API keys and webhooks they own, which
 * version of which story reached each of them (partner_delivery), and the advisories (kills, corrections,
 * unpublishes of what they received) they must acknowledge.
 */
export class Partners1764300960000 implements MigrationInterface {
  name = 'Partners1764300960000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "partner" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "contacts" jsonb NOT NULL DEFAULT '[]',
        -- The subscription; an empty list matches everything.
        "languages" text[] NOT NULL DEFAULT '{}',
        "genres" text[] NOT NULL DEFAULT '{}',
        "tag_ids" uuid[] NOT NULL DEFAULT '{}',
        "tag_match" text NOT NULL DEFAULT 'any',
        "embargoed_early" boolean NOT NULL DEFAULT false,
        "version" integer NOT NULL DEFAULT 1,
        "created_by" uuid,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "partner_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "partner_tag_match_check" CHECK ("tag_match" IN ('any', 'all'))
      )`);
    await q.query(`CREATE UNIQUE INDEX "partner_name_key" ON "partner" (lower("name"))`);
    await q.query(`CREATE INDEX "partner_created_at_id_idx" ON "partner" ("created_at", "id")`);

    // A key or a webhook belongs to at most one partner (the primary key); deleting it drops the link.
    await q.query(`
      CREATE TABLE "partner_api_key" (
        "api_key_id" uuid NOT NULL,
        "partner_id" uuid NOT NULL,
        CONSTRAINT "partner_api_key_pkey" PRIMARY KEY ("api_key_id"),
        CONSTRAINT "partner_api_key_key_fk" FOREIGN KEY ("api_key_id") REFERENCES "api_key"("id") ON DELETE CASCADE,
        CONSTRAINT "partner_api_key_partner_fk" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "partner_api_key_partner_idx" ON "partner_api_key" ("partner_id")`);
    await q.query(`
      CREATE TABLE "partner_webhook" (
        "webhook_id" uuid NOT NULL,
        "partner_id" uuid NOT NULL,
        CONSTRAINT "partner_webhook_pkey" PRIMARY KEY ("webhook_id"),
        CONSTRAINT "partner_webhook_webhook_fk" FOREIGN KEY ("webhook_id") REFERENCES "webhook"("id") ON DELETE CASCADE,
        CONSTRAINT "partner_webhook_partner_fk" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "partner_webhook_partner_idx" ON "partner_webhook" ("partner_id")`);

    // The first push and the first pull of each public version to each partner. No foreign keys to the
    // article, key or webhook: the record outlives them.
    await q.query(`
      CREATE TABLE "partner_delivery" (
        "partner_id" uuid NOT NULL,
        "article_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "method" text NOT NULL,
        "delivered_at" timestamptz(3) NOT NULL,
        "webhook_id" uuid,
        "api_key_id" uuid,
        "event_id" uuid,
        CONSTRAINT "partner_delivery_pkey" PRIMARY KEY ("partner_id", "article_id", "version", "method"),
        CONSTRAINT "partner_delivery_method_check" CHECK ("method" IN ('push', 'pull')),
        CONSTRAINT "partner_delivery_partner_fk" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE CASCADE
      )`);
    // "Who has this story": the recipients of an article, and the advisories opened by its kill.
    await q.query(`CREATE INDEX "partner_delivery_article_idx" ON "partner_delivery" ("article_id")`);

    await q.query(`
      CREATE TABLE "partner_advisory" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "partner_id" uuid NOT NULL,
        "article_id" uuid NOT NULL,
        -- The outbox event of the kill, correction or unpublish.
        "event_id" uuid NOT NULL,
        "kind" text NOT NULL,
        "version" integer NOT NULL,
        "received_version" integer,
        -- What the partner is told: slug, language, headline and notice at the time of the change.
        "details" jsonb NOT NULL DEFAULT '{}',
        "opened_at" timestamptz(3) NOT NULL DEFAULT now(),
        "resends" integer NOT NULL DEFAULT 0,
        "last_resent_at" timestamptz(3),
        "next_resend_at" timestamptz(3),
        "overdue_at" timestamptz(3),
        "acknowledged_at" timestamptz(3),
        "ack_method" text,
        "ack_api_key_id" uuid,
        "ack_webhook_id" uuid,
        "ack_delivery_id" uuid,
        CONSTRAINT "partner_advisory_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "partner_advisory_event_key" UNIQUE ("partner_id", "event_id"),
        CONSTRAINT "partner_advisory_kind_check" CHECK ("kind" IN ('kill', 'correction', 'unpublish')),
        CONSTRAINT "partner_advisory_ack_method_check" CHECK ("ack_method" IN ('api', 'receiver')),
        CONSTRAINT "partner_advisory_ack_check" CHECK (("acknowledged_at" IS NULL) = ("ack_method" IS NULL)),
        CONSTRAINT "partner_advisory_partner_fk" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE CASCADE
      )`);
    // Lists: newest first, open ones alone, per article and per partner.
    await q.query(`CREATE INDEX "partner_advisory_opened_idx" ON "partner_advisory" ("opened_at", "id")`);
    await q.query(
      `CREATE INDEX "partner_advisory_open_idx" ON "partner_advisory" ("opened_at", "id") WHERE "acknowledged_at" IS NULL`,
    );
    await q.query(`CREATE INDEX "partner_advisory_article_idx" ON "partner_advisory" ("article_id")`);
    await q.query(
      `CREATE INDEX "partner_advisory_partner_idx" ON "partner_advisory" ("partner_id", "opened_at")`,
    );

    // A partner's webhook receives the later changes of a story it was sent before (any status): the
    // dispatcher looks for an earlier delivery of the article to the webhook.
    await q.query(
      `CREATE INDEX "webhook_delivery_webhook_article_idx" ON "webhook_delivery" ("webhook_id", "article_id", "event_seq")`,
    );

    // Every instance caches each API key's subscription; a change of a partner or of its keys drops the
    // caches at once (delivered on commit).
    await q.query(`
      CREATE FUNCTION "partner_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('dateline_partner_changed', '');
        RETURN NULL;
      END
      $$`);
    for (const table of ['partner', 'partner_api_key']) {
      await q.query(`
        CREATE TRIGGER "${table}_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
        FOR EACH STATEMENT EXECUTE FUNCTION "partner_notify_change"()`);
    }

    // An advisory reminder goes to the webhooks of its partner, whatever types they subscribed to (the
    // acknowledgement protocol does not depend on a subscription); every other event as before.
    await q.query(dispatchFunction(true));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(dispatchFunction(false));
    for (const table of ['partner', 'partner_api_key']) {
      await q.query(`DROP TRIGGER "${table}_changed" ON "${table}"`);
    }
    await q.query(`DROP FUNCTION "partner_notify_change"()`);
    await q.query(`DROP INDEX "webhook_delivery_webhook_article_idx"`);
    await q.query(`DROP TABLE "partner_advisory"`);
    await q.query(`DROP TABLE "partner_delivery"`);
    await q.query(`DROP TABLE "partner_webhook"`);
    await q.query(`DROP TABLE "partner_api_key"`);
    await q.query(`DROP TABLE "partner"`);
  }
}

/** The dispatch trigger's function (migration 1764300850000), with or without the reminders' receivers. */
function dispatchFunction(reminders: boolean): string {
  const reminderReceivers = reminders
    ? `OR (NEW."type" = 'advisory.reminder' AND w."id" IN (SELECT pw."webhook_id" FROM "partner_webhook" pw
              WHERE pw."partner_id" = (NEW."payload" ->> 'partnerId')::uuid))`
    : '';
  return `
    CREATE OR REPLACE FUNCTION "event_queue_webhook_dispatch"() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      receivers uuid[];
    BEGIN
      IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'outbox events are written in READ COMMITTED transactions only (webhook dispatch)';
      END IF;
      PERFORM pg_advisory_xact_lock_shared(${ADVISORY_LOCKS.webhookReceivers});
      SELECT array_agg(w."id") INTO receivers FROM "webhook" w
       WHERE w."active" AND (w."events" @> ARRAY[NEW."type"] OR w."events" @> ARRAY['*'] ${reminderReceivers});
      IF receivers IS NULL THEN
        RETURN NULL;
      END IF;
      INSERT INTO "webhook_dispatch_queue" ("event_id", "event_seq", "article_id", "receivers")
      VALUES (NEW."id", NEW."seq", NEW."article_id", receivers);
      PERFORM pg_notify('dateline_webhook_dispatch', '');
      RETURN NULL;
    END
    $$`;
}
