import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Browser sessions of the desk: one row per signed-in cookie, deleted on sign-out. */
export class UserSession1764300870000 implements MigrationInterface {
  name = 'UserSession1764300870000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "user_session" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "token_version" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "user_session_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "user_session_user_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "user_session_user_idx" ON "user_session" ("user_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "user_session"`);
  }
}
