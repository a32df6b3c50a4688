import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeys1764300500000 implements MigrationInterface {
  name = 'ApiKeys1764300500000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "api_key" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "prefix" text NOT NULL,
        "hash" text NOT NULL,
        "scopes" text[] NOT NULL,
        "expires_at" timestamptz,
        "revoked_at" timestamptz,
        "last_used_at" timestamptz,
        "created_by" uuid,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "api_key_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "api_key_scopes_check" CHECK (
          cardinality("scopes") > 0 AND "scopes" <@ ARRAY['content:read', 'content:embargoed']::text[]
        ),
        CONSTRAINT "api_key_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "user"("id") ON DELETE SET NULL
      )`);
    // Authentication: the key's SHA-256 finds its row.
    await q.query(`CREATE UNIQUE INDEX "api_key_hash_key" ON "api_key" ("hash")`);
    // Keyset listing by (created_at, id); created_at keeps milliseconds so a cursor (a JS Date) matches it exactly.
    await q.query(`CREATE INDEX "api_key_created_at_id_idx" ON "api_key" ("created_at", "id")`);
    // Every instance caches key lookups; any change that can withdraw access is announced so
    // listeners drop their cached entry at once (delivered on commit). last_used_at is not announced.
    await q.query(`
      CREATE FUNCTION "api_key_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('dateline_api_key_changed', OLD."hash");
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER "api_key_changed_update" AFTER UPDATE ON "api_key" FOR EACH ROW
      WHEN (OLD."scopes" IS DISTINCT FROM NEW."scopes"
         OR OLD."expires_at" IS DISTINCT FROM NEW."expires_at"
         OR OLD."revoked_at" IS DISTINCT FROM NEW."revoked_at"
         OR OLD."hash" IS DISTINCT FROM NEW."hash")
      EXECUTE FUNCTION "api_key_notify_change"()`);
    await q.query(`
      CREATE TRIGGER "api_key_changed_delete" AFTER DELETE ON "api_key" FOR EACH ROW
      EXECUTE FUNCTION "api_key_notify_change"()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "api_key"`);
    await q.query(`DROP FUNCTION "api_key_notify_change"()`);
  }
}
