import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Archive imports: one `import_job` per run over a source (a file, a folder or an upload), with the
 * checkpoint the next batch starts from and the counts so far; `import_job_problem` holds the records it
 * refused, with their place in the source. Articles it created carry their stable key in
 * `article.import_hash` (unique), so a rerun skips what committed.
 */
export class ArchiveImport1764300893000 implements MigrationInterface {
  name = 'ArchiveImport1764300893000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "import_job" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "format" text NOT NULL,
        "origin" text NOT NULL,
        "source" text NOT NULL,
        "source_bytes" bigint,
        "options" jsonb NOT NULL DEFAULT '{}',
        "status" text NOT NULL DEFAULT 'queued',
        "actor_id" uuid,
        "actor_email" text,
        "position_bytes" bigint NOT NULL DEFAULT 0,
        "position_records" bigint NOT NULL DEFAULT 0,
        "position_lines" bigint NOT NULL DEFAULT 0,
        "created_count" bigint NOT NULL DEFAULT 0,
        "present_count" bigint NOT NULL DEFAULT 0,
        "failed_count" bigint NOT NULL DEFAULT 0,
        "warning_count" bigint NOT NULL DEFAULT 0,
        "batches" integer NOT NULL DEFAULT 0,
        "error" text,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "started_at" timestamptz(3),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        "finished_at" timestamptz(3),
        CONSTRAINT "import_job_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "import_job_format_check" CHECK ("format" IN ('ndjson', 'ninjs', 'kazinform')),
        CONSTRAINT "import_job_origin_check" CHECK ("origin" IN ('cli', 'api')),
        CONSTRAINT "import_job_status_check" CHECK ("status" IN ('queued', 'running', 'completed', 'failed')),
        CONSTRAINT "import_job_actor_fk" FOREIGN KEY ("actor_id") REFERENCES "user"("id") ON DELETE SET NULL
      )`);
    // --resume: the latest unfinished run over the same source.
    await q.query(
      `CREATE INDEX "import_job_unfinished_source_idx" ON "import_job" ("source", "created_at" DESC) WHERE "status" <> 'completed'`,
    );
    await q.query(`
      CREATE TABLE "import_job_problem" (
        "job_id" uuid NOT NULL,
        "record" bigint NOT NULL,
        "location" text NOT NULL,
        "message" text NOT NULL,
        CONSTRAINT "import_job_problem_pkey" PRIMARY KEY ("job_id", "record"),
        CONSTRAINT "import_job_problem_job_fk" FOREIGN KEY ("job_id") REFERENCES "import_job"("id") ON DELETE CASCADE
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "import_job_problem"`);
    await q.query(`DROP TABLE "import_job"`);
  }
}
