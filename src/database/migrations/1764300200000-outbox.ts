import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Outbox1764300200000 implements MigrationInterface {
  name = 'Outbox1764300200000';

  public async up(q: QueryRunner): Promise<void> {
    // No foreign key to article: events are history and outlive the drafts they never referred to.
    await q.query(`
      CREATE TABLE "event" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "seq" bigserial NOT NULL,
        "type" text NOT NULL,
        "article_id" uuid,
        "version" integer,
        "actor_id" uuid,
        "payload" jsonb NOT NULL,
        "occurred_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "event_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "event_seq_key" UNIQUE ("seq")
      )`);
    // Per-article history in order.
    await q.query(`CREATE INDEX "event_article_seq_idx" ON "event" ("article_id", "seq")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "event"`);
  }
}
