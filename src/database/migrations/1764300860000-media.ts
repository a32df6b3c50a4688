import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The picture library: one row per original file (de-duplicated by its SHA-256), with its photo metadata
 * and the renditions generated from it. Which stories use a picture is the articles side's (article_media). */
export class Media1764300860000 implements MigrationInterface {
  name = 'Media1764300860000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE "media_renditions_status" AS ENUM ('pending', 'ready', 'failed')`);
    await q.query(`
      CREATE TABLE "media" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "sha256" text NOT NULL,
        "mime_type" text NOT NULL,
        "original_name" text,
        "byte_size" bigint NOT NULL,
        "width" integer NOT NULL,
        "height" integer NOT NULL,
        -- Where the original lives in the media store.
        "storage_key" text NOT NULL,
        "caption" text,
        "alt_text" text,
        "credit" text,
        "copyright_notice" text,
        "usage_terms" text,
        "source" text,
        "photographer" text,
        "taken_at" timestamptz,
        "focal_x" real NOT NULL DEFAULT 0.5,
        "focal_y" real NOT NULL DEFAULT 0.5,
        -- A small placeholder (thumbhash, base64) shown while a rendition loads.
        "placeholder" text,
        -- The generated set: [{ name, format, width, height, bytes, key, hash }].
        "renditions" jsonb NOT NULL DEFAULT '[]',
        "renditions_status" "media_renditions_status" NOT NULL DEFAULT 'pending',
        "renditions_error" text,
        -- Bumped when the renditions must be made again (focal point); a renditions job for an older one does nothing.
        "renditions_version" integer NOT NULL DEFAULT 1,
        "version" integer NOT NULL DEFAULT 1,
        "created_by" uuid,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        "seq" bigserial NOT NULL,
        CONSTRAINT "media_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "media_sha256_key" UNIQUE ("sha256"),
        CONSTRAINT "media_sha256_check" CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
        CONSTRAINT "media_focal_check" CHECK ("focal_x" BETWEEN 0 AND 1 AND "focal_y" BETWEEN 0 AND 1),
        CONSTRAINT "media_size_check" CHECK ("width" > 0 AND "height" > 0 AND "byte_size" > 0),
        CONSTRAINT "media_created_by_fk" FOREIGN KEY ("created_by") REFERENCES "user"("id") ON DELETE SET NULL
      )`);
    // The library list, newest first, and its search by caption, credit and photographer.
    await q.query(`CREATE INDEX "media_created_idx" ON "media" ("created_at" DESC, "id" DESC)`);
    await q.query(`
      CREATE INDEX "media_search_idx" ON "media" USING gin (to_tsvector('simple',
        coalesce("caption", '') || ' ' || coalesce("credit", '') || ' ' || coalesce("photographer", '')))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "media"`);
    await q.query(`DROP TYPE "media_renditions_status"`);
  }
}
