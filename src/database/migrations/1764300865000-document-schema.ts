import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema version of each stored public document, so a change of the document's shape can upgrade what
 * is stored: live documents below the current schema are re-rendered after start-up, and a stored document
 * reused by the projector (kill, unpublish) is read through its upgrade steps. Existing rows are schema 1.
 */
export class DocumentSchema1764300865000 implements MigrationInterface {
  name = 'DocumentSchema1764300865000';

  public async up(q: QueryRunner): Promise<void> {
    for (const table of ['publication', 'publication_version']) {
      await q.query(`ALTER TABLE "${table}" ADD COLUMN "document_schema" smallint NOT NULL DEFAULT 1`);
      // Writers name the schema they wrote.
      await q.query(`ALTER TABLE "${table}" ALTER COLUMN "document_schema" DROP DEFAULT`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ['publication', 'publication_version']) {
      await q.query(`ALTER TABLE "${table}" DROP COLUMN "document_schema"`);
    }
  }
}
