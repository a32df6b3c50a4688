import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { Article } from '../articles/article.entity';
import { ArticleRevision } from '../articles/article-revision.entity';
import { appendRevision, staleVersionError } from '../articles/article-revisions';
import { type ArticleResponse, loadArticleResponse } from '../articles/article.response';
import { Author } from '../authors/author.entity';
import type { Actor } from '../common/auth.decorators';
import { DomainError, badRequest, conflict, notFound } from '../common/errors';
import { newsroomConfig, type NewsroomConfig } from '../config/configuration';
import type { EventType } from '../events/event.entity';
import { OutboxService } from '../events/outbox.service';
import { JobEngine } from '../jobs/job-engine.service';
import { Tag } from '../tags/tag.entity';
import { APPROVED_STATES, type WorkflowAction, checkTransition } from './article-workflow';
import {
  type KillDocument,
  type PublicDocument,
  type PublicNotice,
  renderKillDocument,
  renderPublicDocument,
  textSearchConfig,
} from './publication.renderer';
import {
  ArticleEvent,
  ArticleNotice,
  type NoticeKind,
  Publication,
  type PublicationStatus,
  PublicationVersion,
} from './publishing.entities';
import type { TransitionDto } from './transition.dto';

import { EMBARGO_QUEUE, EXPIRE_QUEUE, PUBLISH_QUEUE, type RerenderJob } from './queues';

export type TransitionActor = Actor | 'system';

interface Applied {
  eventType?: EventType;
  /** How the public read model changes: rendered anew with this status, or left alone. */
  publication?: { status: PublicationStatus; change: string };
  /** Extra event payload */
  eventData?: Record<string, unknown>;
  notice?: { kind: NoticeKind; text: string; public: boolean };
  /** The change touches no content: a working copy that was public stays "published". */
  contentNeutral?: boolean;
}

const MAX_FUTURE_MS = 5 * 365 * 24 * 3600 * 1000;

/** The workflow's use cases: each transition is one transaction over the article, its history, the outbox and the read model. */
@Injectable()
export class PublishingService {
  private readonly logger = new Logger(PublishingService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobEngine,
    private readonly outbox: OutboxService,
    @Inject(newsroomConfig.KEY) private readonly config: NewsroomConfig,
  ) {}

