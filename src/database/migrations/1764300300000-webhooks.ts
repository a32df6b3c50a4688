import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1764300300000 implements MigrationInterface {
  name = 'Webhooks1764300300000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "webhook" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "url" text NOT NULL,
        "events" text[] NOT NULL,
        "description" text,
        "active" boolean NOT NULL DEFAULT true,
        "secret" text NOT NULL,
        "secret_rotated_at" timestamptz,
        "created_by" uuid,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "webhook_events_not_empty" CHECK (cardinality("events") > 0),
        CONSTRAINT "webhook_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "user"("id") ON DELETE SET NULL
      )`);
    // Keyset listing by (created_at, id); created_at keeps milliseconds so a cursor (a JS Date) matches it exactly.
    await q.query(`CREATE INDEX "webhook_created_at_id_idx" ON "webhook" ("created_at", "id")`);

    await q.query(`
      CREATE TABLE "webhook_delivery" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "webhook_id" uuid NOT NULL,
        "event_id" uuid NOT NULL,
        "event_seq" bigint NOT NULL,
        "event_type" text NOT NULL,
        "article_id" uuid,
        "status" text NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT 0,
        "last_status_code" integer,
        "last_error" text,
        "next_attempt_at" timestamptz,
        "delivered_at" timestamptz,
        "lease_until" timestamptz,
        "lease_token" uuid,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_delivery_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "webhook_delivery_webhook_event_key" UNIQUE ("webhook_id", "event_id"),
        CONSTRAINT "webhook_delivery_status_check" CHECK ("status" IN ('pending', 'succeeded', 'failed')),
        CONSTRAINT "webhook_delivery_webhook_fk" FOREIGN KEY ("webhook_id") REFERENCES "webhook"("id") ON DELETE CASCADE,
        CONSTRAINT "webhook_delivery_event_fk" FOREIGN KEY ("event_id") REFERENCES "event"("id") ON DELETE CASCADE
      )`);
    // The delivery log of one webhook, newest first, keyset on (created_at, id).
    await q.query(
      `CREATE INDEX "webhook_delivery_webhook_created_idx" ON "webhook_delivery" ("webhook_id", "created_at", "id")`,
    );
    // The head of each (webhook, article) lane: the pending delivery with the lowest event seq.
    await q.query(
      `CREATE INDEX "webhook_delivery_pending_lane_idx" ON "webhook_delivery" ("webhook_id", "article_id", "event_seq")
       WHERE "status" = 'pending'`,
    );
    // The periodic sweep for pending deliveries that are due but have no worker.
    await q.query(
      `CREATE INDEX "webhook_delivery_pending_due_idx" ON "webhook_delivery" ("next_attempt_at")
       WHERE "status" = 'pending'`,
    );

    await q.query(`
      CREATE TABLE "webhook_dispatch" (
        "event_id" uuid NOT NULL,
        "dispatched_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_dispatch_pkey" PRIMARY KEY ("event_id"),
        CONSTRAINT "webhook_dispatch_event_fk" FOREIGN KEY ("event_id") REFERENCES "event"("id") ON DELETE CASCADE
      )`);
    // Events older than the webhooks feature have no subscriber to go to: mark them dispatched.
    await q.query(`INSERT INTO "webhook_dispatch" ("event_id") SELECT "id" FROM "event"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_dispatch"`);
    await q.query(`DROP TABLE "webhook_delivery"`);
    await q.query(`DROP TABLE "webhook"`);
  }
}
