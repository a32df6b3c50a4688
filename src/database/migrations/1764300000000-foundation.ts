import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764300000000 implements MigrationInterface {
  name = 'Foundation1764300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE "user_role" AS ENUM ('writer', 'editor', 'admin')`);
    await q.query(`
      CREATE TABLE "user" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" text NOT NULL,
        "name" text NOT NULL,
        "role" "user_role" NOT NULL,
        "active" boolean NOT NULL DEFAULT true,
        "password_hash" text NOT NULL,
        "token_version" integer NOT NULL DEFAULT 0,
        "last_login_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "user_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "user_email_lower_key" ON "user" (lower("email"))`);
    // Keyset listing of users by (created_at, id).
    await q.query(`CREATE INDEX "user_created_at_id_idx" ON "user" ("created_at", "id")`);

    await q.query(`
      CREATE TABLE "author" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "slug" text NOT NULL,
        "title" text,
        "bio" text,
        "email" text,
        "avatar_url" text,
        "active" boolean NOT NULL DEFAULT true,
        "user_id" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "author_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "author_slug_key" UNIQUE ("slug"),
        CONSTRAINT "author_user_fk" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE SET NULL
      )`);
    // Keyset listing by (name, id) and name search.
    await q.query(`CREATE INDEX "author_name_id_idx" ON "author" (lower("name"), "id")`);

    await q.query(`CREATE TYPE "tag_kind" AS ENUM ('topic', 'place', 'organisation', 'person', 'event')`);
    await q.query(`
      CREATE TABLE "tag" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "slug" text NOT NULL,
        "kind" "tag_kind" NOT NULL,
        "description" text,
        "external_uri" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "tag_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "tag_slug_key" UNIQUE ("slug")
      )`);
    // Prefix autocompletion on name (text_pattern_ops serves LIKE 'abc%' on lower(name)) and keyset order.
    await q.query(`CREATE INDEX "tag_name_prefix_idx" ON "tag" (lower("name") text_pattern_ops)`);
    await q.query(`CREATE INDEX "tag_name_id_idx" ON "tag" (lower("name"), "id")`);
    await q.query(`
      CREATE TABLE "tag_alias" (
        "slug" text NOT NULL,
        "tag_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "tag_alias_pkey" PRIMARY KEY ("slug"),
        CONSTRAINT "tag_alias_tag_fk" FOREIGN KEY ("tag_id") REFERENCES "tag"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "tag_alias_tag_id_idx" ON "tag_alias" ("tag_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "tag_alias"`);
    await q.query(`DROP TABLE "tag"`);
    await q.query(`DROP TYPE "tag_kind"`);
    await q.query(`DROP TABLE "author"`);
    await q.query(`DROP TABLE "user"`);
    await q.query(`DROP TYPE "user_role"`);
  }
}
