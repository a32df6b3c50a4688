import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContentApi1764300600000 implements MigrationInterface {
  name = 'ContentApi1764300600000';

  public async up(q: QueryRunner): Promise<void> {
    // Front ends of one language list `/articles?lang=xx` newest first: a keyset scan of that language
    // alone, instead of filtering the all-languages index (slow for the smaller languages).
    await q.query(
      `CREATE INDEX "publication_live_language_first_published_idx" ON "publication" ("language", "first_published_at" DESC, "article_id" DESC) WHERE "status" = 'live'`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "publication_live_language_first_published_idx"`);
  }
}
