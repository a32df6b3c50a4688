import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pictures in stories: the featured picture (with a story-specific caption) on the article, every
 * picture a working copy uses in `article_media` (kept by the articles side on every save), and the
 * pictures a public document shows in `publication.media_ids` (written by the projector).
 */
export class ArticleMedia1764300870000 implements MigrationInterface {
  name = 'ArticleMedia1764300870000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "article" ADD "featured_media_id" uuid`);
    await q.query(`ALTER TABLE "article" ADD "featured_caption" text`);
    await q.query(`
      ALTER TABLE "article" ADD CONSTRAINT "article_featured_media_fk"
        FOREIGN KEY ("featured_media_id") REFERENCES "media"("id") ON DELETE RESTRICT`);
    await q.query(`CREATE INDEX "article_featured_media_idx" ON "article" ("featured_media_id")`);
    await q.query(`CREATE TYPE "article_media_usage" AS ENUM ('featured', 'inline')`);
    await q.query(`
      CREATE TABLE "article_media" (
        "article_id" uuid NOT NULL,
        "media_id" uuid NOT NULL,
        "usage" "article_media_usage" NOT NULL,
        CONSTRAINT "article_media_pkey" PRIMARY KEY ("article_id", "media_id", "usage"),
        CONSTRAINT "article_media_article_fk" FOREIGN KEY ("article_id") REFERENCES "article"("id") ON DELETE CASCADE,
        CONSTRAINT "article_media_media_fk" FOREIGN KEY ("media_id") REFERENCES "media"("id") ON DELETE RESTRICT
      )`);
    // "Which stories use this picture" (delete in use, re-render after a metadata change).
    await q.query(`CREATE INDEX "article_media_media_idx" ON "article_media" ("media_id")`);
    await q.query(`ALTER TABLE "publication" ADD "media_ids" uuid[] NOT NULL DEFAULT '{}'`);
    await q.query(`CREATE INDEX "publication_media_ids_idx" ON "publication" USING gin ("media_ids")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "publication_media_ids_idx"`);
    await q.query(`ALTER TABLE "publication" DROP "media_ids"`);
    await q.query(`DROP TABLE "article_media"`);
    await q.query(`DROP TYPE "article_media_usage"`);
    await q.query(`ALTER TABLE "article" DROP CONSTRAINT "article_featured_media_fk"`);
    await q.query(`DROP INDEX "article_featured_media_idx"`);
    await q.query(`ALTER TABLE "article" DROP "featured_caption"`);
    await q.query(`ALTER TABLE "article" DROP "featured_media_id"`);
  }
}
