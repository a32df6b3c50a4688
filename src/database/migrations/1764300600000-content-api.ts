import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ContentApi1764300600000 implements MigrationInterface {
  name = 'ContentApi1764300600000';

  public async up(q: QueryRunner): Promise<void> {
    // Front ends of one language list `/articles?lang=xx` newest first: a keyset scan of that language
    // alone, instead of filtering the all-languages index (slow for the smaller languages).
    await q.query(
      `CREATE INDEX "publication_live_language_first_published_idx" ON "publication" ("language", "first_published_at" DESC, "article_id" DESC) WHERE "status" = 'live'`,
    );
    // What search results are ranked by: the A/B-weighted part of `search` (headline, subheadline, summary,
    // tag names). Small and stored in the row, so ranking every match costs about as much as counting
    // them; ranking on `search` itself would de-TOAST the whole body vector of every match (~10x slower).
    await q.query(
      `ALTER TABLE "publication" ADD "search_rank" tsvector GENERATED ALWAYS AS (ts_filter("search", '{a,b}')) STORED`,
    );
    // A list item is the document without its body, as JSON text: kept ready so a page of 20 is 20
    // short text values instead of 20 documents decompressed, cut and re-serialized on every request.
    await q.query(
      `ALTER TABLE "publication" ADD "list_item" text GENERATED ALWAYS AS (("document" - 'bodyHtml' - 'bodyText')::text) STORED`,
    );
    // Instances keep finished responses of the hot reads in memory; every change of the read model is
    // announced (on commit) so each instance drops them at once: nothing is served after a kill.
    await q.query(`
      CREATE FUNCTION "publication_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('dateline_publication_changed', '');
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER "publication_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "publication"
      FOR EACH STATEMENT EXECUTE FUNCTION "publication_notify_change"()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "publication_changed" ON "publication"`);
    await q.query(`DROP FUNCTION "publication_notify_change"()`);
    await q.query(`ALTER TABLE "publication" DROP "list_item"`);
    await q.query(`ALTER TABLE "publication" DROP "search_rank"`);
    await q.query(`DROP INDEX "publication_live_language_first_published_idx"`);
  }
}
