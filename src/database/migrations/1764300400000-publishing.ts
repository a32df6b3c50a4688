import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Publishing1764300400000 implements MigrationInterface {
  name = 'Publishing1764300400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "article"
        ADD "first_published_at" timestamptz,
        ADD "published_at" timestamptz,
        ADD "embargo_until" timestamptz,
        ADD "scheduled_at" timestamptz,
        ADD "expires_at" timestamptz,
        ADD "published_version" integer,
        ADD "schedule_job_id" uuid,
        ADD "expire_job_id" uuid,
        ADD "embargo_job_id" uuid`);

    await q.query(`
      CREATE TABLE "article_event" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "article_id" uuid NOT NULL,
        "actor_id" uuid,
        "action" text NOT NULL,
        "from_status" "article_status" NOT NULL,
        "to_status" "article_status" NOT NULL,
        "comment" text,
        "data" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "article_event_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "article_event_article_fk" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE,
        CONSTRAINT "article_event_actor_fk" FOREIGN KEY ("actor_id") REFERENCES "user"("id") ON DELETE SET NULL
      )`);
    // The history of one article, in order.
    await q.query(
      `CREATE INDEX "article_event_article_created_idx" ON "article_event" ("article_id", "created_at", "id")`,
    );

    await q.query(
      `CREATE TYPE "notice_kind" AS ENUM ('correction', 'clarification', 'update', 'kill', 'embargo_lift')`,
    );
    await q.query(`
      CREATE TABLE "article_notice" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "article_id" uuid NOT NULL,
        "kind" "notice_kind" NOT NULL,
        "text" text NOT NULL,
        "public" boolean NOT NULL DEFAULT true,
        "created_by" uuid,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "article_notice_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "article_notice_article_fk" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX "article_notice_article_idx" ON "article_notice" ("article_id", "created_at")`,
    );

    // The public read model: one ready document per article that has ever been public.
    await q.query(`CREATE TYPE "publication_status" AS ENUM ('live', 'unpublished', 'killed')`);
    await q.query(`
      CREATE TABLE "publication" (
        "article_id" uuid NOT NULL,
        "translation_group_id" uuid NOT NULL,
        "language" text NOT NULL,
        "slug" text NOT NULL,
        "genre" text NOT NULL,
        "status" "publication_status" NOT NULL,
        "version" integer NOT NULL,
        "document" jsonb NOT NULL,
        "tag_ids" uuid[] NOT NULL DEFAULT '{}',
        "author_ids" uuid[] NOT NULL DEFAULT '{}',
        "first_published_at" timestamptz(3) NOT NULL,
        "published_at" timestamptz(3) NOT NULL,
        "updated_at" timestamptz(3) NOT NULL,
        "embargo_until" timestamptz(3),
        "search" tsvector NOT NULL,
        CONSTRAINT "publication_pkey" PRIMARY KEY ("article_id"),
        CONSTRAINT "publication_article_fk" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE RESTRICT
      )`);
    // Single reads by slug, lists newest first, filters by tag/author, full-text search.
    await q.query(
      `CREATE UNIQUE INDEX "publication_language_slug_key" ON "publication" ("language", "slug")`,
    );
    await q.query(`CREATE INDEX "publication_slug_idx" ON "publication" ("slug")`);
    await q.query(
      `CREATE INDEX "publication_live_first_published_idx" ON "publication" ("first_published_at" DESC, "article_id" DESC) WHERE "status" = 'live'`,
    );
    await q.query(`CREATE INDEX "publication_tag_ids_idx" ON "publication" USING gin ("tag_ids")`);
    await q.query(`CREATE INDEX "publication_author_ids_idx" ON "publication" USING gin ("author_ids")`);
    await q.query(`CREATE INDEX "publication_search_idx" ON "publication" USING gin ("search")`);
    await q.query(
      `CREATE INDEX "publication_translation_group_idx" ON "publication" ("translation_group_id")`,
    );

    // A merged tag's id, so publications rendered from older snapshots find the tag it became.
    await q.query(`ALTER TABLE "tag_alias" ADD "former_tag_id" uuid`);
    await q.query(`CREATE INDEX "tag_alias_former_tag_id_idx" ON "tag_alias" ("former_tag_id")`);

    // Every version that was ever public, for "as published at T".
    await q.query(`
      CREATE TABLE "publication_version" (
        "article_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "status" "publication_status" NOT NULL,
        "change" text NOT NULL,
        "document" jsonb NOT NULL,
        "valid_from" timestamptz(3) NOT NULL,
        "embargo_until" timestamptz(3),
        CONSTRAINT "publication_version_pkey" PRIMARY KEY ("article_id", "version"),
        CONSTRAINT "publication_version_article_fk" FOREIGN KEY ("article_id") REFERENCES "publication"("article_id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX "publication_version_valid_from_idx" ON "publication_version" ("article_id", "valid_from" DESC)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "publication_version"`);
    await q.query(`DROP TABLE "publication"`);
    await q.query(`ALTER TABLE "tag_alias" DROP "former_tag_id"`);
    await q.query(`DROP TYPE "publication_status"`);
    await q.query(`DROP TABLE "article_notice"`);
    await q.query(`DROP TYPE "notice_kind"`);
    await q.query(`DROP TABLE "article_event"`);
    await q.query(`
      ALTER TABLE "article"
        DROP "first_published_at", DROP "published_at", DROP "embargo_until", DROP "scheduled_at", DROP "expires_at",
        DROP "published_version", DROP "schedule_job_id", DROP "expire_job_id", DROP "embargo_job_id"`);
  }
}