  /**
   * Applies one workflow action. `expectedVersion` is the client's If-Match (null only for the system actor).
   * `jobId` names the scheduler job acting, which must still be the one the article waits for.
   */
  async transition(
    actor: TransitionActor,
    id: string,
    expectedVersion: number | null,
    dto: TransitionDto,
    jobId?: string,
  ): Promise<ArticleResponse> {
    return this.dataSource.transaction(async (em) => {
      const article = await em.findOne(Article, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!article) throw notFound('Article');
      // A scheduler job acts only if it is still the one the article waits for, checked under the row lock.
      if (jobId && !isCurrentJob(article, dto.action, jobId)) {
        throw new DomainError('CONFLICT', 'This scheduler job is no longer current');
      }
      // The scheduler publishes only the version an editor approved, whatever changed the working copy since.
      if (jobId && dto.action === 'publish' && article.approvedVersion !== article.version) {
        throw new DomainError(
          'CONFLICT',
          `Version ${article.version} is not the approved version (${article.approvedVersion ?? 'none'})`,
          { version: article.version, approvedVersion: article.approvedVersion },
        );
      }
      if (expectedVersion !== null && article.version !== expectedVersion) {
        throw await staleVersionError(em, this.config, article, expectedVersion);
      }
      const check = checkTransition(article.status, dto.action, actor, article.createdById);
      if (!check.ok && check.reason === 'invalid') {
        throw new DomainError(
          'INVALID_TRANSITION',
          `Cannot ${dto.action} an article that is ${article.status}`,
          {
            status: article.status,
            allowedActions: check.allowed,
          },
        );
      }
      if (!check.ok) throw new DomainError('FORBIDDEN', `${dto.action} needs the ${check.needs} role`);

      const from = article.status;
      const now = new Date();
      const dueAt = jobId ? dueTimeOf(article, dto.action) : null;
      const lateMs = dueAt ? now.getTime() - dueAt.getTime() : undefined;
      if (lateMs !== undefined && lateMs > 5000) {
        this.logger.warn({ articleId: id, action: dto.action, lateMs }, 'scheduler job ran late');
      }
      const actorId = actor === 'system' ? null : actor.id;
      const approvedVersion = article.approvedVersion;
      const applied = await this.apply(em, article, dto, now, jobId);
      article.status = check.to;
      const wasPublic = article.publishedVersion !== null && article.publishedVersion === article.version;
      article.version += 1;
      if (applied.publication?.status === 'live' && !applied.contentNeutral)
        article.publishedVersion = article.version;
      else if (applied.contentNeutral && wasPublic) article.publishedVersion = article.version;
      // An editor's approve, schedule or unschedule approves the copy as it is now.
      article.approvedVersion = APPROVED_STATES.includes(check.to) ? article.version : null;
      article.updatedById = actorId;
      await em.save(article);

      await em.insert(
        ArticleEvent,
        em.create(ArticleEvent, {
          articleId: id,
          actorId,
          action: dto.action,
          fromStatus: from,
          toStatus: check.to,
          comment: dto.comment ?? dto.reason ?? null,
          data: stripUndefined({
            at: dto.at?.toISOString(),
            embargoUntil: dto.embargoUntil?.toISOString(),
            expiresAt: dto.expiresAt?.toISOString(),
            change: dto.change,
            notice: dto.notice,
            lateMs,
            // Which version went public, and (for the scheduler) the approved version it was checked against.
            publishedVersion:
              applied.publication?.status === 'live' ? (article.publishedVersion ?? undefined) : undefined,
            approvedVersion: jobId && dto.action === 'publish' ? (approvedVersion ?? undefined) : undefined,
          }),
        }),
      );
      if (applied.notice) {
        await em.insert(ArticleNotice, { articleId: id, ...applied.notice, createdBy: actorId });
      }
      const snapshot = await loadArticleResponse(em, id, this.config);
      await appendRevision(
        em,
        snapshot,
        actorId,
        dto.comment ?? dto.reason ?? dto.notice ?? null,
        `article.${dto.action}${dto.change ? `.${dto.change}` : ''}`,
      );

      let document: PublicDocument | KillDocument | undefined;
      if (applied.publication) {
        document = await this.writePublication(
          em,
          article,
          snapshot,
          applied.publication.status,
          applied.publication.change,
          now,
        );
      }
      if (applied.eventType) {
        await this.outbox.append(em, {
          type: applied.eventType,
          articleId: id,
          version: article.version,
          actorId,
          payload: stripUndefined({
            slug: article.slug,
            language: article.language,
            ...applied.eventData,
            document: document ?? (await this.previewDocument(em, article, snapshot, now)),
          }),
        });
      }
      return snapshot;
    });
  }

  /** Runs a due scheduler job (publish, expire or embargo lift) as the system actor; a stale job does nothing. */
  async runScheduledJob(queue: string, articleId: string, jobId: string): Promise<void> {
    const action: WorkflowAction =
      queue === PUBLISH_QUEUE ? 'publish' : queue === EXPIRE_QUEUE ? 'unpublish' : 'lift_embargo';
    // A cheap look first; transition() checks again under the row lock.
    const article = await this.dataSource.getRepository(Article).findOneBy({ id: articleId });
    if (!article || !isCurrentJob(article, action, jobId)) {
      this.logger.log({ queue, articleId, jobId }, 'scheduler job no longer current; nothing to do');
      return;
    }
    if (action === 'publish' && article.approvedVersion !== article.version) {
      // Every edit path sends a changed article back to review: this means one did not.
      this.logger.warn(
        { queue, articleId, jobId, version: article.version, approvedVersion: article.approvedVersion },
        'scheduled article changed since it was approved; not published',
      );
      return;
    }
    try {
      await this.transition('system', articleId, null, { action }, jobId);
    } catch (e) {
      // Another instance or an editor got there first (transition() checks again under the lock).
      if (e instanceof DomainError && (e.code === 'INVALID_TRANSITION' || e.code === 'CONFLICT')) {
        this.logger.log(
          { queue, articleId, jobId, code: e.code, why: e.message },
          'scheduler job superseded',
        );
        return;
      }
      throw e;
    }
  }

