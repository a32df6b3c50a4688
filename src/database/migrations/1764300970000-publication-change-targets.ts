import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The publication change notice names what changed: `<article id>:<slug>` of each article whose read model a
 * statement touched, with every article of their translation families (a document lists its live
 * translations), so each instance drops only the single-article answers of those articles and slugs, and
 * every list. A statement that touched more than 40 articles, or a TRUNCATE, says `*`: drop everything.
 */
export class PublicationChangeTargets1764300970000 implements MigrationInterface {
  name = 'PublicationChangeTargets1764300970000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "publication_changed" ON "publication"`);
    await q.query(`DROP FUNCTION "publication_notify_change"()`);
    // One announcement per statement: the articles it touched and their translation families.
    await q.query(`
      CREATE FUNCTION "publication_announce"(articles uuid[], slugs text[], families uuid[]) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        ids text;
        n int;
      BEGIN
        IF cardinality(articles) > 40 THEN
          PERFORM pg_notify('dateline_publication_changed', '*');
          RETURN;
        END IF;
        SELECT count(*), string_agg(t.id::text || ':' || t.slug, ' ') INTO n, ids FROM (
          SELECT DISTINCT id, slug FROM (
            SELECT unnest(articles) AS id, unnest(slugs) AS slug
            UNION ALL SELECT p."article_id", p."slug" FROM "publication" p WHERE p."translation_group_id" = ANY (families)
          ) a LIMIT 41
        ) t;
        IF n > 40 OR length(ids) > 7000 THEN
          PERFORM pg_notify('dateline_publication_changed', '*');
        ELSIF n > 0 THEN
          PERFORM pg_notify('dateline_publication_changed', ids);
        END IF;
      END
      $$`);
    // Transition tables need one trigger function per event (an INSERT has no old rows, a DELETE no new ones).
    for (const [fn, from] of [
      ['publication_changed_new', `"changed_new"`],
      ['publication_changed_old', `"changed_old"`],
      ['publication_changed_both', `"changed_new" UNION ALL SELECT * FROM "changed_old"`],
    ]) {
      await q.query(`
        CREATE FUNCTION "${fn}"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM "publication_announce"(array_agg(c."article_id"), array_agg(c."slug"), array_agg(c."translation_group_id"))
            FROM (SELECT * FROM ${from}) c;
          RETURN NULL;
        END
        $$`);
    }
    await q.query(`
      CREATE FUNCTION "publication_changed_all"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('dateline_publication_changed', '*');
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER "publication_changed_insert" AFTER INSERT ON "publication"
      REFERENCING NEW TABLE AS "changed_new"
      FOR EACH STATEMENT EXECUTE FUNCTION "publication_changed_new"()`);
    await q.query(`
      CREATE TRIGGER "publication_changed_update" AFTER UPDATE ON "publication"
      REFERENCING OLD TABLE AS "changed_old" NEW TABLE AS "changed_new"
      FOR EACH STATEMENT EXECUTE FUNCTION "publication_changed_both"()`);
    await q.query(`
      CREATE TRIGGER "publication_changed_delete" AFTER DELETE ON "publication"
      REFERENCING OLD TABLE AS "changed_old"
      FOR EACH STATEMENT EXECUTE FUNCTION "publication_changed_old"()`);
    await q.query(`
      CREATE TRIGGER "publication_changed_truncate" AFTER TRUNCATE ON "publication"
      FOR EACH STATEMENT EXECUTE FUNCTION "publication_changed_all"()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ['insert', 'update', 'delete', 'truncate'])
      await q.query(`DROP TRIGGER "publication_changed_${t}" ON "publication"`);
    for (const fn of ['new', 'old', 'both', 'all'])
      await q.query(`DROP FUNCTION "publication_changed_${fn}"()`);
    await q.query(`DROP FUNCTION "publication_announce"(uuid[], text[], uuid[])`);
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
}
