import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Article } from '../articles/article.entity';
import { recordAudit } from '../audit/audit.service';
import type { Actor } from '../common/auth.decorators';
import { OutboxService } from '../events/outbox.service';
import { PublicationProjector } from './publication.projector';
import { ArticleEvent, ArticleNotice, Publication } from './publishing.entities';

/**
 * A correction of a source may put a public notice on its published translations (`noticeTranslations`):
 * in the correction's transaction each live translation gets the notice, its public document re-rendered
 * with it (a new public version, same article version) and an `article.corrected` event, so readers,
 * webhooks and the changes feed learn of it with the source's correction or not at all.
 */
@Injectable()
export class TranslationNotices {
  constructor(
    private readonly projector: PublicationProjector,
    private readonly outbox: OutboxService,
  ) {}

  /** Returns the ids of the translations that got the notice. The caller holds the source's row lock. */
  async notify(
    em: EntityManager,
    source: Article,
    text: string,
    actor: Actor | 'system',
    now: Date,
  ): Promise<string[]> {
    const actorId = actor === 'system' ? null : actor.id;
    // Locked in id order; a translation's source is older than it, so locks always run source → translation.
    const candidates = await em.find(Article, {
      where: { translationSourceId: source.id, status: 'published' },
      select: { id: true },
      order: { id: 'ASC' },
    });
    const noticed: string[] = [];
    for (const { id } of candidates) {
      const t = await em.findOne(Article, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!t || t.status !== 'published' || t.publishedVersion === null) continue;
      const publication = await em.findOne(Publication, {
        where: { articleId: id },
        select: { status: true },
      });
      if (publication?.status !== 'live') continue;
      await em.insert(ArticleNotice, {
        articleId: id,
        kind: 'correction',
        text,
        public: true,
        createdBy: actorId,
      });
      const snapshot = await this.projector.publishedSnapshot(em, t);
      const document = await this.projector.project(em, t, snapshot, 'live', 'correction', now);
      const sourceCorrection = { articleId: source.id, version: source.version };
      await em.insert(ArticleEvent, {
        articleId: id,
        actorId,
        action: 'source_correction',
        fromStatus: t.status,
        toStatus: t.status,
        comment: text,
        data: { notice: text, publishedVersion: t.publishedVersion },
      });
      await this.outbox.append(em, {
        type: 'article.corrected',
        articleId: id,
        version: t.version,
        actorId,
        payload: {
          slug: t.slug,
          language: t.language,
          notice: { kind: 'correction', text, at: now.toISOString() },
          sourceCorrection,
          document,
        },
      });
      await recordAudit(em, {
        action: 'article.translation.notice',
        entityType: 'article',
        entityId: id,
        actor,
        details: {
          sourceId: source.id,
          sourceVersion: source.version,
          publicVersion: document.version,
          text,
        },
      });
      noticed.push(id);
    }
    return noticed;
  }
}