  /** Re-renders the live publications that show a tag or an author, after a rename, merge or deactivation. */
  async rerender(ref: RerenderJob): Promise<number> {
    const column = ref.tagId ? 'tag_ids' : 'author_ids';
    const id = ref.tagId ?? ref.authorId;
    const rows = await this.dataSource.query<{ article_id: string }[]>(
      `SELECT article_id FROM publication WHERE status = 'live' AND $1::uuid = ANY(${column})`,
      [id],
    );
    for (const { article_id } of rows) {
      await this.dataSource.transaction(async (em) => {
        const a = await em.findOne(Article, {
          where: { id: article_id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!a || a.status !== 'published') return;
        const now = new Date();
        const document = await this.writePublication(
          em,
          a,
          await this.publishedSnapshot(em, a),
          'live',
          'rerender',
          now,
        );
        await this.outbox.append(em, {
          type: 'article.updated',
          articleId: a.id,
          version: a.version,
          actorId: null,
          payload: { slug: a.slug, language: a.language, rerender: true, document },
        });
        await recordAudit(em, {
          action: 'article.rerender',
          entityType: 'article',
          entityId: a.id,
          actorId: null,
          details: {
            tagId: ref.tagId ?? null,
            authorId: ref.authorId ?? null,
            publicVersion: document.version,
          },
        });
      });
    }
    return rows.length;
  }

  private async apply(
    em: EntityManager,
    a: Article,
    dto: TransitionDto,
    now: Date,
    jobId?: string,
  ): Promise<Applied> {
    const future = (d: Date | undefined, field: string) => {
      if (d === undefined) return;
      if (d.getTime() <= now.getTime())
        throw badRequest(`${field} must be in the future`, [{ field, messages: ['must be in the future'] }]);
      if (d.getTime() - now.getTime() > MAX_FUTURE_MS)
        throw badRequest(`${field} is too far in the future`, [
          { field, messages: ['at most 5 years ahead'] },
        ]);
    };
    const action: WorkflowAction = dto.action;
    if (dto.change && action !== 'publish') throw badRequest('change applies only to publish');
    switch (action) {
      case 'submit':
      case 'approve':
      case 'spike':
      case 'unspike':
        return {};
      case 'return':
        if (!dto.comment)
          throw badRequest('return needs a comment saying what to change', [
            { field: 'comment', messages: ['required for return'] },
          ]);
        return {};
      case 'schedule': {
        if (!dto.at)
          throw badRequest('schedule needs at', [{ field: 'at', messages: ['required for schedule'] }]);
        future(dto.at, 'at');
        future(dto.embargoUntil, 'embargoUntil');
        future(dto.expiresAt, 'expiresAt');
        if (dto.expiresAt && dto.expiresAt <= dto.at) throw badRequest('expiresAt must be after at');
        a.scheduledAt = dto.at;
        a.embargoUntil = dto.embargoUntil ?? null;
        a.expiresAt = dto.expiresAt ?? null;
        a.scheduleJobId = await this.jobs.send(
          PUBLISH_QUEUE,
          { articleId: a.id },
          { em, startAfter: dto.at },
        );
        return { eventType: 'article.scheduled', eventData: { scheduledAt: dto.at.toISOString() } };
      }
      case 'unschedule':
        await this.cancel(em, PUBLISH_QUEUE, a.scheduleJobId);
        a.scheduleJobId = null;
        a.scheduledAt = null;
        return { eventType: 'article.unscheduled' };
      case 'publish':
        return this.applyPublish(em, a, dto, now, future, jobId);
      case 'unpublish':
        if (a.expireJobId !== jobId) await this.cancel(em, EXPIRE_QUEUE, a.expireJobId);
        await this.cancel(em, EMBARGO_QUEUE, a.embargoJobId);
        a.expireJobId = null;
        a.embargoJobId = null;
        a.expiresAt = jobId ? a.expiresAt : null;
        return {
          eventType: 'article.unpublished',
          publication: { status: 'unpublished', change: 'unpublish' },
          contentNeutral: true,
        };
      case 'kill': {
        if (!dto.reason)
          throw badRequest('kill needs a reason: it becomes the public kill notice', [
            { field: 'reason', messages: ['required for kill'] },
          ]);
        for (const [queue, job] of [
          [PUBLISH_QUEUE, a.scheduleJobId],
          [EXPIRE_QUEUE, a.expireJobId],
          [EMBARGO_QUEUE, a.embargoJobId],
        ] as const) {
          await this.cancel(em, queue, job);
        }
        a.scheduleJobId = a.expireJobId = a.embargoJobId = null;
        a.scheduledAt = null;
        const hasPublication = await em.exists(Publication, { where: { articleId: a.id } });
        return {
          eventType: 'article.killed',
          notice: { kind: 'kill', text: dto.reason, public: true },
          publication: hasPublication ? { status: 'killed', change: 'kill' } : undefined,
          eventData: { notice: { kind: 'kill', text: dto.reason, at: now.toISOString() } },
          contentNeutral: true,
        };
      }
      case 'lift_embargo':
        return this.applyLiftEmbargo(em, a, dto, now, jobId);
    }
  }

  private async applyPublish(
    em: EntityManager,
    a: Article,
    dto: TransitionDto,
    now: Date,
    future: (d: Date | undefined, field: string) => void,
    jobId?: string,
  ): Promise<Applied> {
    const republish = a.status === 'published';
    if (republish && !dto.change) {
      throw badRequest(
        'Publishing a published article again needs change: update, correction or clarification',
        [{ field: 'change', messages: ['required when the article is already published'] }],
      );
    }
    if (!republish && dto.change)
      throw badRequest('change applies only when the article is already published');
    if ((dto.change === 'correction' || dto.change === 'clarification') && !dto.notice) {
      throw badRequest(`A ${dto.change} needs a public notice`, [
        { field: 'notice', messages: [`required for a ${dto.change}`] },
      ]);
    }
    if (a.status === 'scheduled') {
      if (a.scheduleJobId !== jobId) await this.cancel(em, PUBLISH_QUEUE, a.scheduleJobId);
      a.scheduleJobId = null;
      a.scheduledAt = null;
    } else {
      future(dto.embargoUntil, 'embargoUntil');
      future(dto.expiresAt, 'expiresAt');
      if (dto.embargoUntil) a.embargoUntil = dto.embargoUntil;
      else if (!republish) a.embargoUntil = null;
      if (dto.expiresAt) a.expiresAt = dto.expiresAt;
      else if (!republish) a.expiresAt = null;
    }
    if (a.embargoUntil && a.embargoUntil <= now) a.embargoUntil = null;
    if (a.expiresAt && a.expiresAt <= now) throw badRequest('expiresAt must be in the future');
    if (a.expiresAt && a.embargoUntil && a.expiresAt <= a.embargoUntil)
      throw badRequest('expiresAt must be after embargoUntil');

    // Jobs for the embargo lift and the expiry, replacing any earlier ones.
    await this.cancel(em, EMBARGO_QUEUE, a.embargoJobId);
    a.embargoJobId = a.embargoUntil
      ? await this.jobs.send(EMBARGO_QUEUE, { articleId: a.id }, { em, startAfter: a.embargoUntil })
      : null;
    await this.cancel(em, EXPIRE_QUEUE, a.expireJobId);
    a.expireJobId = a.expiresAt
      ? await this.jobs.send(EXPIRE_QUEUE, { articleId: a.id }, { em, startAfter: a.expiresAt })
      : null;

    a.firstPublishedAt ??= a.originalPublishedAt ?? now;
    a.publishedAt = now;
    const change = dto.change ?? 'publish';
    const eventType: EventType =
      dto.change === 'correction'
        ? 'article.corrected'
        : dto.change === 'clarification'
          ? 'article.clarified'
          : dto.change === 'update'
            ? 'article.updated'
            : 'article.published';
    const notice = dto.notice
      ? { kind: (dto.change ?? 'update') as NoticeKind, text: dto.notice, public: true }
      : undefined;
    return { eventType, publication: { status: 'live', change }, notice };
  }

  private async applyLiftEmbargo(
    em: EntityManager,
    a: Article,
    dto: TransitionDto,
    now: Date,
    jobId?: string,
  ): Promise<Applied> {
    if (jobId) {
      // The scheduled lift (transition() checked the job is current): only the event changes.
      a.embargoJobId = null;
      return {
        eventType: 'article.embargo_lifted',
        eventData: { embargoUntil: a.embargoUntil?.toISOString(), early: false },
        contentNeutral: true,
      };
    }
    if (!dto.reason)
      throw badRequest('Lifting an embargo early needs a reason', [
        { field: 'reason', messages: ['required for lift_embargo'] },
      ]);
    if (!a.embargoUntil || a.embargoUntil <= now) throw conflict('The article has no embargo in the future');
    await this.cancel(em, EMBARGO_QUEUE, a.embargoJobId);
    const was = a.embargoUntil;
    a.embargoJobId = null;
    a.embargoUntil = now;
    return {
      eventType: 'article.embargo_lifted',
      eventData: { embargoUntil: was.toISOString(), early: true },
      notice: { kind: 'embargo_lift', text: dto.reason, public: false },
      publication: { status: 'live', change: 'embargo_lift' },
      contentNeutral: true,
    };
  }

  private async cancel(em: EntityManager, queue: string, jobId: string | null): Promise<void> {
    if (jobId) await this.jobs.cancel(queue, jobId, em);
  }

  private async publicNotices(em: EntityManager, articleId: string): Promise<PublicNotice[]> {
    const rows = await em.find(ArticleNotice, {
      where: { articleId, public: true },
      order: { createdAt: 'ASC' },
    });
    return rows.map((n) => ({ kind: n.kind, text: n.text, at: n.createdAt.toISOString() }));
  }

  private async renderLive(
    em: EntityManager,
    a: Article,
    snapshot: ArticleResponse,
    version: number,
    updatedAt: Date,
  ): Promise<PublicDocument> {
    const authors = await em.findBy(Author, { id: In(snapshot.authors.map((x) => x.id)) });
    const tags = await this.tagsOf(em, snapshot);
    return renderPublicDocument(
      { ...snapshot, tags: snapshot.tags.map((t) => ({ ...t, id: tags.merged.get(t.id) ?? t.id })) },
      new Map(authors.map((x) => [x.id, x])),
      new Map(tags.found.map((x) => [x.id, x])),
      await this.publicNotices(em, a.id),
      {
        firstPublishedAt: a.firstPublishedAt ?? updatedAt,
        publishedAt: a.publishedAt ?? updatedAt,
        updatedAt,
        embargoUntil: a.embargoUntil,
      },
      'live',
      version,
    );
  }

  /** The snapshot's tags as they are now; a tag merged away since resolves to the tag it was merged into. */
  private async tagsOf(
    em: EntityManager,
    snapshot: ArticleResponse,
  ): Promise<{ found: Tag[]; merged: Map<string, string> }> {
    const ids = snapshot.tags.map((x) => x.id);
    const found = await em.findBy(Tag, { id: In(ids) });
    const missing = ids.filter((id) => !found.some((t) => t.id === id));
    const merged = new Map<string, string>();
    if (missing.length > 0) {
      const rows = await em.query<{ former_tag_id: string; tag_id: string }[]>(
        'SELECT former_tag_id, tag_id FROM tag_alias WHERE former_tag_id = ANY($1::uuid[])',
        [missing],
      );
      for (const r of rows) merged.set(r.former_tag_id, r.tag_id);
      const targets = [...new Set(rows.map((r) => r.tag_id))].filter((id) => !found.some((t) => t.id === id));
      if (targets.length > 0) found.push(...(await em.findBy(Tag, { id: In(targets) })));
    }
    return { found, merged };
  }

  /** The document as it would be public, for events of articles not (yet) public (scheduled). */
  private async previewDocument(
    em: EntityManager,
    a: Article,
    snapshot: ArticleResponse,
    now: Date,
  ): Promise<PublicDocument | undefined> {
    if (a.status !== 'scheduled') return undefined;
    const at = a.scheduledAt ?? now;
    return this.renderLive(
      em,
      {
        ...a,
        firstPublishedAt: a.firstPublishedAt ?? a.originalPublishedAt ?? at,
        publishedAt: at,
      },
      snapshot,
      0,
      at,
    );
  }

  /** Writes the public read model (and its version history) for the article's new public state. */
  private async writePublication(
    em: EntityManager,
    a: Article,
    snapshot: ArticleResponse,
    status: PublicationStatus,
    change: string,
    now: Date,
  ): Promise<PublicDocument | KillDocument> {
    const existing = await em.findOne(Publication, { where: { articleId: a.id } });
    const version = (existing?.version ?? 0) + 1;
    let document: PublicDocument | KillDocument;
    let articleVersion = a.publishedVersion;
    if (status === 'killed') {
      const notices = await this.publicNotices(em, a.id);
      const kill = notices.filter((n) => n.kind === 'kill').at(-1)!;
      document = renderKillDocument(existing ? existing.document : snapshot, kill, notices, version);
    } else if (status === 'unpublished' && existing) {
      document = {
        ...(existing.document as PublicDocument),
        status,
        version,
        updatedAt: now.toISOString(),
      };
    } else {
      // Live: rendered from the snapshot that is published now.
      const published = a.publishedVersion === a.version ? snapshot : await this.publishedSnapshot(em, a);
      document = await this.renderLive(em, a, published, version, now);
      articleVersion = published.version;
    }
    await this.upsertPublication(em, a, document, status, version, change, now, articleVersion);
    return document;
  }

  private async publishedSnapshot(em: EntityManager, a: Article): Promise<ArticleResponse> {
    const rev = await em.findOne(ArticleRevision, {
      where: { articleId: a.id, version: a.publishedVersion ?? -1 },
    });
    if (!rev) throw new Error(`No revision for the published version ${a.publishedVersion} of ${a.id}`);
    return rev.snapshot;
  }

  private async upsertPublication(
    em: EntityManager,
    a: Article,
    document: PublicDocument | KillDocument,
    status: PublicationStatus,
    version: number,
    change: string,
    now: Date,
    articleVersion: number | null,
  ): Promise<void> {
    const live = document.status !== 'killed' ? document : undefined;
    const cfg = textSearchConfig(a.language);
    await em.query(
      `INSERT INTO publication AS p (article_id, translation_group_id, language, slug, genre, status, version, document,
         tag_ids, author_ids, first_published_at, published_at, updated_at, embargo_until, search)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], $10::uuid[], $11, $12, $13, $14,
         setweight(to_tsvector($15::regconfig, $16), 'A') || setweight(to_tsvector($15::regconfig, $17), 'B')
           || setweight(to_tsvector($15::regconfig, $18), 'C'))
       ON CONFLICT (article_id) DO UPDATE SET translation_group_id = EXCLUDED.translation_group_id,
         language = EXCLUDED.language, slug = EXCLUDED.slug, genre = EXCLUDED.genre, status = EXCLUDED.status,
         version = EXCLUDED.version, document = EXCLUDED.document, tag_ids = EXCLUDED.tag_ids,
         author_ids = EXCLUDED.author_ids, first_published_at = EXCLUDED.first_published_at,
         published_at = EXCLUDED.published_at, updated_at = EXCLUDED.updated_at,
         embargo_until = EXCLUDED.embargo_until, search = EXCLUDED.search`,
      [
        a.id,
        a.translationGroupId,
        a.language,
        a.slug,
        a.genre,
        status,
        version,
        JSON.stringify(document),
        live ? live.tags.map((t) => t.id) : [],
        live ? live.authors.map((x) => x.id) : [],
        a.firstPublishedAt ?? now,
        a.publishedAt ?? now,
        now,
        a.embargoUntil,
        cfg,
        live ? `${live.headline} ${live.subheadline ?? ''}` : '',
        live ? `${live.summary ?? ''} ${live.tags.map((t) => t.name).join(' ')}` : '',
        live ? live.bodyText : '',
      ],
    );
    await em.insert(
      PublicationVersion,
      em.create(PublicationVersion, {
        articleId: a.id,
        version,
        status,
        change,
        document,
        validFrom: now,
        embargoUntil: a.embargoUntil,
        articleVersion,
      }),
    );
  }
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The job the article waits for, for the action the scheduler takes. */
function isCurrentJob(a: Article, action: WorkflowAction, jobId: string): boolean {
  if (action === 'publish') return a.status === 'scheduled' && a.scheduleJobId === jobId;
  if (action === 'unpublish') return a.status === 'published' && a.expireJobId === jobId;
  if (action === 'lift_embargo') return a.status === 'published' && a.embargoJobId === jobId;
  return false;
}

/** When the scheduler's action was due. */
function dueTimeOf(a: Article, action: WorkflowAction): Date | null {
  if (action === 'publish') return a.scheduledAt;
  if (action === 'unpublish') return a.expiresAt;
  if (action === 'lift_embargo') return a.embargoUntil;
  return null;
}
