import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Audit1764300700000 implements MigrationInterface {
  name = 'Audit1764300700000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "audit_log" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "seq" bigserial NOT NULL,
        "actor_id" uuid,
        "actor_email" text,
        "action" text NOT NULL,
        "entity_type" text NOT NULL,
        "entity_id" text NOT NULL,
        "ip" text,
        "request_id" text,
        "details" jsonb NOT NULL DEFAULT '{}',
        "at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "audit_log_seq_key" UNIQUE ("seq")
      )`);
    // The history of one thing, and of one person, newest first.
    await q.query(
      `CREATE INDEX "audit_log_entity_idx" ON "audit_log" ("entity_type", "entity_id", "seq" DESC)`,
    );
    await q.query(`CREATE INDEX "audit_log_actor_idx" ON "audit_log" ("actor_id", "seq" DESC)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_log"`);
  }
}
