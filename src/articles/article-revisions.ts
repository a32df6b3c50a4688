import type { EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../common/auth.decorators';
import { DomainError } from '../common/errors';
import { changedFieldNames } from './article-diff';
import type { Article } from './article.entity';
import { etagOf } from '../common/if-match';
import { ArticleRevision } from './article-revision.entity';
import { type ArticleResponseConfig, responseFromSnapshot } from './article.response';
import { loadArticleResponse } from './article-response-loader';
import { type ArticleSnapshot, readSnapshot } from './article-snapshot';

/**
 * Appends the next numbered revision holding `snapshot`, and its audit row, both naming `actor` ('system', a
 * null actor, for the scheduler and re-renders). The caller holds the article's row lock. `action` names the
 * change in the audit log (default: article.create / article.update); `details` adds to its details.
 */
export async function appendRevision(
  em: EntityManager,
  snapshot: ArticleSnapshot,
  actor: Actor | 'system',
  reason: string | null,
  action?: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  // The article row is locked (or new), so max+1 cannot race.
  const row = await em
    .createQueryBuilder(ArticleRevision, 'r')
    .select('COALESCE(MAX(r.number), 0)::int', 'max')
    .where('r.article_id = :id', { id: snapshot.id })
    .getRawOne<{ max: number }>();
  const number = (row?.max ?? 0) + 1;
  await em.insert(ArticleRevision, {
    articleId: snapshot.id,
    number,
    version: snapshot.version,
    snapshot,
    actorId: actor === 'system' ? null : actor.id,
    reason,
  });
  await recordAudit(em, {
    action: action ?? (number === 1 ? 'article.create' : 'article.update'),
    entityType: 'article',
    entityId: snapshot.id,
    actor,
    details: { revision: number, version: snapshot.version, status: snapshot.status, reason, ...details },
  });
}

/** 412 naming the current version, who changed it and when, and the fields that differ from the client's version. */
export async function staleVersionError(
  em: EntityManager,
  config: ArticleResponseConfig,
  article: Article,
  expectedVersion: number,
): Promise<DomainError> {
  const current = await loadArticleResponse(em, article.id, config);
  const theirs = await em.findOne(ArticleRevision, {
    where: { articleId: article.id, version: expectedVersion },
    order: { number: 'DESC' },
  });
  return new DomainError(
    'PRECONDITION_FAILED',
    `The article changed since version ${expectedVersion}: it is now version ${current.version}`,
    {
      currentVersion: current.version,
      updatedBy: current.updatedBy ?? current.createdBy,
      updatedAt: current.updatedAt,
      // null when the client names a version this article never had
      changedFields: theirs
        ? changedFieldNames(responseFromSnapshot(readSnapshot(theirs.snapshot)), current)
        : null,
    },
    { etag: etagOf(current.version) },
  );
}
