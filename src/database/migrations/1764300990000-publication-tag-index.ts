import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The statements on `publication` that change its links, each with its own trigger. */
const EVENTS = ['insert', 'update', 'delete', 'truncate'] as const;

/**
 * Live publications by tag, newest first: one row per (tag, live story), keyed in the order a tag's list
 * is read. A tag page is then a short range of this key, however rare the tag. Without it, a page either
 * walks the date index keeping the rows with the tag (at a million stories, a tag on 0.2 % of them read
 * about 10,000 entries for a page of 20) or reads every row of the tag through the GIN index and sorts.
 *
 * PostgreSQL keeps it: statement triggers on `publication` (the same transition tables the change notice
 * reads) add and remove rows whenever a statement changes a publication's status, tags or first
 * publication time, whoever wrote it (the projector, the archive import, a tag merge). The Content API only
 * locates rows with it; what a reader may see is still decided on `publication` (content-visibility.ts).
 */
export class PublicationTagIndex1764300990000 implements MigrationInterface {
  name = 'PublicationTagIndex1764300990000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "publication_tag" (
        "tag_id" uuid NOT NULL,
        "first_published_at" timestamptz(3) NOT NULL,
        "article_id" uuid NOT NULL,
        CONSTRAINT "publication_tag_pkey" PRIMARY KEY ("tag_id", "first_published_at", "article_id")
      )`);
    // The links a set of publication rows (a transition table) has while live.
    const links = (rows: string, where = 'true') =>
      `SELECT DISTINCT unnest(r."tag_ids") AS tag_id, r."first_published_at", r."article_id"
         FROM ${rows} WHERE r."status" = 'live' AND ${where}`;
    const add = (
      rows: string,
      where?: string,
    ) => `INSERT INTO "publication_tag" (tag_id, first_published_at, article_id)
          ${links(rows, where)}
          ON CONFLICT DO NOTHING;`;
    const remove = (
      rows: string,
      where?: string,
    ) => `DELETE FROM "publication_tag" t USING (${links(rows, where)}) d
        WHERE t."tag_id" = d.tag_id AND t."first_published_at" = d."first_published_at"
          AND t."article_id" = d."article_id";`;
    // Whether an update changed what the links are made of (o: the row before, r: after, or the reverse).
    const changed = `(o."status" IS DISTINCT FROM r."status" OR o."tag_ids" IS DISTINCT FROM r."tag_ids"
      OR o."first_published_at" IS DISTINCT FROM r."first_published_at")`;
    // Each event's trigger: the transition tables it reads, and what it does with them.
    const triggers: { event: (typeof EVENTS)[number]; tables: string; body: string }[] = [
      { event: 'insert', tables: 'REFERENCING NEW TABLE AS "tag_new"', body: add(`"tag_new" r`) },
      {
        event: 'update',
        tables: 'REFERENCING OLD TABLE AS "tag_old" NEW TABLE AS "tag_new"',
        body: `${remove(`"tag_old" r JOIN "tag_new" o ON o."article_id" = r."article_id"`, changed)}
          ${add(`"tag_new" r JOIN "tag_old" o ON o."article_id" = r."article_id"`, changed)}`,
      },
      { event: 'delete', tables: 'REFERENCING OLD TABLE AS "tag_old"', body: remove(`"tag_old" r`) },
      { event: 'truncate', tables: '', body: 'TRUNCATE "publication_tag";' },
    ];
    for (const { event, tables, body } of triggers) {
      await q.query(`
        CREATE FUNCTION "publication_tag_${event}"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          ${body}
          RETURN NULL;
        END
        $$`);
      await q.query(`
        CREATE TRIGGER "publication_tag_${event}" AFTER ${event.toUpperCase()} ON "publication" ${tables}
        FOR EACH STATEMENT EXECUTE FUNCTION "publication_tag_${event}"()`);
    }
    // The stories live now.
    await q.query(add(`"publication" r`));
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of EVENTS) {
      await q.query(`DROP TRIGGER "publication_tag_${t}" ON "publication"`);
      await q.query(`DROP FUNCTION "publication_tag_${t}"()`);
    }
    await q.query(`DROP TABLE "publication_tag"`);
  }
}
