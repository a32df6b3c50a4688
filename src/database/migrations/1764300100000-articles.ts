import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Articles1764300100000 implements MigrationInterface {
  name = 'Articles1764300100000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TYPE "article_genre" AS ENUM ('news', 'press_release', 'interview', 'statement', 'feature')`,
    );
    await q.query(`
      CREATE TYPE "article_status" AS ENUM
        ('draft', 'in_review', 'approved', 'scheduled', 'published', 'unpublished', 'killed', 'spiked')`);
    await q.query(`CREATE TYPE "author_role" AS ENUM ('writer', 'editor', 'photographer', 'translator')`);
    // created_at / updated_at keep millisecond precision so keyset cursors made from JS dates match exactly.
    await q.query(`
      CREATE TABLE "article" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "translation_group_id" uuid NOT NULL,
        "language" text NOT NULL,
        "slug" text NOT NULL,
        "genre" "article_genre" NOT NULL,
        "headline" text NOT NULL,
        "subheadline" text,
        "summary" text,
        "dateline_place" text,
        "dateline_agency" text,
        "body_html" text NOT NULL DEFAULT '',
        "body_text" text NOT NULL DEFAULT '',
        "word_count" integer NOT NULL DEFAULT 0,
        "source" text,
        "byline" text,
        "urgency" integer NOT NULL DEFAULT 5,
        "timezone" text NOT NULL,
        "status" "article_status" NOT NULL DEFAULT 'draft',
        "version" integer NOT NULL DEFAULT 1,
        "original_published_at" timestamptz,
        "import_hash" text,
        "created_by" uuid NOT NULL,
        "updated_by" uuid,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "article_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "article_language_slug_key" UNIQUE ("language", "slug"),
        CONSTRAINT "article_import_hash_key" UNIQUE ("import_hash"),
        -- one member per language in a translation family
        CONSTRAINT "article_translation_group_language_key" UNIQUE ("translation_group_id", "language"),
        CONSTRAINT "article_urgency_check" CHECK ("urgency" BETWEEN 1 AND 9),
        CONSTRAINT "article_version_check" CHECK ("version" >= 1),
        CONSTRAINT "article_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "user"("id") ON DELETE RESTRICT,
        CONSTRAINT "article_updated_by_fk" FOREIGN KEY ("updated_by") REFERENCES "user"("id") ON DELETE SET NULL
      )`);
    // The newsroom list: ORDER BY updated_at DESC, id DESC with a keyset cursor.
    await q.query(`CREATE INDEX "article_updated_at_id_idx" ON "article" ("updated_at" DESC, "id" DESC)`);
    // List filters: status, mine=true (created_by), language.
    await q.query(`CREATE INDEX "article_status_idx" ON "article" ("status")`);
    await q.query(`CREATE INDEX "article_created_by_idx" ON "article" ("created_by")`);
    await q.query(`CREATE INDEX "article_language_idx" ON "article" ("language")`);

    await q.query(`
      CREATE TABLE "article_author" (
        "article_id" uuid NOT NULL,
        "author_id" uuid NOT NULL,
        "position" integer NOT NULL,
        "role" "author_role" NOT NULL DEFAULT 'writer',
        CONSTRAINT "article_author_pkey" PRIMARY KEY ("article_id", "author_id"),
        CONSTRAINT "article_author_article_fk" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE,
        CONSTRAINT "article_author_author_fk" FOREIGN KEY ("author_id") REFERENCES "author"("id") ON DELETE RESTRICT
      )`);
    // List filter author=<id>, and "is this author still used?" before deleting one.
    await q.query(`CREATE INDEX "article_author_author_id_idx" ON "article_author" ("author_id")`);

    await q.query(`
      CREATE TABLE "article_tag" (
        "article_id" uuid NOT NULL,
        "tag_id" uuid NOT NULL,
        "position" integer NOT NULL,
        CONSTRAINT "article_tag_pkey" PRIMARY KEY ("article_id", "tag_id"),
        CONSTRAINT "article_tag_article_fk" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE,
        CONSTRAINT "article_tag_tag_fk" FOREIGN KEY ("tag_id") REFERENCES "tag"("id") ON DELETE RESTRICT
      )`);
    // List filter tag=<id>, and tag merges/deletes.
    await q.query(`CREATE INDEX "article_tag_tag_id_idx" ON "article_tag" ("tag_id")`);

    await q.query(`
      CREATE TABLE "article_revision" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "article_id" uuid NOT NULL,
        "number" integer NOT NULL,
        "version" integer NOT NULL,
        "snapshot" jsonb NOT NULL,
        "actor_id" uuid,
        "reason" text,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "article_revision_pkey" PRIMARY KEY ("id"),
        -- also serves the revision list (newest first) and lookups by number
        CONSTRAINT "article_revision_article_number_key" UNIQUE ("article_id", "number"),
        CONSTRAINT "article_revision_article_fk" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE,
        CONSTRAINT "article_revision_actor_fk" FOREIGN KEY ("actor_id") REFERENCES "user"("id") ON DELETE SET NULL
      )`);
    // The 412 answer looks up the snapshot of the client's version.
    await q.query(
      `CREATE INDEX "article_revision_article_version_idx" ON "article_revision" ("article_id", "version")`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "article_revision"`);
    await q.query(`DROP TABLE "article_tag"`);
    await q.query(`DROP TABLE "article_author"`);
    await q.query(`DROP TABLE "article"`);
    await q.query(`DROP TYPE "author_role"`);
    await q.query(`DROP TYPE "article_status"`);
    await q.query(`DROP TYPE "article_genre"`);
  }
}
