import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ADVISORY_LOCKS } from '../../common/advisory-locks';

/**
 * Events are queued for webhook dispatch only when a webhook can receive them, in the transaction that
 * writes the event, and dispatched in batches from that queue (instead of one job per event, which after a
 * large import left a backlog of jobs with nothing to do ahead of real deliveries).
 */
export class WebhookDispatchQueue1764300850000 implements MigrationInterface {
  name = 'WebhookDispatchQueue1764300850000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "webhook_dispatch_queue" (
        "event_id" uuid NOT NULL,
        "event_seq" bigint NOT NULL,
        "article_id" uuid,
        -- The webhooks that receive it: those active and subscribed to its type when it was written.
        "receivers" uuid[] NOT NULL,
        CONSTRAINT "webhook_dispatch_queue_pkey" PRIMARY KEY ("event_id"),
        CONSTRAINT "webhook_dispatch_queue_event_fk" FOREIGN KEY ("event_id") REFERENCES "event"("id") ON DELETE CASCADE
      )`);
    // A batch is claimed in seq order; an event is claimed only when it is the oldest queued of its article.
    await q.query(`CREATE INDEX "webhook_dispatch_queue_seq_idx" ON "webhook_dispatch_queue" ("event_seq")`);
    await q.query(
      `CREATE INDEX "webhook_dispatch_queue_article_seq_idx" ON "webhook_dispatch_queue" ("article_id", "event_seq")`,
    );

    // Runs in the transaction that writes the event, so the event and its place in the queue commit together.
    // The shared lock (ADVISORY_LOCKS.webhookReceivers) never blocks other appends; a webhook change that adds
    // a receiver takes it exclusively, so each append sees that change entirely (it commits after it, and the
    // webhook is among its receivers) or not at all (it committed before it). A VOLATILE function reads with
    // a fresh snapshot per statement, so the receivers read below include a webhook committed while waiting
    // for the lock; under a snapshot isolation level they would not, so events are refused there.
    await q.query(`
      CREATE FUNCTION "event_queue_webhook_dispatch"() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        receivers uuid[];
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'outbox events are written in READ COMMITTED transactions only (webhook dispatch)';
        END IF;
        PERFORM pg_advisory_xact_lock_shared(${ADVISORY_LOCKS.webhookReceivers});
        SELECT array_agg(w."id") INTO receivers FROM "webhook" w
         WHERE w."active" AND (w."events" @> ARRAY[NEW."type"] OR w."events" @> ARRAY['*']);
        IF receivers IS NULL THEN
          RETURN NULL;
        END IF;
        INSERT INTO "webhook_dispatch_queue" ("event_id", "event_seq", "article_id", "receivers")
        VALUES (NEW."id", NEW."seq", NEW."article_id", receivers);
        -- Delivered on commit; every server dispatches at once instead of at its next poll.
        PERFORM pg_notify('dateline_webhook_dispatch', '');
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER "event_queue_webhook_dispatch" AFTER INSERT ON "event"
      FOR EACH ROW EXECUTE FUNCTION "event_queue_webhook_dispatch"()`);

    // Events written before this migration and not dispatched yet, to the webhooks that receive them under
    // the rule they were created with (events that occurred after them).
    await q.query(`
      INSERT INTO "webhook_dispatch_queue" ("event_id", "event_seq", "article_id", "receivers")
      SELECT e."id", e."seq", e."article_id", r."ids" FROM "event" e
       CROSS JOIN LATERAL (
         SELECT array_agg(w."id") AS "ids" FROM "webhook" w
          WHERE w."active" AND (w."events" @> ARRAY[e."type"] OR w."events" @> ARRAY['*'])
            AND e."occurred_at" >= w."created_at" - interval '1 millisecond') r
       WHERE r."ids" IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM "webhook_dispatch" x WHERE x."event_id" = e."id")`);
    await q.query(`DROP TABLE "webhook_dispatch"`);
    // The per-event dispatch jobs they replace (the job engine's schema exists once a server has run).
    await q.query(`
      DO $$ BEGIN
        IF to_regclass('pgboss.job') IS NOT NULL THEN
          DELETE FROM pgboss.job WHERE name = 'event-dispatch';
        END IF;
      END $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "event_queue_webhook_dispatch" ON "event"`);
    await q.query(`DROP FUNCTION "event_queue_webhook_dispatch"()`);
    await q.query(`
      CREATE TABLE "webhook_dispatch" (
        "event_id" uuid NOT NULL,
        "dispatched_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_dispatch_pkey" PRIMARY KEY ("event_id"),
        CONSTRAINT "webhook_dispatch_event_fk" FOREIGN KEY ("event_id") REFERENCES "event"("id") ON DELETE CASCADE
      )`);
    await q.query(`
      INSERT INTO "webhook_dispatch" ("event_id")
      SELECT e."id" FROM "event" e
       WHERE NOT EXISTS (SELECT 1 FROM "webhook_dispatch_queue" x WHERE x."event_id" = e."id")`);
    await q.query(`DROP TABLE "webhook_dispatch_queue"`);
  }
}
