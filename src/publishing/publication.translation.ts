import type { EntityManager } from 'typeorm';
import { translatedChanges } from '../articles/article-diff';
import { Article } from '../articles/article.entity';
import { ArticleRevision } from '../articles/article-revision.entity';
import { responseFromSnapshot } from '../articles/article.response';
import { type StoredSnapshot, readSnapshot } from '../articles/article-snapshot';
import type { PublicTranslationOf } from './publication.renderer';

// How many of the source's latest public versions are compared with the base (a story has a handful).
const MAX_VERSIONS = 50;

/**
 * What a translation's public document says of its source: the source's id and language, and the source's
 * latest public version whose translated fields (headline … body) read as the translation's base version
 * did: readers compare it with the source's own `version`. Null version: that text was never public. Null
 * when the source no longer exists.
 */
export async function publicTranslationOf(
  em: EntityManager,
  sourceId: string,
  baseVersion: number,
): Promise<PublicTranslationOf | null> {
  const source = await em.findOne(Article, { where: { id: sourceId }, select: { id: true, language: true } });
  if (!source) return null;
  const base = await em.findOne(ArticleRevision, {
    where: { articleId: sourceId, version: baseVersion },
    order: { number: 'DESC' },
  });
  if (!base) return { id: source.id, language: source.language, version: null };
  const baseText = responseFromSnapshot(readSnapshot(base.snapshot));
  const versions = await em.query<{ version: number; snapshot: StoredSnapshot }[]>(
    `SELECT DISTINCT ON (pv.version) pv.version, r.snapshot
       FROM publication_version pv
       JOIN article_revision r ON r.article_id = pv.article_id AND r.version = pv.article_version
      WHERE pv.article_id = $1 AND pv.status = 'live'
      ORDER BY pv.version DESC, r.number DESC
      LIMIT $2`,
    [sourceId, MAX_VERSIONS],
  );
  const same = versions.find(
    (v) => translatedChanges(baseText, responseFromSnapshot(readSnapshot(v.snapshot))).length === 0,
  );
  return { id: source.id, language: source.language, version: same?.version ?? null };
}
