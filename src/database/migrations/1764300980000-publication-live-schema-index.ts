import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The live publications by document schema. After start-up each instance asks whether any live document is
 * of an older schema (`PublishingJobs.onApplicationBootstrap`), and the re-render job lists those documents.
 * Without an index both read every live row: at a million stories the start-up check ran past the statement
 * timeout and the instance did not start. With it, "none outdated" is one index probe.
 */
export class PublicationLiveSchemaIndex1764300980000 implements MigrationInterface {
  name = 'PublicationLiveSchemaIndex1764300980000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "publication_live_schema_idx" ON "publication" ("document_schema") WHERE "status" = 'live'`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "publication_live_schema_idx"`);
  }
}
