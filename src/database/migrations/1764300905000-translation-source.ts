import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Translations that know their source: the article a translation was made from and the source version it
 * matches (its base), and on every article the version at which its translated content last changed, so
 * "the source changed since the base" is one comparison. Existing translations are based on the current
 * version of their family's first article.
 */
export class TranslationSource1764300905000 implements MigrationInterface {
  name = 'TranslationSource1764300905000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "article" ADD "translation_source_id" uuid`);
    await q.query(`ALTER TABLE "article" ADD "translation_base_version" integer`);
    await q.query(`ALTER TABLE "article" ADD "content_version" integer NOT NULL DEFAULT 1`);
    await q.query(`UPDATE "article" SET "content_version" = "version"`);
    await q.query(`
      ALTER TABLE "article" ADD CONSTRAINT "article_translation_source_fk"
        FOREIGN KEY ("translation_source_id") REFERENCES "article"("id") ON DELETE SET NULL`);
    await q.query(`
      ALTER TABLE "article" ADD CONSTRAINT "article_translation_base_check"
        CHECK ("translation_source_id" IS NULL OR "translation_base_version" IS NOT NULL)`);
    // The translations of a source (stale lists, notices on a correction, the foreign key's delete).
    await q.query(
      `CREATE INDEX "article_translation_source_idx" ON "article" ("translation_source_id")
         WHERE "translation_source_id" IS NOT NULL`,
    );
    await q.query(`
      UPDATE "article" t
         SET "translation_source_id" = s."id", "translation_base_version" = s."version"
        FROM "article" s
       WHERE s."id" = t."translation_group_id" AND t."id" <> s."id"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "article_translation_source_idx"`);
    await q.query(`ALTER TABLE "article" DROP CONSTRAINT "article_translation_base_check"`);
    await q.query(`ALTER TABLE "article" DROP CONSTRAINT "article_translation_source_fk"`);
    await q.query(`ALTER TABLE "article" DROP "content_version"`);
    await q.query(`ALTER TABLE "article" DROP "translation_base_version"`);
    await q.query(`ALTER TABLE "article" DROP "translation_source_id"`);
  }
}
