import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/auth.decorators';
import { badRequest, conflict } from '../common/errors';
import { newsroomConfig, type NewsroomConfig } from '../config/configuration';
import { JobEngine } from '../jobs/job-engine.service';
import { RERENDER_QUEUE, type RerenderJob } from '../publishing/queues';
import { Article } from './article.entity';
import type { ArticleResponse } from './article.response';
import { articleResponse } from './article-response-loader';
import { appendRevision } from './article-revisions';
import { loadArticleSnapshot } from './article-snapshot';

/**
 * A translation's base: the source version it matches. Moved by an explicit confirm ("no change needed")
 * or by an edit that names the new base (`baseVersion`); each move is a new version, revision and audit row.
 */
@Injectable()
export class TranslationBase {
  constructor(
    @Inject(newsroomConfig.KEY) private readonly config: NewsroomConfig,
    private readonly jobs: JobEngine,
  ) {}

  /** The source's current version, for a locked translation (409 when the article is not one). */
  async sourceVersion(em: EntityManager, article: Article): Promise<number> {
    const source = article.translationSourceId
      ? await em.findOne(Article, {
          where: { id: article.translationSourceId },
          select: { id: true, version: true },
        })
      : null;
    if (!source) {
      throw conflict('This article is not a translation of another article', { field: 'translationOf' });
    }
    return source.version;
  }

  /** A new base named by an edit must lie between the current base and the source's version now (else 400). */
  async checkNewBase(em: EntityManager, article: Article, baseVersion: number): Promise<number> {
    if (!article.translationSourceId) {
      throw badRequest('baseVersion applies only to a translation', [
        { field: 'baseVersion', messages: ['this article is not a translation'] },
      ]);
    }
    const current = await this.sourceVersion(em, article);
    const from = article.translationBaseVersion ?? 1;
    if (baseVersion < from || baseVersion > current) {
      throw badRequest(
        `baseVersion must be between the current base ${from} and the source's version ${current}`,
        [{ field: 'baseVersion', messages: [`between ${from} and ${current}`] }],
      );
    }
    return baseVersion;
  }

  /**
   * Moves the base of a locked translation without changing its text: a new version and revision, audited as
   * `action`. What was public or approved stays so (the move changes no content); a public document is
   * re-rendered by the job engine so it names the new source version.
   */
  async move(
    em: EntityManager,
    actor: Actor,
    article: Article,
    baseVersion: number,
    action: 'article.translation.confirm' | 'article.translation.rebase',
  ): Promise<ArticleResponse> {
    const version = article.version + 1;
    const wasPublic = article.status === 'published' && article.publishedVersion === article.version;
    await em.update(
      Article,
      { id: article.id },
      {
        translationBaseVersion: baseVersion,
        version,
        updatedById: actor.id,
        ...(article.publishedVersion === article.version ? { publishedVersion: version } : {}),
        ...(article.approvedVersion === article.version ? { approvedVersion: version } : {}),
      },
    );
    const snapshot = await loadArticleSnapshot(em, article.id, this.config);
    await appendRevision(em, snapshot, actor, `Translation matches source version ${baseVersion}`, action, {
      sourceId: article.translationSourceId,
      fromBaseVersion: article.translationBaseVersion,
      toBaseVersion: baseVersion,
    });
    if (wasPublic) await this.jobs.send<RerenderJob>(RERENDER_QUEUE, { articleId: article.id }, { em });
    return articleResponse(em, snapshot);
  }
}
