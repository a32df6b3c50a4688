import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The public document as JSON text, kept beside the jsonb by PostgreSQL, and the MD5 of that text. A
 * single read sends the text as it is stored: turning an 8 KB jsonb document into text on every read
 * was half of the read's time in PostgreSQL. Its ETag starts from the stored MD5 instead of hashing the
 * body on every read. Lists have their own copy without the body (`list_item`).
 */
export class PublicationDocumentText1764301000000 implements MigrationInterface {
  name = 'PublicationDocumentText1764301000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "publication" ADD "document_text" text GENERATED ALWAYS AS ("document"::text) STORED,
        ADD "document_md5" text GENERATED ALWAYS AS (md5("document"::text)) STORED`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "publication" DROP "document_text", DROP "document_md5"`);
  }
}
