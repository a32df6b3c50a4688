import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WorkflowIntegrity1764300840000 implements MigrationInterface {
  name = 'WorkflowIntegrity1764300840000';

  public async up(q: QueryRunner): Promise<void> {
    // The version an editor approved; the scheduler publishes only that one.
    await q.query(`ALTER TABLE "article" ADD "approved_version" integer`);
    // Articles already approved or scheduled keep their schedule: their current version counts as approved.
    await q.query(
      `UPDATE "article" SET "approved_version" = "version" WHERE "status" IN ('approved', 'scheduled')`,
    );
    // Which article version each public version shows.
    await q.query(`ALTER TABLE "publication_version" ADD "article_version" integer`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "publication_version" DROP COLUMN "article_version"`);
    await q.query(`ALTER TABLE "article" DROP COLUMN "approved_version"`);
  }
}
